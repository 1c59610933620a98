"""Hypothesis strategies for incidents in fact schema v1, unknowns included."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from cybernorms.model.facts import (
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
        "answered": maybe(st.booleans()),
    },
)


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
