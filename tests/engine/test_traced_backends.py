"""The generated code in tracing mode (``engine.codegen``) against the reference interpreter.

The reference (``engine.reference``, the semantics' concrete algebra) is the reference: the
generated code must give the same outcome, ``missing`` set, profiles and trace - tuple for
tuple - on every rule, subject and basis, and the JSON it writes while evaluating must be exactly (keys in order included) what
``raw_to_json`` makes of the reference trace. Checked on random incidents for the language's
test package (every construct, a position, a treaty rule) and for the shipped rulebooks.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident, Request, Target
from cybernorms.model.verdict import _json_value, raw_to_json
from cybernorms.rules.catalog import Rulebooks, default_rulebooks_dir, load_rulebooks

from .strategies import incidents, requests, targets

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AS_OF = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def shipped_books() -> Rulebooks:
    return load_rulebooks(default_rulebooks_dir())


def _with_provenance(raw: dict[str, Any], cells: list[str]) -> dict[str, Any]:
    """Source cells for some facts, so that traces carry ``source`` entries too."""
    provenance = {
        path: {"source": "test", "field": path.upper(), "value": f"cell {i}"}
        for i, path in enumerate(cells)
    }
    return {**raw, "provenance": provenance}


_CELLS = st.lists(
    st.sampled_from(
        [
            "attribution.level",
            "attribution.state",
            "effects.disruption",
            "effects.physical",
            "targets",
            "targets[0].sector",
            "targets[0].country",
            "targets[1].category",
            "requests[0].answer",
            "context.armed_conflict",
        ]
    ),
    max_size=4,
    unique=True,
)


# The three back ends, compiled once per rulebook (compiling per example dominated the run);
# reusing them across examples also checks that nothing leaks from one incident to the next.
_BACKENDS: dict[int, tuple[Rulebooks, Evaluator, Evaluator, Evaluator]] = {}


def _backends(books: Rulebooks) -> tuple[Evaluator, Evaluator, Evaluator]:
    found = _BACKENDS.get(id(books))
    if found is None:
        found = _BACKENDS[id(books)] = (  # the books are kept, so their id stays theirs
            books,
            Evaluator(books.packages, books.profiles, books.positions),
            Evaluator(books.packages, books.profiles, books.positions, json_traces=False),
            Evaluator(books.packages, books.profiles, books.positions, reference=True),
        )
    return found[1], found[2], found[3]


def _agree(books: Rulebooks, incident: Incident) -> None:
    generated, plain, reference = _backends(books)
    ours, tuples, ref = (e.verdicts(incident, AS_OF) for e in (generated, plain, reference))
    assert len(ours) == len(tuples) == len(ref)
    for a, b, r in zip(ours, tuples, ref, strict=True):
        where = (r.basis, r.rule, r.subject)
        # outcome, missing, profiles and the rest of the record (the trace is compare=False)
        assert a == r and b == r, where
        assert a.raw_trace == r.raw_trace, where
        assert b.raw_trace == r.raw_trace, where
        expected = json.dumps(raw_to_json(r.raw_trace))
        assert json.dumps(a.to_json()["trace"]) == expected, where
        # handed out once; a second call converts the tuples, to the same JSON
        assert json.dumps(a.to_json()["trace"]) == expected, where
        assert json.dumps(b.to_json()["trace"]) == expected, where
        assert a.to_json() == r.to_json(), where


@SETTINGS
@given(raw=incidents(), cells=_CELLS)
def test_generated_traces_match_the_interpreter_lang(
    lang_books: Rulebooks, raw: dict[str, Any], cells: list[str]
) -> None:
    _agree(lang_books, Incident.model_validate(_with_provenance(raw, cells)))


@SETTINGS
@given(raw=incidents(), cells=_CELLS)
def test_generated_traces_match_the_interpreter_shipped(
    shipped_books: Rulebooks, raw: dict[str, Any], cells: list[str]
) -> None:
    _agree(shipped_books, Incident.model_validate(_with_provenance(raw, cells)))


@SETTINGS
@given(raw=incidents())
def test_json_outputs_equal_a_fresh_conversion(lang_books: Rulebooks, raw: dict[str, Any]) -> None:
    """The JSON written while evaluating (with fact objects converted once per incident and
    shared) equals a conversion of the finished trace, on the first call and on later ones."""
    incident = Incident.model_validate(raw)
    verdicts = Evaluator(lang_books.packages, lang_books.profiles, lang_books.positions).verdicts(
        incident, AS_OF
    )
    first = [v.to_json() for v in verdicts]
    again = [v.to_json() for v in verdicts]
    for verdict, one, two in zip(verdicts, first, again, strict=True):
        assert verdict.raw_trace is not None
        assert one["trace"] == two["trace"] == raw_to_json(verdict.raw_trace)


@SETTINGS
@given(target=targets, request=requests)
def test_fact_objects_json_as_pydantic_dumps_them(
    target: dict[str, Any], request: dict[str, Any]
) -> None:
    for model in (Target.model_validate(target), Request.model_validate(request)):
        assert _json_value(model) == model.model_dump(mode="json", exclude_none=True)
        assert list(_json_value(model)) == list(model.model_dump(mode="json", exclude_none=True))
