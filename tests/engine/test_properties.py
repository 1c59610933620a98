"""Invariants of the engine, checked on random incidents (hypothesis).

* The two back ends agree: the generated fast path and the tracing interpreter give the same
  outcome for every rule, subject and basis.
* Evaluation is deterministic.
* Learning a fact is monotone: a violation stays a violation; a decided "no" stays a "no"; an
  undetermined verdict changes only when a fact listed in its ``missing`` is learnt.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Outcome, Verdict
from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.types import (
    BOOL,
    DATE,
    INCIDENT,
    INT,
    STATE,
    TEXT,
    EnumType,
    ListType,
    RecordType,
    Type,
)

from .strategies import STATES, for_type, incidents, record_of, requests, targets

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AS_OF = dt.date(2025, 1, 1)


def evaluator(books: Rulebooks) -> Evaluator:
    return Evaluator(books.packages, books.profiles, books.positions)


@SETTINGS
@given(raw=incidents())
def test_fast_path_and_interpreter_agree(lang_books: Rulebooks, raw: dict[str, Any]) -> None:
    ev = evaluator(lang_books)
    incident = Incident.model_validate(raw)
    traced = sorted(
        (v.basis, v.rule, v.subject or "", int(v.outcome)) for v in ev.verdicts(incident, AS_OF)
    )
    fast = sorted((b, r, s or "", code) for b, r, s, code in ev.outcomes(incident, AS_OF))
    assert fast == traced


@SETTINGS
@given(raw=incidents())
def test_evaluation_is_deterministic(lang_books: Rulebooks, raw: dict[str, Any]) -> None:
    ev = evaluator(lang_books)
    incident = Incident.model_validate(raw)
    first = [v.to_json() for v in ev.verdicts(incident, AS_OF)]
    second = [v.to_json() for v in evaluator(lang_books).verdicts(incident, AS_OF)]
    assert first == second


@SETTINGS
@given(raw=incidents())
def test_undetermined_always_names_missing_facts(
    lang_books: Rulebooks, raw: dict[str, Any]
) -> None:
    for v in evaluator(lang_books).verdicts(Incident.model_validate(raw), AS_OF):
        assert (v.outcome is Outcome.UNDETERMINED) == bool(v.missing), v.to_json(with_trace=False)


def _unknown_leaves(value: Any, tp: Type, path: str) -> list[tuple[str, Type]]:
    """Paths of the unknown facts in a raw incident, with their types."""
    if value is None and isinstance(tp, RecordType):
        value = {}  # a group left out is a group whose facts are all unknown
    if value is None:
        return [(path, tp)]
    if isinstance(tp, RecordType) and isinstance(value, dict):
        out = []
        for name, field_type in tp.fields().items():
            sub = f"{path}.{name}" if path else name
            out.extend(_unknown_leaves(value.get(name), field_type, sub))
        return out
    if isinstance(tp, ListType) and isinstance(tp.element, RecordType) and isinstance(value, list):
        out = []
        for i, item in enumerate(value):
            out.extend(_unknown_leaves(item, tp.element, f"{path}[{i}]"))
        return out
    return []


def _value_for(tp: Type) -> st.SearchStrategy[Any]:
    if isinstance(tp, EnumType):
        return st.sampled_from(tp.values)
    if tp == BOOL:
        return st.booleans()
    if tp == INT:
        return st.integers(1, 5)
    if tp == STATE:
        return st.sampled_from(STATES)
    if tp == DATE:
        return st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2024, 12, 31))
    if isinstance(tp, ListType):
        element = tp.element
        if isinstance(element, RecordType):
            if element.model.__name__ in ("Target", "Request"):
                return st.lists(
                    targets if element.model.__name__ == "Target" else requests, max_size=3
                )
            return st.lists(record_of(element.model), max_size=3)
        return st.lists(_value_for(element), max_size=3, unique=True)
    return for_type(tp)


def _set(raw: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    import copy
    import re

    out = copy.deepcopy(raw)
    parts = [p for p in re.split(r"\.|\[(\d+)\]", path) if p]
    node: Any = out
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    last = parts[-1]
    node[int(last) if last.isdigit() else last] = value
    return out


def _covered(path: str, missing: tuple[str, ...]) -> bool:
    return any(path == m or path.startswith(m + ".") or path.startswith(m + "[") for m in missing)


@SETTINGS
@given(raw=incidents(), data=st.data())
def test_learning_a_fact_is_monotone(
    lang_books: Rulebooks, raw: dict[str, Any], data: st.DataObject
) -> None:
    leaves = [
        (p, t)
        for p, t in _unknown_leaves(raw, INCIDENT, "")
        if p not in ("start_date", "end_date") and t != TEXT
    ]
    if not leaves:
        return
    path, tp = data.draw(st.sampled_from(leaves))
    learnt = _set(raw, path, data.draw(_value_for(tp)))
    try:
        after_incident = Incident.model_validate(learnt)
    except ValueError:
        return  # e.g. a value the model refuses in this combination
    ev = evaluator(lang_books)
    before = {
        (v.basis, v.rule, v.subject): v for v in ev.verdicts(Incident.model_validate(raw), AS_OF)
    }
    after: dict[tuple[str, str, str | None], Verdict] = {
        (v.basis, v.rule, v.subject): v for v in ev.verdicts(after_incident, AS_OF)
    }
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            continue  # the subject itself was learnt: another verdict now
        note = f"{key}: learnt {path}; before {old.to_json(with_trace=False)}, after {new.outcome.label}"
        if old.outcome is Outcome.VIOLATION:
            assert new.outcome is Outcome.VIOLATION, note
        elif old.outcome is Outcome.NOT_APPLICABLE:
            assert new.outcome is Outcome.NOT_APPLICABLE, note
        elif old.outcome is Outcome.NO_VIOLATION:
            assert new.outcome in (Outcome.NO_VIOLATION, Outcome.NOT_APPLICABLE), note
        elif not _covered(path, old.missing):
            assert new.outcome is Outcome.UNDETERMINED, note
