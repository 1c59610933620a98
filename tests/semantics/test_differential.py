"""Every back end gives the same verdicts, ``missing`` lists and traces - on the curated
incidents of ``examples/incidents`` and on generated ones.

* reference interpreter (the concrete algebra), generated traced code with JSON and without:
  equal verdicts (outcome, missing, profiles), equal trace tuples, equal JSON;
* generated fast code: the same outcome codes;
* z3 (every variable fixed to the incident): the same verdict set, for the incidents that fit
  the analysis' bounds (at most ``BOUND`` members per list).

Hypothesis-generated incidents are compared in ``tests/engine`` (reference against generated,
lang and shipped rulebooks) and ``tests/analysis/test_soundness.py`` (z3); here the generated
fast path is also compared with the traced one on the shipped rulebooks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from engine.strategies import incidents
from hypothesis import HealthCheck, given, settings

from cybernorms.analysis.facts import BOUND
from cybernorms.ingest.files import incident_files, load_incidents
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import raw_to_json
from cybernorms.rules.catalog import Rulebooks

from .backends import evaluator, fast, smt, traced

REPO = Path(__file__).resolve().parents[2]
CURATED = [
    i for f in sorted(incident_files([REPO / "examples" / "incidents"])) for i in load_incidents(f)
]
DATES = (None, dt.date(2016, 6, 1))


def _states(incident: Incident) -> set[str]:
    """Every state an incident names (the analysis must know them all)."""
    named = [incident.attribution.state, incident.initiator.country]
    named += list(incident.territory_used or ()) + list(
        incident.attribution.attributing_states or ()
    )
    named += [t.country for t in incident.targets or ()]
    named += [s for r in incident.requests or () for s in (r.from_state, r.to_state)]
    return {s for s in named if s is not None}


def _fits(incident: Incident) -> bool:
    lists = [incident.territory_used, incident.targets, incident.requests]
    lists += [incident.attribution.basis, incident.attribution.attributing_states]
    return all(x is None or len(x) <= BOUND for x in lists)


@pytest.fixture(scope="module", params=["shipped", "lang"])
def books(request: pytest.FixtureRequest, shipped: Rulebooks, lang: Rulebooks) -> Rulebooks:
    return shipped if request.param == "shipped" else lang


def test_there_are_curated_incidents() -> None:
    assert len(CURATED) >= 20


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_traces_agree_on_curated_incidents(books: Rulebooks, as_of: dt.date | None) -> None:
    for incident in CURATED:
        ref, gen, tup = (
            evaluator(books, kind).verdicts(incident, as_of)
            for kind in ("reference", "traced", "tuples")
        )
        assert len(ref) == len(gen) == len(tup)
        for r, g, t in zip(ref, gen, tup, strict=True):
            where = (incident.id, r.basis, r.rule, r.subject)
            assert g == r and t == r, where
            assert g.raw_trace == r.raw_trace == t.raw_trace, where
            assert g.to_json() == r.to_json() == t.to_json(), where
            assert r.raw_trace is not None
            assert g.to_json()["trace"] == raw_to_json(r.raw_trace), where


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_fast_codes_agree_on_curated_incidents(books: Rulebooks, as_of: dt.date | None) -> None:
    for incident in CURATED:
        assert fast(books, incident, as_of) == traced(books, incident, as_of), incident.id


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_smt_agrees_on_curated_incidents(books: Rulebooks, as_of: dt.date | None) -> None:
    states = tuple(sorted(set().union(*[_states(i) for i in CURATED])))
    fitting = [i for i in CURATED if _fits(i)]
    assert len(fitting) >= len(CURATED) // 2  # most curated incidents fit the bounds
    for incident in fitting:
        assert smt(books, incident, as_of, states) == traced(books, incident, as_of), incident.id


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(raw=incidents())
def test_fast_and_traced_agree_on_generated_incidents(
    shipped: Rulebooks, raw: dict[str, Any]
) -> None:
    incident = Incident.model_validate(raw)
    on = dt.date(2025, 1, 1)
    assert fast(shipped, incident, on) == traced(shipped, incident, on)
    missing = {
        (v.basis, v.rule, v.subject): v.missing
        for v in evaluator(shipped, "traced").verdicts(incident, on)
    }
    reference = {
        (v.basis, v.rule, v.subject): v.missing
        for v in evaluator(shipped, "reference").verdicts(incident, on)
    }
    assert missing == reference
