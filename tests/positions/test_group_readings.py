"""A group's common reading (``position: group:NAME``): reported under basis ``group:NAME``,
never consensus and never any member's ``position:ISO3``; it lists its members with a source;
it can do everything a state's position can; and a bad one is refused at its line.

The test group ``group:TEST-1`` (tests/data/groups) reads the language's test package with an
override, ``agrees``, ``holds_open``, a ``no_rule`` and an added rule; the shipped
``group:AU`` reads il-core."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cybernorms.cli.app import app
from cybernorms.engine import Evaluator
from cybernorms.engine.examples import run_examples
from cybernorms.model.documents import DocumentError
from cybernorms.model.facts import Incident
from cybernorms.model.readers import (
    file_stem,
    is_group,
    is_reading_basis,
    parse_reader,
    reader_id,
    reader_of,
    reading_basis,
)
from cybernorms.model.verdict import CONSENSUS
from cybernorms.rules.catalog import Rulebooks, load_rulebooks
from cybernorms.rules.package import HELD_OPEN_BY_GROUP, load_package

DATA = Path(__file__).resolve().parents[1] / "data"
LANG = DATA / "lang"
GROUPS = DATA / "groups"
GROUP = "group:TEST-1"


@pytest.fixture(scope="module")
def books() -> Rulebooks:
    return load_rulebooks([LANG, GROUPS])


INCIDENT = Incident.model_validate(
    {
        "id": "ex:group",
        "attribution": {"state": "RUS", "level": "direct"},
        "territory_used": ["NLD"],
        "targets": [{"country": "UKR", "category": "state_institutions", "sector": "energy"}],
        "effects": {"disruption": "none", "physical": "none", "data_theft": "sensitive"},
        "context": {"armed_conflict": False},
    }
)


# -- the reader: one place says what it is called and which basis it has ---------------------


def test_a_reader_is_a_state_or_a_group_and_its_basis_says_which() -> None:
    assert reading_basis("FRA") == "position:FRA"
    assert reading_basis("group:AU") == "group:AU"
    assert reader_of("position:FRA") == "FRA"
    assert reader_of("group:AU") == "group:AU"
    # a package's own group basis (lower case) is no position's reading
    assert reader_of("group:like-minded") is None
    assert not is_reading_basis("group:like-minded")
    assert not is_reading_basis(CONSENSUS)
    assert file_stem("group:AU") == "group-AU"
    assert file_stem("FRA") == "FRA"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("fra", "FRA"), (" FRA ", "FRA"), ("group:au", "group:AU"), ("GROUP:AU", "group:AU")],
)
def test_a_users_spelling_is_read_as_the_position_names_it(typed: str, meant: str) -> None:
    """``--position group:AU`` is never upper-cased into ``GROUP:AU``, a name of nothing."""
    assert reader_id(typed) == meant


@given(st.from_regex(r"group:[A-Z][A-Z0-9]{0,5}(-[A-Z0-9]{1,4}){0,2}", fullmatch=True))
def test_every_group_name_reads_back_as_itself(reader: str) -> None:
    assert is_group(reader)
    assert parse_reader(reader) == reader
    assert reader_id(reader) == reader == reader_id(reader.lower())
    assert reader_of(reading_basis(reader)) == reader


@given(st.sampled_from(["FRA", "NLD", "KEN", "ZAF", "USA"]))
def test_every_state_reads_back_as_itself(state: str) -> None:
    assert not is_group(state)
    assert reader_of(reading_basis(state)) == state == reader_id(state.lower())


# -- a group's reading, loaded and evaluated -------------------------------------------------


def test_a_group_reading_lists_its_members_and_their_source(books: Rulebooks) -> None:
    group = books.position("group:test-1")
    assert group.state == GROUP and group.is_group and group.basis == GROUP
    assert group.members == ("EST", "LVA", "LTU")
    assert group.members_source == "https://example.org/test-group#members"
    assert books.position("EST").members == () and not books.position("EST").is_group


def test_everything_a_position_does_a_group_does_under_its_own_basis(books: Rulebooks) -> None:
    results = [r for r in run_examples(books) if r.owner == GROUP]
    assert results and all(r.ok for r in results), [r.problem for r in results if not r.ok]
    verdicts = Evaluator(books.packages, books.profiles, [books.position(GROUP)]).verdicts(INCIDENT)
    mine = {v.rule: v for v in verdicts if v.basis == GROUP}
    assert set(mine) == {
        "lang.ci",  # override
        "lang.all_gov",  # agrees
        "lang.count",  # holds_open
        "lang.known",  # no_rule
        "lang.group_only",  # added
        "lang.dd",  # reads lang.ci through breached()
    }
    assert mine["lang.count"].reason == HELD_OPEN_BY_GROUP
    assert not any(v.basis.startswith("position:") for v in verdicts)


def test_the_shipped_au_reading_is_a_group_of_the_au_members() -> None:
    shipped = load_rulebooks()
    au = shipped.position("group:AU")
    assert au.basis == "group:AU" and au.package == "il-core"
    assert len(au.members) == len(set(au.members)) == 54  # the SADR has no ISO 3166-1 code
    assert {"ZAF", "NGA", "EGY", "KEN", "MAR", "ETH"} <= set(au.members)
    assert au.members_source and "African_Union" in au.members_source
    results = [r for r in run_examples(shipped) if r.owner == "group:AU"]
    assert results and all(r.ok for r in results)


# -- bad group readings are refused at their line ---------------------------------------------

PACKAGE = """\
package: demo
version: 1.0.0
title: Demo
basis: restatement
rules:
  - id: demo.rule
    title: a rule
    kind: law
    subject: attribution.state
    source: test
    text: (test) a rule
    violated_when: attribution.level == "direct"
