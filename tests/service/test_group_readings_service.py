"""The shipped African Union reading (``group:AU``) through the application layer and the
outputs: compare (``ALL`` includes groups), the analysis's departures table, explain, the
summaries and HTML report, and STIX export. Each reports the group's basis ``group:AU``,
never ``consensus`` and never ``position:...``."""

from __future__ import annotations

import datetime as dt
from functools import cache

from cybernorms.engine import Evaluator
from cybernorms.export import verdict_extension
from cybernorms.export.stix import validate_bundle, verdicts_to_bundle
from cybernorms.model.facts import Incident
from cybernorms.report.html import html_report
from cybernorms.report.summary import Row, summarise
from cybernorms.rules.catalog import Rulebooks
from cybernorms.service import analysing, comparing, explaining, loading
from cybernorms.service.selecting import record

ESPIONAGE = Incident.model_validate(
    {
        "schema": "cybernorms.incident/2",
        "id": "ex:au-espionage",
        "attribution": {"state": "CHN", "level": "direct"},
        "targets": [{"country": "ETH", "category": "state_institutions", "sector": "government"}],
        "effects": {
            "intrusion": True,
            "data_theft": "sensitive",
            "disruption": "none",
            "physical": "none",
            "hijacking": "none",
        },
    }
)
WHEN = dt.datetime(2026, 12, 5, 0, 0, tzinfo=dt.UTC)


@cache
def books() -> Rulebooks:
    return loading.rulebooks()


@cache
def au_verdicts() -> tuple[object, ...]:
    shipped = books()
    evaluator = Evaluator(shipped.packages, shipped.profiles, [shipped.position("group:AU")])
    return tuple(evaluator.verdicts(ESPIONAGE))


def test_compare_all_has_a_group_column_that_departs_where_the_group_reads_otherwise() -> None:
    matrix = comparing.compare(books(), ESPIONAGE, ["ALL"], as_of=None, only_differences=True)
    assert "group:AU" in matrix.columns
    sovereignty = next(r for r in matrix.rows if r.rule == "il.sovereignty")
    assert sovereignty.readings["group:AU"].outcome == "violation"
    assert sovereignty.readings["group:AU"].basis == "group:AU"
    assert sovereignty.readings[comparing.PACKAGE].outcome == "no_violation"
    assert any("effects.intrusion" in fact for fact in sovereignty.deciding["group:AU"])


def test_compare_under_the_group_alone_in_any_case() -> None:
    matrix = comparing.compare(books(), ESPIONAGE, ["group:au"], as_of=None)
    assert matrix.columns == [comparing.PACKAGE, "group:AU"]


def test_the_departures_table_has_a_row_for_the_group() -> None:
    report = analysing.analyse(books(), ["group:AU"])
    table = analysing.departures(report)
    assert set(table) == {"group:AU"}
    # which package outcome the witness shows (undetermined or no_violation) is the solver's
    assert table["group:AU"]["il.sovereignty"].startswith("violation; package: ")
    assert table["group:AU"]["il.sovereignty"] != "violation; package: violation"


def test_explain_under_the_group_explains_its_reading() -> None:
    found = explaining.explain(
        books(), ESPIONAGE, "il.sovereignty", subject="CHN", positions=["group:AU"], as_of=None
    )
    assert [e.verdict.basis for e in found] == ["group:AU"]
    assert found[0].verdict.outcome.label == "violation"


def test_summaries_and_the_html_report_keep_the_group_basis_apart() -> None:
    verdicts = au_verdicts()
    rows = [
        Row(v.incident, v.rule, v.subject, v.basis, v.question, v.outcome)  # type: ignore[attr-defined]
        for v in verdicts
    ]
    bases = [s.basis for s in summarise(rows)]
    assert "group:AU" in bases and "restatement" in bases
    assert bases.index("restatement") < bases.index("group:AU")
    page = html_report(
        [record(v, ESPIONAGE, with_trace=True) for v in verdicts],  # type: ignore[arg-type]
        titles={},
    )
    assert "basis group:AU" in page and "position:group" not in page


def test_stix_export_carries_the_group_basis() -> None:
    verdicts = [v for v in au_verdicts() if v.basis == "group:AU"]  # type: ignore[attr-defined]
    assert verdicts
    bundle = verdicts_to_bundle([ESPIONAGE], verdicts, created=WHEN)  # type: ignore[arg-type]
    assert validate_bundle(bundle).clean
    notes = [o for o in bundle["objects"] if o["type"] == "note"]
    carried = {n["extensions"][verdict_extension.definition_id()]["basis"] for n in notes}
    assert carried == {"group:AU"}
    assert any("(group:AU)" in n["content"] for n in notes)
