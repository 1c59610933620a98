"""A list known to be empty is knowledge, not ignorance - in every back end.

* A rule whose subject is a list (``territory_used``) judges each state in it; when the list
  is known and empty there is no state whose conduct it judges: one verdict, ``subject:
  null``, ``not_applicable``, nothing missing. (The bug this fixes: it was ``undetermined,
  missing: territory_used``, in every back end alike.)
* When the list is unknown, there is still one verdict with ``subject: null``, and it names
  the list among its missing facts.
* Quantifiers over a known-empty list are decided: ``any`` false, ``all`` true, ``count`` 0;
  ``x not in []`` is true and ``count([])`` is 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cybernorms.model.facts import Incident
from cybernorms.model.readers import is_reading_basis
from cybernorms.rules.catalog import Rulebooks

from .backends import evaluator, fast, smt, traced

AS_OF = dt.date(2025, 1, 1)
STATES = ("RUS", "UKR", "EST", "USA")

# The example: a serious operation attributed to RUS against Ukraine's grid, Estonia
# asked for help and did not answer - but no territory was used (known: the list is empty).
GRID = {
    "id": "grid-no-territory",
    "start_date": "2016-12-17",
    "attribution": {"state": "RUS", "level": "direct"},
    "targets": [{"country": "UKR", "sector": "energy", "category": "critical_infrastructure"}],
    "effects": {"disruption": "long", "physical": "none"},
    "requests": [{"from_state": "UKR", "to_state": "EST", "answer": "none"}],
}


def incident(**changes: Any) -> Incident:
    return Incident.model_validate({**GRID, **changes})


def due_diligence(found: set[tuple[str, str, str | None, str]]) -> set[tuple[str | None, str]]:
    """The package's own verdicts of il.due_diligence (GBR's position reads it otherwise)."""
    return {
        (subject, outcome)
        for basis, rule, subject, outcome in found
        if rule == "il.due_diligence" and not is_reading_basis(basis)
    }


@pytest.mark.parametrize("kind", ["reference", "traced", "tuples"])
def test_known_empty_subject_list_judges_no_state(shipped: Rulebooks, kind: str) -> None:
    verdicts = [
        v
        for v in evaluator(shipped, kind).verdicts(incident(territory_used=[]), AS_OF)
        if v.rule == "il.due_diligence" and not is_reading_basis(v.basis)
    ]
    assert [(v.subject, v.outcome.label, v.missing) for v in verdicts] == [
        (None, "not_applicable", ())
    ]
    out = verdicts[0].to_json()
    assert (out["subject"], out["outcome"], out["missing"]) == (None, "not_applicable", [])
    # the trace says why: the subject list, known and empty
    assert out["trace"]["children"] == [
        {"expr": "territory_used", "value": [], "bind": "subject", "fact": "territory_used"}
    ]


def test_known_empty_subject_list_in_fast_path_and_smt(shipped: Rulebooks) -> None:
    case = incident(territory_used=[])
    assert due_diligence(fast(shipped, case, AS_OF)) == {(None, "not_applicable")}
    assert due_diligence(smt(shipped, case, AS_OF, STATES)) == {(None, "not_applicable")}


def test_unknown_subject_list_stays_one_undetermined_verdict(shipped: Rulebooks) -> None:
    case = incident(territory_used=None)
    for kind in ("reference", "traced"):
        verdicts = [
            v
            for v in evaluator(shipped, kind).verdicts(case, AS_OF)
            if v.rule == "il.due_diligence" and not is_reading_basis(v.basis)
        ]
        assert [(v.subject, v.outcome.label) for v in verdicts] == [(None, "undetermined")]
        assert "territory_used" in verdicts[0].missing
    assert due_diligence(fast(shipped, case, AS_OF)) == {(None, "undetermined")}
    assert due_diligence(smt(shipped, case, AS_OF, STATES)) == {(None, "undetermined")}


def test_a_known_list_judges_each_state(shipped: Rulebooks) -> None:
    # Estonia knew (the victim told it), took no measure, had the capacity, and the harm was
    # serious: every element due diligence reads (NORMS L5) is known
    case = incident(
        territory_used=["EST"],
        effects={**GRID["effects"], "serious_adverse": True},
        knowledge=[
            {"state": "EST", "kind": "actual", "date": "2016-12-17", "source": "victim_notice"}
        ],
        measures=[],
        capacity=[{"state": "EST", "limited": False}],
    )
    expected = {("EST", "violation")}
    assert due_diligence(traced(shipped, case, AS_OF)) == expected
    assert due_diligence(traced(shipped, case, AS_OF, "reference")) == expected
    assert due_diligence(fast(shipped, case, AS_OF)) == expected
    assert due_diligence(smt(shipped, case, AS_OF, STATES)) == expected


QUANTIFIED = {
    # known-empty targets and territory: every quantifier decided
    "empty": (
        {"targets": [], "territory_used": []},
        {
            "q.any": "no_violation",  # any(...) over [] is false
            "q.all": "violation",  # all(...) over [] is true
            "q.count": "violation",  # count(...) over [] is 0
            "q.length": "violation",  # count([]) is 0
            "q.member": "violation",  # RUS not in [] is true
        },
    ),
    # unknown lists: every quantifier unknown
    "unknown": (
        {"targets": None, "territory_used": None},
        {
            "q.any": "undetermined",
            "q.all": "undetermined",
            "q.count": "undetermined",
            "q.length": "undetermined",
            "q.member": "undetermined",
        },
    ),
}


@pytest.mark.parametrize("case", sorted(QUANTIFIED))
def test_quantifiers_over_known_empty_and_unknown_lists(quantifiers: Rulebooks, case: str) -> None:
    facts, expected = QUANTIFIED[case]
    found = incident(**facts)
    want = {("consensus", rule, "RUS", outcome) for rule, outcome in expected.items()}
    assert traced(quantifiers, found, AS_OF, "reference") == want
    assert traced(quantifiers, found, AS_OF) == want
    assert traced(quantifiers, found, AS_OF, "tuples") == want
    assert fast(quantifiers, found, AS_OF) == want
    assert smt(quantifiers, found, AS_OF, STATES) == want
    for v in evaluator(quantifiers, "traced").verdicts(found, AS_OF):
        if case == "empty":
            assert v.missing == ()
        else:
            assert v.missing in (("targets",), ("territory_used",))
