"""The shipped rulebooks load cleanly and every rule behaves as its examples say.

These are the project's own packages (rulebooks/): each rule is specified by example
incidents in the examples file next to it, run here exactly as ``cybernorms check`` runs them.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from cybernorms.engine import Evaluator
from cybernorms.engine.examples import run_examples
from cybernorms.ingest.files import incident_files, load_incidents
from cybernorms.model.readers import is_reading_basis
from cybernorms.model.verdict import Outcome
from cybernorms.rules.catalog import Rulebooks, load_rulebooks

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def books() -> Rulebooks:
    return load_rulebooks(REPO / "rulebooks")


def test_packages_positions_and_profiles_load(books: Rulebooks) -> None:
    assert {p.id for p in books.packages} >= {"un-gge-2015", "il-core"}
    gge = books.package("un-gge-2015")
    assert [r.id for r in gge.rules] == [f"gge2015.{c}" for c in "abcdefghijk"]
    il = {r.id for r in books.package("il-core").rules}
    assert il >= {
        "il.sovereignty",
        "il.non_intervention",
        "il.use_of_force",
        "il.due_diligence",
        "il.state_responsibility",
        "il.countermeasures",
    }
    assert {p.state for p in books.positions} >= {"GBR", "FRA"}
    # a state's reading is position:ISO3, a group's its group:NAME (never consensus)
    assert all(is_reading_basis(p.basis) for p in books.positions)
    assert {p.basis for p in books.positions if p.is_group} == {"group:AU"}
    assert books.profiles and all(p.illustrative for p in books.profiles)


def test_every_example_holds(books: Rulebooks) -> None:
    results = run_examples(books)
    failures = [f"{r.where} {r.example}: {r.problem}" for r in results if not r.ok]
    assert failures == []


def test_every_incident_rule_has_examples_of_at_least_two_outcomes(books: Rulebooks) -> None:
    outcomes: dict[str, set[str]] = defaultdict(set)
    for r in run_examples(books):
        if r.got is not None and r.got.basis in ("consensus", "restatement"):
            outcomes[r.expectation.rule].add(r.got.outcome.label)
    for package in books.packages:
        for rule in package.rules:
            assert rule.id in outcomes, f"{rule.id} has no example"
            if rule.scope == "incident":
                assert len(outcomes[rule.id]) >= 2, (
                    f"{rule.id}: examples show only {outcomes[rule.id]}"
                )


def test_posture_rules_are_present_and_not_applicable_on_incidents(books: Rulebooks) -> None:
    incidents = [
        i for f in incident_files([REPO / "examples" / "incidents"]) for i in load_incidents(f)
    ]
    posture = {r.id for p in books.packages for r in p.rules if r.scope == "posture"}
    assert posture, "the GGE package has posture norms"
    evaluator = Evaluator(books.packages)
    for incident in incidents[:5]:
        verdicts = [v for v in evaluator.verdicts(incident) if v.rule in posture]
        assert {v.rule for v in verdicts} == posture
        assert all(v.outcome is Outcome.NOT_APPLICABLE for v in verdicts)


def test_curated_incidents_get_a_spread_of_outcomes(books: Rulebooks) -> None:
    incidents = [
        i for f in incident_files([REPO / "examples" / "incidents"]) for i in load_incidents(f)
    ]
    evaluator = Evaluator(books.packages, books.profiles, books.positions)
    seen = {v.outcome for i in incidents for v in evaluator.verdicts(i)}
    assert seen == set(Outcome)
