"""A verdict's basis comes from the forum record, never from the YAML alone (issue 9 item 3).

``consensus`` only where the package's exact content hash has an adoption on the record
(the shipped history by default), and the verdict then cites that adoption; otherwise the
package's declared non-consensus basis (a claimed ``consensus`` is a ``proposal``).
Evaluating part of an adopted package is labelled a selection, never the package.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cybernorms.cli.app import app
from cybernorms.forum.history import load_history, package_content_hash
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import default_rulebooks_dir
from cybernorms.service import evaluating, loading, record
from cybernorms.service.formats import Detail

GGE = default_rulebooks_dir() / "un-gge-2015" / "package.yaml"
#: The incident every test here judges: a destructive operation on energy, attributed to RUS.
INCIDENT = Incident.model_validate(
    {
        "id": "t:grid",
        "start_date": "2024-01-10",
        "attribution": {"state": "RUS", "level": "direct"},
        "targets": [{"country": "UKR", "category": "critical_infrastructure", "sector": "energy"}],
        "effects": {"disruption": "long"},
    }
)


def _verdicts(chosen: evaluating.Setup) -> list[Any]:
    return list(evaluating.evaluate(chosen, [INCIDENT], as_of=None, detail=Detail.outcome))


def _gge_adoption_index() -> int:
    wanted = package_content_hash(GGE)
    closes = [
        r
        for r in load_history(record.history_path())
        if r.act.kind == "close" and getattr(r.act, "revision", None) == wanted
    ]
    assert len(closes) == 1
    return closes[0].log_index


def _book(tmp_path: Path, document: dict[str, Any], name: str = "book") -> Path:
    """A rulebook holding ``document`` and the shipped il-core its rules may reach
    (norm (f) asks ``breached("il-core:...")``)."""
    folder = tmp_path / name / document["package"]
    folder.mkdir(parents=True)
    (folder / "package.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    il_core = tmp_path / name / "il-core"
    if not il_core.exists():
        il_core.mkdir()
        shutil.copy(GGE.parents[1] / "il-core" / "package.yaml", il_core / "package.yaml")
    return tmp_path / name


def _gge_document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(GGE.read_text("utf-8"))
    return loaded


def test_shipped_packages_are_consensus_through_the_shipped_record_which_each_verdict_cites() -> (
    None
):
    chosen = evaluating.setup(loading.rulebooks(), packages=["un-gge-2015"])
    verdicts = _verdicts(chosen)
    assert verdicts and {v.basis for v in verdicts} == {"consensus"}
    cited = {json.dumps(v.to_json()["record"], sort_keys=True) for v in verdicts}
    assert len(cited) == 1
    adoption = verdicts[0].to_json()["record"]
    assert adoption["log_index"] == _gge_adoption_index()
    assert adoption["log"] == record.SHIPPED_LOG
    assert adoption["forum"] == "unga"
    assert adoption["decision"] == "adopted_without_vote"
    assert adoption["content_hash"] == package_content_hash(GGE)
    assert adoption["recorded_from_public_sources"] is True
    assert not any(v.selection for v in verdicts)


def test_without_the_adoption_on_the_record_the_same_package_is_a_proposal() -> None:
    empty = record.of_records([], log="an empty log")
    chosen = evaluating.setup(loading.rulebooks(), packages=["un-gge-2015"], record=empty)
    verdicts = _verdicts(chosen)
    assert verdicts and {v.basis for v in verdicts} == {"proposal"}
    assert all("record" not in v.to_json() for v in verdicts)


@pytest.mark.parametrize(
    ("declared", "shown"),
    [
        ("consensus", "proposal"),
        ("proposal", "proposal"),
        ("restatement", "restatement"),
        ("group:nordic", "group:nordic"),
    ],
)
def test_a_hand_made_package_evaluates_as_its_non_consensus_basis(
    tmp_path: Path, declared: str, shown: str
) -> None:
    own = _gge_document() | {"package": "my-norms", "basis": declared, "title": "My own norms"}
    books = loading.compose([_book(tmp_path, own)], shipped=False).books
    verdicts = _verdicts(evaluating.setup(books, packages=["my-norms"]))
    assert verdicts and {v.basis for v in verdicts} == {shown}
    assert all(v.record is None and not v.selection for v in verdicts)


def test_an_edited_one_rule_copy_of_gge_2015_is_not_reported_as_its_consensus(
    tmp_path: Path,
) -> None:
    document = _gge_document()
    rule = next(r for r in document["rules"] if r["id"] == "gge2015.f")
    edited = rule | {"text": rule["text"] + " (edited)"}
    books = loading.compose([_book(tmp_path, document | {"rules": [edited]})], shipped=False).books
    verdicts = _verdicts(evaluating.setup(books, packages=["un-gge-2015"]))
    assert verdicts and {(v.package, v.basis) for v in verdicts} == {
        ("un-gge-2015@1.0.0", "proposal")
    }
    assert all(v.record is None for v in verdicts)


def test_a_copy_that_only_drops_rules_is_a_selection_of_the_adopted_version(
    tmp_path: Path,
) -> None:
    document = _gge_document()
    kept = [r for r in document["rules"] if r["id"] == "gge2015.f"]
    books = loading.compose([_book(tmp_path, document | {"rules": kept})], shipped=False).books
    verdicts = _verdicts(evaluating.setup(books, packages=["un-gge-2015"]))
    assert verdicts and all(v.basis == "consensus" and v.selection for v in verdicts)
    assert {v.to_json()["selection"] for v in verdicts} == {True}
    assert verdicts[0].to_json()["record"]["log_index"] == _gge_adoption_index()


def test_rules_left_out_by_selection_label_the_verdicts_a_selection() -> None:
    books = loading.rulebooks()
    gge = loading.package(books, "un-gge-2015")
    partial = evaluating.setup(books, packages=["un-gge-2015"], rules=["gge2015.f"])
    assert "un-gge-2015@1.0.0" in partial.partial  # (il-core, reached by norm (f), too)
    assert all(v.selection for v in _verdicts(partial))
    whole = evaluating.setup(books, packages=["un-gge-2015"], rules=[r.id for r in gge.rules])
    assert not any(v.selection for v in _verdicts(whole))


def test_is_selection_needs_every_other_field_equal_and_rules_unchanged() -> None:
    whole = _gge_document()
    assert record.is_selection(whole | {"rules": whole["rules"][:2]}, whole)
    assert not record.is_selection(whole, whole)  # the whole is no selection of itself
    assert not record.is_selection(whole | {"rules": whole["rules"][:2], "title": "x"}, whole)
    changed = [whole["rules"][0] | {"violated_when": "True"}]
    assert not record.is_selection(whole | {"rules": changed}, whole)


def test_cli_marks_a_selection_in_tables_and_json(tmp_path: Path) -> None:
    incident = tmp_path / "i.json"
    incident.write_text(json.dumps([INCIDENT.model_dump(mode="json", exclude_none=True)]))
    runner = CliRunner()
    args = ["evaluate", str(incident), "--package", "un-gge-2015", "--rule", "gge2015.f"]
    as_json = runner.invoke(app, [*args, "-f", "json", "--no-trace"])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    assert rows and all(r["basis"] == "consensus" and r["selection"] is True for r in rows)
    table = runner.invoke(app, [*args, "-f", "table"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "(selection)" in table.stdout
    markdown = runner.invoke(app, [*args, "-f", "markdown"])
    assert "consensus (selection)" in markdown.stdout
