"""Position diffs counted on real incidents: plain evaluation, verdict by verdict."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cybernorms.analysis.counts import disagreements
from cybernorms.cli.app import app
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import load_rulebooks

REPO = Path(__file__).resolve().parents[2]


def test_an_incident_counts_once_when_the_position_changes_an_outcome() -> None:
    books = load_rulebooks(REPO / "rulebooks", with_examples=False)
    outage = Incident.model_validate(
        {
            "id": "t:outage",
            "attribution": {"state": "RUS", "level": "direct"},
            "targets": [{"country": "UKR", "category": "critical_infrastructure"}],
            "effects": {"disruption": "long", "physical": "none", "casualties": 0},
        }
    )
    espionage = Incident.model_validate(
        {
            "id": "t:espionage",
            "attribution": {"state": "CHN", "level": "direct"},
            "targets": [{"country": "USA", "category": "corporate"}],
            "effects": {
                "intrusion": True,
                "data_theft": "sensitive",
                "disruption": "none",
                "physical": "none",
                "hijacking": "none",
                "control_deprived": False,
            },
            "intent": {"purpose": "espionage", "compel": False},
        }
    )
    counts = disagreements(books.packages, books.positions, [], [outage, espionage])
    # The UK reads no standalone sovereignty rule (no_rule): both incidents are
    # not_applicable under it, where the restatement finds a breach (the outage) and no breach
    # (the espionage) - two departures; countermeasures change on the outage only. France adds
    # a breach for the espionage only (an intrusion suffices), and countermeasures with it.
    assert counts[("position:GBR", "il.sovereignty")] == 2
    assert counts[("position:GBR", "il.countermeasures")] == 1
    assert counts[("position:FRA", "il.sovereignty")] == 1
    assert counts[("position:FRA", "il.countermeasures")] == 1


def test_analyze_prints_the_counts_for_the_curated_incidents() -> None:
    result = CliRunner().invoke(
        app,
        ["analyze", "GBR", "--incidents", str(REPO / "examples" / "incidents"), "--format", "json"],
    )
    assert result.exit_code == 0, result.output

    findings = json.loads(result.output)["findings"]
    diffs = [f for f in findings if f["kind"] == "position_diff"]
    assert diffs and all(f["count"].endswith("of 25 incidents") for f in diffs)


def test_check_refuses_a_rulebook_with_an_analysis_error() -> None:
    planted = REPO / "tests" / "data" / "analysis" / "planted"
    result = CliRunner().invoke(app, ["check", str(planted)])
    assert result.exit_code == 1
    assert "analysis: conflict (planted@1.0.0): conflict: p.narrow is declared to refine" in (
        result.output
    )
    shipped = CliRunner().invoke(app, ["check", str(REPO / "rulebooks")])
    assert shipped.exit_code == 0, shipped.output
