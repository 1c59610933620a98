"""Soundness of the SMT encoding: on any incident, it gives the interpreter's outcomes.

For random incidents (hypothesis), every variable of the encoding is fixed to the incident's
value; the solver then evaluates every verdict the encoding predicts (which subjects, which
outcome) and the set must equal the engine's verdicts, rule by rule, subject by subject, for
the consensus and every position. Run on the shipped rulebooks and on the test package that
uses every construct of the language (tests/data/lang), with the profile date taken from the
incident (no --as-of) and with a fixed evaluation date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import z3
from engine.strategies import STATES, incidents
from hypothesis import HealthCheck, given, settings

from cybernorms.analysis.checks import Analysis, Options
from cybernorms.analysis.encode import TranslationError
from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.rules import ir
from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.types import BOOL

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
OUTCOMES = ("not_applicable", "no_violation", "undetermined", "violation")


class Oracle:
    """The encoding of every lens, and the engine, over the same rulebooks."""

    def __init__(self, books: Rulebooks, as_of: dt.date | None) -> None:
        self.analysis = Analysis(
            books.packages,
            books.positions,
            books.profiles,
            Options(as_of=as_of, extra_states=tuple(STATES)),
        )
        self.lenses = self.analysis.lenses()
        self.plan = [
            (lens, rule, self.analysis.verdicts(lens, rule))
            for lens in self.lenses
            for rule in lens.rules
        ]
        self.evaluator = Evaluator(books.packages, books.profiles, books.positions)
        self.as_of = as_of

    def encoded(self, incident: Incident) -> set[tuple[str, str, str | None, str]]:
        solver = z3.Solver()
        solver.add(*self.analysis.space.constraints, *self.analysis.profiles.constraints)
        solver.add(*[var == value for var, value in self.analysis.space.assignment(incident)])
        # the incident must satisfy the encoding's domain constraints
        assert solver.check() == z3.sat
        model = solver.model()
        out = set()
        for lens, rule, verdicts in self.plan:
            for v in verdicts:
                if not z3.is_true(model.eval(v.guard, model_completion=True)):
                    continue
                holding = [
                    o
                    for o in OUTCOMES
                    if z3.is_true(model.eval(v.outcome.of(o), model_completion=True))
                ]
                assert len(holding) == 1, (rule.id, holding)
                subject = self.analysis.subject_of(model, v.subject)
                out.add((lens.basis(rule.key), rule.id, subject, holding[0]))
        return out

    def engine(self, incident: Incident) -> set[tuple[str, str, str | None, str]]:
        return {
            (v.basis, v.rule, v.subject, v.outcome.label)
            for v in self.evaluator.verdicts(incident, self.as_of)
        }


_ORACLES: dict[tuple[int, dt.date | None], Oracle] = {}


def oracle(books: Rulebooks, as_of: dt.date | None) -> Oracle:
    key = (id(books), as_of)
    if key not in _ORACLES:
        _ORACLES[key] = Oracle(books, as_of)
    return _ORACLES[key]


def _agree(books: Rulebooks, raw: dict[str, Any], as_of: dt.date | None) -> None:
    o = oracle(books, as_of)
    incident = Incident.model_validate(raw)
    encoded, engine = o.encoded(incident), o.engine(incident)
    # Position lenses report only the rules they change (and their dependents), as the engine.
    assert encoded == engine, sorted(encoded ^ engine)


@SETTINGS
@given(raw=incidents())
def test_shipped_agree_profile_date_from_incident(shipped: Rulebooks, raw: dict[str, Any]) -> None:
    _agree(shipped, raw, None)


@SETTINGS
@given(raw=incidents())
def test_shipped_agree_fixed_date(shipped: Rulebooks, raw: dict[str, Any]) -> None:
    _agree(shipped, raw, dt.date(2016, 6, 1))


@SETTINGS
@given(raw=incidents())
def test_lang_agree_profile_date_from_incident(lang: Rulebooks, raw: dict[str, Any]) -> None:
    _agree(lang, raw, None)


@SETTINGS
@given(raw=incidents())
def test_lang_agree_fixed_date(lang: Rulebooks, raw: dict[str, Any]) -> None:
    _agree(lang, raw, dt.date(2025, 1, 1))


@SETTINGS
@given(raw=incidents())
def test_planted_and_clean_agree(planted: Rulebooks, clean: Rulebooks, raw: dict[str, Any]) -> None:
    _agree(planted, raw, None)
    _agree(clean, raw, None)


def test_unknown_construct_is_an_error(shipped: Rulebooks) -> None:
    class Strange(ir.Node):
        pass

    analysis = Analysis(shipped.packages, shipped.positions, shipped.profiles)
    node = Strange(type=BOOL, text="strange()", line=1, col=0)
    with pytest.raises(TranslationError, match="no case for Strange"):
        analysis.consensus.condition(node, "il-core")


def test_a_state_profile_is_not_shadowed_by_the_defaults(shipped: Rulebooks) -> None:
    """Regression: with no incident date, GBR's own profile (no elections among its critical
    sectors) applies, not the package defaults (which list elections). The encoding once let
    the defaults win, so a solver model could claim a violation the engine does not find."""
    raw = {
        "id": "regression:defaults-shadow",
        "attribution": {"state": "GBR"},
        "territory_used": ["EST"],
        "targets": [{"country": "GBR"}, {"country": "GBR", "sector": "elections"}],
        "effects": {"disruption": "short"},
        "requests": [{"to_state": "EST", "answer": "none"}],
    }
    _agree(shipped, raw, None)
