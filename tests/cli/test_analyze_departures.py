"""``analyze`` shows where each reading departs from its package as a readings x rules table
(issue 11, item 2), read from the findings' witnesses."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cybernorms.cli.app import app

runner = CliRunner()


def test_departures_are_a_matrix_of_readings_by_rules() -> None:
    result = runner.invoke(app, ["analyze", "--format", "json"])
    assert result.exit_code == 0
    departures = json.loads(result.stdout)["departures"]
    assert set(departures) == {"position:FRA", "position:GBR"}
    assert departures["position:FRA"]["il.sovereignty"] == "violation; package: undetermined"
    assert departures["position:GBR"]["il.sovereignty"].startswith("dead_rule, no_violation")
    assert "il.use_of_force" not in departures["position:FRA"]  # no departure, no cell


def test_the_table_leads_the_markdown_report() -> None:
    result = runner.invoke(app, ["analyze", "--format", "markdown"])
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first == "| reading | il.countermeasures | il.due_diligence | il.sovereignty |"
