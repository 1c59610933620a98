"""Which profile a rule reads, once: the version of a state's profile in force on a date.

A state's own profile decides; the engine never picks parameters for it. Among the versions a
state published, the one in force on the profile date is the highest version whose
``effective_from <= date < expires``; with no date (an incident without a start date and no
evaluation date given), the highest version. When none is in force (the ``None`` alternative
below), every parameter is **unknown** (``stand_in``: labelled ``ISO3@unpublished``): a
verdict that needs one is undetermined, missing ``profile(ISO3).param``. A package's
``defaults`` stand in only under the explicit assumption a user asks for
(``--assume-defaults``): labelled ``ISO3@assumed:defaults`` in traces, and every verdict they
decide carries the assumption in its basis (``assumed_basis``).

Written as exclusive alternatives under guards of the algebra, so the same statement serves
the concrete engine (``engine.profiles.ProfileBook``: the first alternative whose guard is
true) and the SMT encoding (every alternative under its condition).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from cybernorms.model.profile import Profile, ProfileParameters
from cybernorms.model.verdict import Outcome
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


#: The label of the assumption, in a profile label (``SAU@assumed:defaults``) and in the basis
#: of every verdict it decides (``consensus+assumed:defaults``).
ASSUMED_DEFAULTS = "assumed:defaults"
#: The label of a state's profile where it published none in force (``SAU@unpublished``).
UNPUBLISHED = "unpublished"
_NOTHING = ProfileParameters()


def stand_in(defaults: ProfileParameters, assume: bool) -> tuple[ProfileParameters, str]:
    """What a state's profile reads as where it published none in force, and the label a
    trace shows after ``ISO3@``: nothing (every parameter unknown), or, only under the
    explicit assumption, the package's ``defaults``. Every back end asks here."""
    if assume:
        return defaults, ASSUMED_DEFAULTS
    return _NOTHING, UNPUBLISHED


def decided_by_defaults(plain: Outcome, assumed: Outcome) -> bool:
    """The assumed defaults decided a verdict: undetermined without them, decided with them.

    The language is monotone (parameters are facts; learning one never reverses a decided
    outcome), so this is the only way the two runs can differ. A verdict the defaults did not
    decide is reported exactly as without the assumption."""
    return plain is Outcome.UNDETERMINED and assumed is not Outcome.UNDETERMINED


def assumed_basis(basis: str) -> str:
    """The basis of a verdict the defaults decided: ``consensus+assumed:defaults``."""
    return f"{basis}+{ASSUMED_DEFAULTS}"


def plain_basis(basis: str) -> str:
    """``basis`` without the assumption's label (the basis the rule is reported under)."""
    return basis.removesuffix(f"+{ASSUMED_DEFAULTS}")
