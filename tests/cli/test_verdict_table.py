"""``evaluate``'s table fits 80 and 120 columns without breaking an incident id, a rule id or
a basis, and names each incident once (issue 11: "tables truncate at 80 and 120 columns and
repeat ids")."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from cybernorms.cli.evaluation import rule_titles, verdict_table
from cybernorms.service import evaluating, loading
from cybernorms.service.formats import Detail

INCIDENTS = Path(__file__).resolve().parents[2] / "examples" / "incidents"


@pytest.mark.parametrize("width", [80, 120])
def test_the_verdict_table_fits_and_keeps_ids_whole(width: int) -> None:
    books = loading.compose(positions=["FRA", "USA"]).books
    read = loading.load_incident_inputs(
        [INCIDENTS / "2017-notpetya.yaml", INCIDENTS / "2016-ukraine-industroyer.yaml"]
    ).incidents
    chosen = evaluating.setup(books, positions=["FRA", "USA"])
    verdicts = list(evaluating.evaluate(chosen, read, as_of=None, detail=Detail.missing))
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(verdict_table(verdicts, rule_titles(books), {i.id: i.name or "" for i in read}))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    firsts = [line.split("│")[1].strip() for line in lines if line.count("│") == 5]
    for whole in ("cn:2017-notpetya", "cn:2016-ukraine-industroyer", "il.state_responsibility"):
        assert any(f.startswith(whole) for f in firsts), whole
    # each incident named once, as the heading of its rows
    assert sum(f.startswith("cn:2017-notpetya") for f in firsts) == 1
    assert "position:FRA" in text and "position:USA" in text and "restatement" in text
    assert "attributable" in text and "reason: held open by this state" in text
    assert "missing: " in text
