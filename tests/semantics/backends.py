"""Every back end of the semantics, run on one incident, as comparable verdict sets.

* ``reference``: the concrete algebra (``Evaluator(reference=True)``);
* ``traced``: the generated code in tracing mode (with JSON, and without);
* ``fast``: the generated code in verdict-code mode (``Evaluator.outcomes``);
* ``z3``: the SMT encoding, every variable fixed to the incident's values, evaluated by the
  solver (as tests/analysis/test_soundness.py does).
"""

from __future__ import annotations

import datetime as dt

import z3

from cybernorms.analysis.checks import Analysis, Options
from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import Rulebooks

OUTCOMES = ("not_applicable", "no_violation", "undetermined", "violation")
Key = tuple[str, str, str | None, str]

_CACHE: dict[tuple[int, str, tuple[str, ...]], object] = {}


def evaluator(books: Rulebooks, kind: str) -> Evaluator:
    key = (id(books), kind, ())
    if key not in _CACHE:
        _CACHE[key] = Evaluator(
            books.packages,
            books.profiles,
            books.positions,
            reference=kind == "reference",
            json_traces=kind != "tuples",
        )
    found = _CACHE[key]
    assert isinstance(found, Evaluator)
    return found


def analysis(books: Rulebooks, states: tuple[str, ...], as_of: dt.date | None) -> Analysis:
    key = (id(books), f"z3 {as_of}", states)
    if key not in _CACHE:
        _CACHE[key] = Analysis(
            books.packages,
            books.positions,
            books.profiles,
            Options(as_of=as_of, extra_states=states),
        )
    found = _CACHE[key]
    assert isinstance(found, Analysis)
    return found


def fast(books: Rulebooks, incident: Incident, as_of: dt.date | None) -> set[Key]:
    return {
        (basis, rule, subject, OUTCOMES[code])
        for basis, rule, subject, code in evaluator(books, "traced").outcomes(incident, as_of)
    }


def traced(
    books: Rulebooks, incident: Incident, as_of: dt.date | None, kind: str = "traced"
) -> set[Key]:
    return {
        (v.basis, v.rule, v.subject, v.outcome.label)
        for v in evaluator(books, kind).verdicts(incident, as_of)
    }


def smt(
    books: Rulebooks, incident: Incident, as_of: dt.date | None, states: tuple[str, ...]
) -> set[Key]:
    """The verdicts the SMT encoding gives on ``incident`` (every lens, every rule)."""
    a = analysis(books, states, as_of)
    solver = z3.Solver()
    solver.add(*a.space.constraints, *a.profiles.constraints)
    solver.add(*[var == value for var, value in a.space.assignment(incident)])
    assert solver.check() == z3.sat
    model = solver.model()
    out: set[Key] = set()
    for lens in a.lenses():
        for rule in lens.rules:
            for v in a.verdicts(lens, rule):
                if not z3.is_true(model.eval(v.guard, model_completion=True)):
                    continue
                holding = [
                    o
                    for o in OUTCOMES
                    if z3.is_true(model.eval(v.outcome.of(o), model_completion=True))
                ]
                assert len(holding) == 1, (rule.id, holding)
                out.add((lens.basis(rule.key), rule.id, a.subject_of(model, v.subject), holding[0]))
    return out
