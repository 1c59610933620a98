"""Which profile a rule reads: the state's own version in force, else ``semantics.profiles.
stand_in`` (nothing: every parameter unknown; or, under the explicit assumption, the package
defaults).

The engine never decides a state's parameters; it only picks the version in force on the
evaluation date, and the label says which (``UKR@2``, ``UKR@unpublished``,
``UKR@assumed:defaults``), so no one mistakes a default for a state's word.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from cybernorms.model.profile import Profile, ProfileParameters
from cybernorms.semantics.algebra import Guards
from cybernorms.semantics.profiles import in_force, stand_in


class _DateGuards(Guards[Any, bool]):
    """The guards ``semantics.profiles.in_force`` needs, on a plain date (``None``: unknown)."""

    def is_true(self, value: Any) -> bool:
        return value is True

    def is_false(self, value: Any) -> bool:
        return value is False

    def is_unknown(self, value: Any) -> bool:
        return value is None

    def g_not(self, guard: bool) -> bool:
        return not guard

    def g_all(self, guards: Sequence[bool]) -> bool:
        return all(guards)

    def g_any(self, guards: Sequence[bool]) -> bool:
        return any(guards)

    def date_on_or_after(self, value: Any, day: dt.date) -> bool:
        return value is not None and bool(value >= day)

    def date_before(self, value: Any, day: dt.date) -> bool:
        return value is not None and bool(value < day)


_GUARDS = _DateGuards()


class ProfileBook:
    """All known versions of all states' profiles, looked up by state and date."""

    def __init__(self, profiles: Iterable[Profile] = ()) -> None:
        by_state: dict[str, list[Profile]] = defaultdict(list)
        for p in profiles:
            by_state[p.state].append(p)
        self._by_state = {s: sorted(v, key=lambda p: p.version) for s, v in by_state.items()}
        self._cache: dict[tuple[str, dt.date | None], Profile | None] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_state.values())

    def states(self) -> list[str]:
        return sorted(self._by_state)

    def in_force(self, state: str, on: dt.date | None) -> Profile | None:
        """The version in force on ``on`` (``semantics.profiles.in_force``: the highest in
        force then, the latest when ``on`` is None), or None: the state published none."""
        key = (state, on)
        if key not in self._cache:
            alternatives = in_force(_GUARDS, self._by_state.get(state, []), on)
            self._cache[key] = next(p for holds, p in alternatives if holds)
        return self._cache[key]

    def resolve(
        self, state: str, on: dt.date | None, defaults: ProfileParameters, assume: bool = False
    ) -> tuple[ProfileParameters, str]:
        """Parameters for ``state`` and the label a trace shows for them; where the state
        published none in force, ``stand_in`` (``defaults`` only when ``assume``)."""
        profile = self.in_force(state, on)
        if profile is None:
            params, label = stand_in(defaults, assume)
            return params, f"{state}@{label}"
        return profile.parameters, profile.label
