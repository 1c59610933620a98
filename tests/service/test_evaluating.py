"""The service's evaluation: whatever the detail asked for, the same verdicts; a package
selection compiles only what it reaches; evaluators are built once per setup."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Verdict
from cybernorms.service import evaluating, loading
from cybernorms.service.errors import UnknownName
from cybernorms.service.explaining import explain
from cybernorms.service.formats import Detail

REPO = Path(__file__).resolve().parents[2]
LANG = REPO / "tests" / "data" / "lang"
EXAMPLES = REPO / "examples" / "incidents"

OTHER = """\
package: other
version: 1.0.0
title: reads lang through breached
requires: [lang]
rules:
  - id: other.follows
    title: follows lang.ci
    kind: norm
    subject: attribution.state
    source: test
    text: (our paraphrase) a breach of lang.ci
    violated_when: breached("lang:lang.ci")
"""

LONE = """\
package: lone
version: 1.0.0
title: reached by nothing
rules:
  - id: lone.any
    title: anything known
    kind: norm
    subject: attribution.state
    source: test
    text: (our paraphrase) a known disruption
    violated_when: effects.disruption == "long"
"""


def _rows(verdicts: list[Verdict]) -> list[tuple[object, ...]]:
    return [(v.incident, v.package, v.rule, v.subject, v.basis, v.outcome) for v in verdicts]


@pytest.fixture(scope="module")
def incidents() -> list[Incident]:
    return loading.load_incident_inputs([EXAMPLES]).incidents


@pytest.mark.parametrize("positions", [(), ("GBR", "FRA")])
def test_every_detail_gives_the_verdicts_of_the_traced_engine(
    incidents: list[Incident], positions: tuple[str, ...]
) -> None:
    books = loading.rulebooks(None)
    chosen = evaluating.setup(books, positions=positions)
    full = list(evaluating.evaluate(chosen, incidents, as_of=None, detail=Detail.trace))
    assert full and all(v.raw_trace is not None for v in full)
    for detail in Detail:
        got = list(evaluating.evaluate(chosen, incidents, as_of=None, detail=detail))
        assert _rows(got) == _rows(full), detail
        if detail is not Detail.outcome:
            assert [v.missing for v in got] == [v.missing for v in full], detail
        if detail in (Detail.profiles, Detail.trace):
            assert [v.profiles for v in got] == [v.profiles for v in full], detail
    summary = list(evaluating.evaluate(chosen, incidents, as_of=None, detail=Detail.outcome))
    assert all(v.raw_trace is None and v.missing == () for v in summary)


def test_outcome_counts_never_run_the_tracing_code(
    incidents: list[Incident], monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = evaluating.setup(loading.rulebooks(None), positions=["GBR"])
    engine = evaluating.evaluator(chosen)

    def no_traces(*args: object) -> None:
        raise AssertionError("a summary asked for traces")

    monkeypatch.setattr(engine, "verdicts", no_traces)
    got = list(evaluating.evaluate(chosen, incidents, as_of=None, detail=Detail.outcome))
    assert len(got) > len(incidents)


def test_a_package_selection_compiles_only_what_it_reaches(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(LANG, book)
    for name, text in (("other", OTHER), ("lone", LONE)):
        (book / name).mkdir()
        (book / name / "package.yaml").write_text(text, encoding="utf-8")
    books = loading.rulebooks(book)
    chosen = evaluating.setup(books, packages=["other"], positions=["EST"])
    assert [p.id for p in chosen.packages] == ["lang", "other"]
    assert [p.state for p in chosen.positions] == ["EST"]  # its lens changes lang.ci
    incident = Incident.model_validate(
        {
            "id": "x",
            "attribution": {"state": "RUS", "level": "direct"},
            "targets": [{"country": "UKR", "sector": "energy"}],
            "effects": {"disruption": "long"},
        }
    )
    selected = list(evaluating.evaluate(chosen, [incident], as_of=None, detail=Detail.profiles))
    assert {v.package for v in selected} == {"other@1.0.0"}
    everything = evaluating.setup(books, positions=["EST"])
    all_verdicts = evaluating.evaluate(everything, [incident], as_of=None, detail=Detail.profiles)
    assert _rows(selected) == _rows([v for v in all_verdicts if v.package == "other@1.0.0"])
    # a hand-made package's "consensus" has no adoption on the record: a proposal
    assert {(v.basis, v.outcome.label) for v in selected} == {
        ("proposal", "violation"),
        ("position:EST", "violation"),
    }
    with pytest.raises(UnknownName, match="no package 'nope'"):
        evaluating.setup(books, packages=["nope"])


def test_an_evaluator_is_built_once_per_setup_and_rulebooks_once_per_content(
    tmp_path: Path,
) -> None:
    book = tmp_path / "book"
    shutil.copytree(LANG, book)
    books = loading.rulebooks(book)
    assert loading.rulebooks(book) is books  # files unchanged: the same objects
    first = evaluating.evaluator(evaluating.setup(books, positions=["EST"]))
    assert evaluating.evaluator(evaluating.setup(books, positions=["est"])) is first
    assert evaluating.evaluator(evaluating.setup(books)) is not first
    package = book / "lang" / "package.yaml"
    package.write_text(package.read_text() + "\n# edited\n", encoding="utf-8")
    assert loading.rulebooks(book) is not books  # an edited file is read again


def test_the_date_is_the_callers(incidents: list[Incident]) -> None:
    """``as_of`` D: profiles in force on D (here, before any profile: none, every parameter
    unknown); None: profiles in force on each incident's start date."""
    books = loading.rulebooks(None)
    chosen = evaluating.setup(books)
    early = dt.date(1990, 1, 1)
    verdicts = list(evaluating.evaluate(chosen, incidents, as_of=early, detail=Detail.profiles))
    assert all(label.endswith("@unpublished") for v in verdicts for label in v.profiles)
    default = list(evaluating.evaluate(chosen, incidents, as_of=None, detail=Detail.profiles))
    assert any(not label.endswith("@unpublished") for v in default for label in v.profiles)


def test_explain_re_evaluates_one_verdict_with_its_trace() -> None:
    books = loading.rulebooks(LANG)
    incident = Incident.model_validate({"id": "t2", "attribution": {"level": "direct"}})
    [e] = explain(books, incident, "lang.ci", as_of=None)
    assert e.verdict.outcome.label == "undetermined" and e.verdict.trace is not None
    assert e.rule.id == "lang.ci"
    [under] = explain(books, incident, "lang.ci", positions=["EST"], as_of=None)
    assert under.verdict.basis == "position:EST"
    assert under.rule is books.position("EST").overrides["lang.ci"]
    with pytest.raises(UnknownName, match=r"no rule 'lang\.none'"):
        explain(books, incident, "lang.none", as_of=None)
    with pytest.raises(UnknownName, match="no verdict for subject FRA"):
        explain(books, incident, "lang.ci", subject="fra", as_of=None)
