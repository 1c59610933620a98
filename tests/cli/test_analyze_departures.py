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


def test_the_markdown_report_ends_with_the_table() -> None:
    result = runner.invoke(app, ["analyze", "--format", "markdown"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    header = "| reading | il.countermeasures | il.due_diligence | il.sovereignty |"
    at = lines.index(header)
    assert at > lines.index("| severity | kind | scope | rules | finding | witness |")
    assert lines[at + 2].startswith("| position:FRA | violation; package: undetermined |")
    assert lines[at + 3].startswith("| position:GBR |")
