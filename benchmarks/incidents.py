"""Seeded synthetic incidents in fact schema v1 for the engine benchmark.

Why not hypothesis (as in ``tests/engine/strategies.py``): a benchmark must be reproducible
from a seed alone and must not depend on a test library, so this draws from
``random.Random(seed)``. Why these proportions: every fact is unknown with probability
``UNKNOWN`` and lists are unknown, empty or filled, so all four outcomes of every rule occur
and the three-valued paths of the engine and of the peers are all exercised (the benchmark
prints the outcome mix so a reader can see it). Target countries are drawn from the same few
states as the attributed state, so "a target abroad" is sometimes false.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TypeVar

from cybernorms.model.facts import (
    Answer,
    AttributionBasis,
    AttributionLevel,
    DataTheft,
    Disruption,
    Hijacking,
    Incident,
    InitiatorCategory,
    Physical,
    RequestKind,
    Sector,
    TargetCategory,
    enum_values,
)

STATES = ("RUS", "CHN", "USA", "UKR", "EST", "FRA", "GBR", "IRN", "PRK", "ISR")
UNKNOWN = 0.2  # probability that a scalar fact is unknown
FIRST_DAY = dt.date(2005, 1, 1)
DAYS = (dt.date(2024, 12, 31) - FIRST_DAY).days

T = TypeVar("T")


class _Draw:
    """Small helpers over one ``random.Random`` so the generator reads like the schema."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def maybe(self, value: T) -> T | None:
        return None if self.rng.random() < UNKNOWN else value

    def enum(self, tp: Any) -> str | None:
        return self.maybe(self.rng.choice(enum_values(tp)))

    def state(self) -> str | None:
        return self.maybe(self.rng.choice(STATES))

    def boolean(self) -> bool | None:
        return self.maybe(self.rng.random() < 0.5)

    def states(self, most: int = 3) -> list[str] | None:
        return self.maybe(self.rng.sample(STATES, self.rng.randint(0, most)))

    def date(self) -> dt.date | None:
        return self.maybe(FIRST_DAY + dt.timedelta(days=self.rng.randrange(DAYS)))

    def items(self, make: Any, most: int) -> list[dict[str, Any]] | None:
        """An unknown list (None), a known empty list, or up to ``most`` items."""
        if self.rng.random() < UNKNOWN:
            return None
        return [make() for _ in range(self.rng.randint(0, most))]


def incident_dict(rng: random.Random, number: int) -> dict[str, Any]:
    """One incident as the JSON an importer would produce (``None`` = unknown)."""
    d = _Draw(rng)
    start, end = d.date(), d.date()
    if start and end and end < start:
        start, end = end, start

    def target() -> dict[str, Any]:
        return {
            "country": d.state(),
            "category": d.enum(TargetCategory),
            "sector": d.enum(Sector),
            "is_cert": d.boolean(),
        }

    def request() -> dict[str, Any]:
        sender, receiver = d.state(), d.state()
        return {
            "from_state": sender,
            "to_state": receiver if receiver != sender else None,  # never a request to oneself
            "kind": d.enum(RequestKind),
            "about_ci": d.boolean(),
            "answer": d.enum(Answer),
        }

    return {
        "id": f"bench-{number:07d}",
        "start_date": start,
        "end_date": end,
        "initiator": {"category": d.enum(InitiatorCategory), "country": d.state()},
        "attribution": {
            "state": d.state(),
            "level": d.enum(AttributionLevel),
            "basis": d.maybe(rng.sample(enum_values(AttributionBasis), rng.randint(0, 2))),
            "attributing_states": d.states(),
        },
        "territory_used": d.states(),
        "targets": d.items(target, 3),
        "effects": {
            "data_theft": d.enum(DataTheft),
            "disruption": d.enum(Disruption),
            "hijacking": d.enum(Hijacking),
            "physical": d.enum(Physical),
            "casualties": d.maybe(rng.choice((0, 0, 0, 1, 2, 10))),
            "ransomware": d.boolean(),
            "doxing": d.boolean(),
            "zero_days": d.boolean(),
        },
        "context": {
            "armed_conflict": d.boolean(),
            "conflict_intensity": d.maybe(rng.randint(1, 5)),
            "supply_chain": d.boolean(),
        },
        "requests": d.items(request, 2),
    }


def generate(n: int, seed: int = 2015) -> list[Incident]:
    """``n`` validated incidents; the same ``(n, seed)`` always gives the same incidents."""
    rng = random.Random(seed)
    return [Incident.model_validate(incident_dict(rng, i)) for i in range(n)]
