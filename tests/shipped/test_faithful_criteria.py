"""The shipped criteria read their norms as written (issue 8, item 3), shown on real incidents.

The examples next to each rule pin every element on invented incidents; these tests pin what the
review found wrong on the curated, publicly documented ones: a verdict the facts do not carry is
never given (WannaCry is not an intervention against Russia because some ministry computers were
encrypted; Industroyer's hour-long outage without damage is not a use of force; an attacker that
exploited a vendor product is not judged by the supply-chain norm), and an element no source
records (intent, coercion, damage) leaves the verdict undetermined, naming the fact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cybernorms.engine import Evaluator
from cybernorms.ingest.files import load_incidents
from cybernorms.model.verdict import Outcome, Verdict
from cybernorms.rules.catalog import Rulebooks, load_rulebooks

REPO = Path(__file__).resolve().parents[2]
INCIDENTS = REPO / "examples" / "incidents"


@pytest.fixture(scope="module")
def books() -> Rulebooks:
    return load_rulebooks(REPO / "rulebooks")


def verdict(books: Rulebooks, stem: str, rule: str, subject: str, basis: str) -> Verdict:
    (incident,) = load_incidents(INCIDENTS / f"{stem}.yaml")
    evaluator = Evaluator(books.packages, books.profiles, books.positions)
    found = [
        v
        for v in evaluator.verdicts(incident)
        if v.rule == rule and v.subject == subject and v.basis == basis
    ]
    assert len(found) == 1, found
    return found[0]


def test_wannacry_is_no_intervention_against_the_states_whose_computers_it_encrypted(
    books: Rulebooks,
) -> None:
    v = verdict(books, "2017-wannacry", "il.non_intervention", "PRK", "restatement")
    assert v.outcome is not Outcome.VIOLATION
    # neither the matter nor coercion is recorded: the verdict says so rather than guessing
    assert v.outcome is Outcome.UNDETERMINED
    assert {"intent.matter", "intent.compel", "effects.control_deprived"} <= set(v.missing)


def test_industroyer_interruption_without_damage_is_no_use_of_force(books: Rulebooks) -> None:
    v = verdict(books, "2016-ukraine-industroyer", "il.use_of_force", "RUS", "restatement")
    assert v.outcome is not Outcome.VIOLATION
    # physical effects (power cut) are recorded, whether anything was damaged is not
    assert v.outcome is Outcome.UNDETERMINED
    assert "effects.loss_of_function" in v.missing
    assert "effects.disruption" not in v.missing


def test_a_criminal_exploiting_a_vendor_product_is_not_judged_by_the_supply_chain_norm(
    books: Rulebooks,
) -> None:
    v = verdict(books, "2021-kaseya-vsa", "gge2015.i", "RUS", "consensus")
    assert v.outcome is Outcome.NOT_APPLICABLE


def test_the_critical_infrastructure_norm_waits_for_intent_and_a_breach_of_law(
    books: Rulebooks,
) -> None:
    # NotPetya hit Ukrainian banks and power companies: the sector element holds, but whether
    # the damage was intended is not recorded, so the norm is not decided on effects alone
    v = verdict(books, "2017-notpetya", "gge2015.f", "RUS", "consensus")
    assert v.outcome is Outcome.UNDETERMINED
    assert "intent.damage_ci" in v.missing


def test_espionage_with_misuse_of_systems_is_never_an_intervention(books: Rulebooks) -> None:
    # The OPM breach: records taken from a government agency, no coercion recorded
    v = verdict(books, "2015-opm-breach", "il.non_intervention", "CHN", "restatement")
    assert v.outcome is not Outcome.VIOLATION
