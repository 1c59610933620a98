"""Hypothesis strategies for incidents in fact schema v1, unknowns included."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from cybernorms.model.facts import (
    Answer,
    AttributionBasis,
    AttributionLevel,
    DataTheft,
    Disruption,
    Hijacking,
    InitiatorCategory,
    Physical,
    RequestKind,
    Sector,
    TargetCategory,
    enum_values,
)

STATES = ["RUS", "CHN", "USA", "UKR", "EST", "LVA", "FRA", "GBR"]


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def enum(tp: Any) -> st.SearchStrategy[Any]:
    return maybe(st.sampled_from(enum_values(tp)))


states = maybe(st.sampled_from(STATES))
state_lists = maybe(st.lists(st.sampled_from(STATES), max_size=3, unique=True))
dates = maybe(st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2024, 12, 31)))

targets = st.fixed_dictionaries(
    {},
    optional={
        "country": states,
        "category": enum(TargetCategory),
        "sector": enum(Sector),
        "is_cert": maybe(st.booleans()),
    },
)

requests = st.fixed_dictionaries(
    {},
    optional={
        "from_state": states,
        "to_state": states,
        "kind": enum(RequestKind),
        "answer": enum(Answer),
    },
).filter(lambda r: r.get("to_state") is None or r.get("to_state") != r.get("from_state"))


@st.composite
def incidents(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(dates)
    end = draw(dates)
    if start and end and end < start:
        start, end = end, start
    return {
        "id": "gen",
        "start_date": start,
        "end_date": end,
        "initiator": {"category": draw(enum(InitiatorCategory)), "country": draw(states)},
        "attribution": {
            "state": draw(states),
            "level": draw(enum(AttributionLevel)),
            "basis": draw(
                maybe(st.lists(st.sampled_from(enum_values(AttributionBasis)), max_size=3))
            ),
            "attributing_states": draw(state_lists),
        },
        "territory_used": draw(state_lists),
        "targets": draw(maybe(st.lists(targets, max_size=3))),
        "effects": {
            "data_theft": draw(enum(DataTheft)),
            "disruption": draw(enum(Disruption)),
            "hijacking": draw(enum(Hijacking)),
            "physical": draw(enum(Physical)),
            "casualties": draw(maybe(st.integers(0, 5))),
            "ransomware": draw(maybe(st.booleans())),
            "doxing": draw(maybe(st.booleans())),
            "zero_days": draw(maybe(st.booleans())),
        },
        "context": {
            "armed_conflict": draw(maybe(st.booleans())),
            "conflict_intensity": draw(maybe(st.integers(1, 5))),
            "supply_chain": draw(maybe(st.booleans())),
        },
        "requests": draw(maybe(st.lists(requests, max_size=2))),
    }


# -- fact schema v2: every field, generated from the model's own types --------------------


def for_type(tp: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Known values of one rule-language type (the caller wraps them in ``maybe``)."""
    from cybernorms.rules.types import BOOL, DATE, INT, STATE, TEXT, EnumType, ListType, RecordType

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
    if tp == TEXT:
        return st.text("abcxyz -", max_size=6)
    if isinstance(tp, RecordType):
        return record_of(tp.model, depth + 1)
    if isinstance(tp, ListType):
        if isinstance(tp.element, RecordType):
            return st.lists(for_type(tp.element, depth), max_size=2)
        return st.lists(for_type(tp.element, depth), max_size=3, unique=True)
    raise AssertionError(f"no strategy for {tp}")


def record_of(model: Any, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Any mapping of a fact group (v2), each field present or not, known or not."""
    from cybernorms.rules.types import RecordType, record_fields

    optional = {}
    for name, tp in record_fields(model).items():
        if name == "requested_states":
            continue  # derived from requests
        strategy = for_type(tp, depth)
        optional[name] = strategy if isinstance(tp, RecordType) else maybe(strategy)
    return st.fixed_dictionaries({}, optional=optional)


def _valid(raw: dict[str, Any]) -> bool:
    from pydantic import ValidationError

    from cybernorms.model.facts import Incident

    try:
        Incident.model_validate(raw)
    except ValidationError:
        return False
    return True


@st.composite
def incidents_v2(draw: st.DrawFn) -> dict[str, Any]:
    """Incidents with every v2 field drawn (unknowns included), valid under the model's
    cross-field rules (a combination the model refuses is repaired by dropping the field)."""
    from cybernorms.model.facts import Incident

    raw = draw(record_of(Incident))
    raw["id"] = "gen2"
    start, end = raw.get("start_date"), raw.get("end_date")
    if start and end and end < start:
        raw["start_date"], raw["end_date"] = end, start
    for r in raw.get("requests") or []:
        if r.get("to_state") is not None and r.get("to_state") == r.get("from_state"):
            r.pop("from_state")
        if r.get("answer_date") and r.get("date") and r["answer_date"] < r["date"]:
            r.pop("answer_date")
        if r.get("answer") == "none":
            r.pop("answer_date", None)
        if r.get("answer") not in (None, "refused"):
            r.pop("refusal_ground", None)
    for t in raw.get("targets") or []:
        if t.get("country") is not None and t.get("org") is not None:
            t.pop("org")
    used = raw.get("territory_used")
    if used is not None:
        for role in raw.get("territory_roles") or []:
            if role.get("state") not in (None, *used):
                role.pop("state")
    start = raw.get("start_date")
    for resp in raw.get("responses") or []:
        if start and resp.get("date") and resp["date"] < start:
            resp.pop("date")
    if (raw.get("effects") or {}).get("economic_loss_currency") is not None:
        raw["effects"]["economic_loss_currency"] = "EUR"
    assert _valid(raw), raw
    return raw
