"""Which profile a rule reads, once: the version of a state's profile in force on a date.

A state's own profile decides; the engine never picks parameters for it. Among the versions a
state published, the one in force on the profile date is the highest version whose
``effective_from <= date < expires``; with no date (an incident without a start date and no
evaluation date given), the highest version. When none is in force, the package's
``defaults`` stand in (labelled ``ISO3@default`` in traces, never mistaken for the state's
word): that is the ``None`` alternative below.

Written as exclusive alternatives under guards of the algebra, so the same statement serves
the concrete engine (``engine.profiles.ProfileBook``: the first alternative whose guard is
true) and the SMT encoding (every alternative under its condition).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from cybernorms.model.profile import Profile
from cybernorms.semantics.algebra import Guards

V = TypeVar("V")
G = TypeVar("G")


def in_force(
    guards: Guards[V, G], versions: Sequence[Profile], date: V
) -> list[tuple[G, Profile | None]]:
    """(guard, version) alternatives, exactly one of which holds; ``None``: the defaults.

    ``versions`` are one state's profiles in increasing version order; ``date`` is the profile
    date (a date value of the back end, possibly unknown). Exclusive, not merely ordered, so
    a symbolic back end may regroup them by value without an earlier, broader condition
    shadowing a later one.
    """
    if not versions:
        return [(guards.g_all([]), None)]
    preferred: list[tuple[G, Profile | None]] = [(guards.is_unknown(date), versions[-1])]
    for p in reversed(versions):
        conds = [guards.date_on_or_after(date, p.effective_from)]
        if p.expires is not None:
            conds.append(guards.date_before(date, p.expires))
        preferred.append((guards.g_all(conds), p))
    preferred.append((guards.g_all([]), None))
    out: list[tuple[G, Profile | None]] = []
    taken: list[G] = []
    for cond, profile in preferred:
        out.append((guards.g_all([cond, *[guards.g_not(t) for t in taken]]), profile))
        taken.append(cond)
    return out
