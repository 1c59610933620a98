"""Symbolic three-valued values: how a rule expression looks to the SMT solver.

Why this shape: Kleene logic has three values, and "unknown" must be a value the solver can
choose, never a free boolean that could be read as true in one place and false in another. So
every value carries its own knowledge:

* ``B3(t, f)``: a three-valued boolean as two z3 booleans, "is true" and "is false", never both
  (unknown = neither). ``and``/``or``/``not`` are then the textbook Kleene tables on the pair.
* ``Sc(known, v)``: a scalar (integer, date as its ordinal, enumeration value, state or text as
  an index into the analysis' string table) with a "known" flag; ``v`` means nothing when
  ``known`` is false.
* ``Ls(known, length, items)``: a list with a known flag, a length and a fixed number of slots
  (``items``); slot ``i`` exists iff ``i < length``. Lists of the incident get a documented
  bound of slots (``encode.BOUND``), lists from profiles as many slots as their longest value.
* ``Rec(fields)``: a group of facts (a target, a request, ``effects``): always present.
* ``SetC(values)``: a set literal of the rule text, as indices: a constant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import z3

TRUE = z3.BoolVal(True)
FALSE = z3.BoolVal(False)
ZERO = z3.IntVal(0)


@dataclass(frozen=True, eq=False)
class B3:
    t: Any
    f: Any

    @property
    def known(self) -> Any:
        return z3.Or(self.t, self.f)


@dataclass(frozen=True, eq=False)
class Sc:
    known: Any
    v: Any


@dataclass(frozen=True, eq=False)
class Ls:
    known: Any
    length: Any
    items: tuple[Val, ...]

    def active(self, i: int) -> Any:
        return z3.IntVal(i) < self.length


@dataclass(frozen=True, eq=False)
class Rec:
    fields: Mapping[str, Val]


@dataclass(frozen=True, eq=False)
class SetC:
    values: frozenset[int]


Val = B3 | Sc | Ls | Rec | SetC

UNKNOWN_BOOL = B3(FALSE, FALSE)
UNKNOWN_SCALAR = Sc(FALSE, ZERO)
UNKNOWN_LIST = Ls(FALSE, ZERO, ())


def disj(*items: Any) -> Any:
    """``Or`` that is false when empty (z3's ``Or()`` of nothing is not simplified away)."""
    return z3.Or(*items) if items else FALSE


def conj(*items: Any) -> Any:
    """``And`` that is true when empty."""
    return z3.And(*items) if items else TRUE


def b3(known: Any, value: Any) -> B3:
    """A three-valued boolean from a known flag and a two-valued value."""
    return B3(z3.And(known, value), z3.And(known, z3.Not(value)))


def b3_const(value: bool) -> B3:
    return B3(TRUE, FALSE) if value else B3(FALSE, TRUE)


def ite(cond: Any, a: Val, b: Val) -> Val:
    """``if cond then a else b`` on symbolic values of the same kind (lists are padded)."""
    if isinstance(a, B3) and isinstance(b, B3):
        return B3(z3.If(cond, a.t, b.t), z3.If(cond, a.f, b.f))
    if isinstance(a, Sc) and isinstance(b, Sc):
        return Sc(z3.If(cond, a.known, b.known), z3.If(cond, a.v, b.v))
    if isinstance(a, Ls) and isinstance(b, Ls):
        n = max(len(a.items), len(b.items))
        pad_a = a.items + (UNKNOWN_SCALAR,) * (n - len(a.items))
        pad_b = b.items + (UNKNOWN_SCALAR,) * (n - len(b.items))
        return Ls(
            z3.If(cond, a.known, b.known),
            z3.If(cond, a.length, b.length),
            tuple(ite(cond, x, y) for x, y in zip(pad_a, pad_b, strict=True)),
        )
    raise TypeError(f"cannot merge {type(a).__name__} with {type(b).__name__}")


def same_subject(a: Sc, b: Sc) -> Any:
    """Two verdicts are about the same subject: both unknown, or both known and equal."""
    return z3.Or(z3.And(z3.Not(a.known), z3.Not(b.known)), z3.And(a.known, b.known, a.v == b.v))