"""

HEAD = "title: t\nsources: [s]\npackage: demo\n"
OVERRIDE = "overrides:\n  - {rule: demo.rule, violated_when: 'False'}\n"


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        ("position: group:au\n" + HEAD, "1:", "unknown group form 'group:au'"),
        ("position: GROUP:AU\n" + HEAD, "1:", "unknown group form 'GROUP:AU'"),
        ("position: 'group:'\n" + HEAD, "1:", "unknown group form"),
        ("position: bloc:AU\n" + HEAD, "1:", "names no reader"),
        (
            "position: FRA\n" + HEAD + "members: [DEU]\n" + OVERRIDE,
            "5:",
            "members: only a group's reading (position: group:NAME) lists members; FRA is a state",
        ),
        (
            "position: FRA\n" + HEAD + "members_source: https://x\n" + OVERRIDE,
            "5:",
            "members_source: only a group's reading",
        ),
        (
            "position: group:AU\n" + HEAD + "members_source: https://x\n" + OVERRIDE,
            "1:",
            "group:AU is a group: list its member states under 'members:' (ISO3)",
        ),
        (
            "position: group:AU\n" + HEAD + "members: []\nmembers_source: https://x\n" + OVERRIDE,
            "1:",
            "list its member states",
        ),
        (
            "position: group:AU\n" + HEAD + "members: [KEN]\n" + OVERRIDE,
            "1:",
            "cite where its member list comes from ('members_source:')",
        ),
        (
            "position: group:AU\n" + HEAD + "members: [KEN, XXX]\nmembers_source: s\n" + OVERRIDE,
            "5:",
            "unknown state code 'XXX'",
        ),
        (
            "position: group:AU\n" + HEAD + "members: [KEN, KEN]\nmembers_source: s\n" + OVERRIDE,
            "5:",
            "KEN listed twice",
        ),
    ],
)
def test_bad_group_readings_are_refused_at_their_line(
    tmp_path: Path, text: str, where: str, expected: str
) -> None:
    from cybernorms.rules.package import load_position

    (tmp_path / "package.yaml").write_text(PACKAGE)
    (tmp_path / "position.yaml").write_text(text)
    package = load_package(tmp_path / "package.yaml")
    with pytest.raises(DocumentError) as caught:
        load_position(tmp_path / "position.yaml", [package])
    found = [str(p) for p in caught.value.problems]
    assert any(expected in p for p in found), found
    located = next(p for p in found if expected in p)
    assert re.match(rf"{re.escape(str(tmp_path / 'position.yaml'))}:{where}\d+: ", located), located


# -- the command line -------------------------------------------------------------------------

RUNNER = CliRunner()


def _incident_file(tmp_path: Path) -> Path:
    path = tmp_path / "incident.json"
    path.write_text(json.dumps(INCIDENT.model_dump(mode="json", exclude_none=True)))
    return path


def _rulebooks() -> list[str]:
    return ["--no-shipped", "--rulebooks", str(LANG), "--rulebooks", str(GROUPS)]


def test_evaluate_under_a_group_in_any_case_reports_the_group_basis(tmp_path: Path) -> None:
    result = RUNNER.invoke(
        app,
        [
            "evaluate",
            str(_incident_file(tmp_path)),
            *_rulebooks(),
            *("--position", "group:test-1", "--format", "json"),
        ],
    )
    assert result.exit_code == 0, result.output
    bases = {v["basis"] for v in json.loads(result.output)}
    assert GROUP in bases and not any(b.startswith("position:") for b in bases)


def test_the_basis_filter_reads_a_group_basis_and_position_takes_every_reading(
    tmp_path: Path,
) -> None:
    common = ["evaluate", str(_incident_file(tmp_path)), *_rulebooks()]
    common += ["--position", GROUP, "--position", "EST", "--format", "json"]
    only_group = RUNNER.invoke(app, [*common, "--basis", "group:test-1"])
    assert only_group.exit_code == 0, only_group.output
    assert {v["basis"] for v in json.loads(only_group.output)} == {GROUP}
    readings = RUNNER.invoke(app, [*common, "--basis", "position"])
    assert {v["basis"] for v in json.loads(readings.output)} == {GROUP, "position:EST"}


def test_an_unknown_group_is_refused_naming_the_loaded_readings(tmp_path: Path) -> None:
    result = RUNNER.invoke(
        app, ["evaluate", str(_incident_file(tmp_path)), *_rulebooks(), "--position", "group:XX"]
    )
    assert result.exit_code != 0
    assert "group:XX" in result.output and GROUP in result.output


def test_compare_all_includes_the_groups(tmp_path: Path) -> None:
    result = RUNNER.invoke(
        app, ["compare", str(_incident_file(tmp_path)), *_rulebooks(), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    columns = json.loads(result.output)["columns"]
    assert GROUP in columns and "position:EST" in columns
    assert not any(c.startswith("position:group") for c in columns)
