"""Which profile a rule reads: the state's own version in force, else the package defaults.

The engine never decides a state's parameters; it only picks the version in force on the
evaluation date. When a state has published no profile, the package's ``defaults`` stand in,
and the label says so (``UKR@default``), so no one mistakes a default for a state's word.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from cybernorms.model.profile import Profile, ProfileParameters


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
        """The highest version in force on ``on`` (the latest version when ``on`` is None)."""
        key = (state, on)
        if key not in self._cache:
            versions = self._by_state.get(state, [])
            found = None
            for p in reversed(versions):
                if on is None or p.in_force(on):
                    found = p
                    break
            self._cache[key] = found
        return self._cache[key]

    def resolve(
        self, state: str, on: dt.date | None, defaults: ProfileParameters
    ) -> tuple[ProfileParameters, str]:
        """Parameters for ``state`` and the label a trace shows for them."""
        profile = self.in_force(state, on)
        if profile is None:
            return defaults, f"{state}@default"
        return profile.parameters, profile.label
