"""``analyze`` shows where each reading departs from its package as a readings x rules table
(issue 11, item 2), read from the findings' witnesses."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cybernorms.cli.app import app
from cybernorms.model.readers import is_reading_basis

runner = CliRunner()


def test_departures_are_a_matrix_of_readings_by_rules() -> None:
    result = runner.invoke(app, ["analyze", "--format", "json"])
    assert result.exit_code == 0
    departures = json.loads(result.stdout)["departures"]
    # every shipped position departs somewhere (else it would not ship); FRA and GBR among them
    assert {"position:FRA", "position:GBR"} <= set(departures)
    assert all(is_reading_basis(reading) for reading in departures)
    # the AU's reading (a group's, basis group:AU) finds a violation the package does not
    assert departures["group:AU"]["il.sovereignty"].startswith("violation; package: ")
    assert departures["group:AU"]["il.sovereignty"] != "violation; package: violation"
    # the witness is the solver's choice: France's reading gives a violation where the package
    # does not
    assert departures["position:FRA"]["il.sovereignty"].startswith("violation; package: ")
    assert departures["position:FRA"]["il.sovereignty"] != "violation; package: violation"
    # the UK reads no standalone sovereignty rule: a departure (not_applicable, never
    # no_violation), not a dead rule
    assert departures["position:GBR"]["il.sovereignty"] == "not_applicable; package: violation"
    # France reads attribution narrowly: rules that ask breached("il.state_responsibility")
    # depart too; due diligence (judging the territorial state) does not
    assert "il.use_of_force" in departures["position:FRA"]
    assert "il.due_diligence" not in departures["position:FRA"]  # no departure, no cell


def test_the_markdown_report_ends_with_the_table() -> None:
    result = runner.invoke(app, ["analyze", "--format", "markdown"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    header = (
        "| reading | gge2015.f | il.countermeasures | il.due_diligence | il.non_intervention"
        " | il.sovereignty | il.state_responsibility | il.use_of_force |"
    )
    at = lines.index(header)
    assert at > lines.index("| severity | kind | scope | rules | finding | witness |")
    rows = {
        line.split(" | ")[0]: line for line in lines[at + 2 :] if line.startswith("| position:")
    }
    # France's reading of sovereignty makes gge2015.f ("contrary to international law") fire
    assert rows["| position:FRA"].startswith("| position:FRA | violation; package: ")
    assert "| position:GBR" in rows


def test_findings_read_in_each_rules_question_words() -> None:
    """Issue 11's leftover: a departure on an attribution or permission rule names its
    answer ("permitted", "attributable"), never "violation", in messages, claims and table."""
    result = runner.invoke(app, ["analyze", "GBR", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    counter = [
        f
        for f in report["findings"]
        if f["kind"] == "position_diff" and f["rules"] == ["il.countermeasures"]
    ]
    assert counter, "GBR's reading changes what countermeasures may answer"
    for finding in counter:
        assert "'permitted'" in finding["message"] and "violation" not in finding["message"]
        words = {c["outcome"] for c in finding["expect"]}
        assert words <= {"permitted", "not_permitted", "undetermined", "not_applicable"}
    cell = report["departures"]["position:GBR"]["il.countermeasures"]
    assert "violation" not in cell and "permitted" in cell
