"""The typed intermediate representation of rule expressions.

One tree, several back ends (the reference interpreter, generated Python with or without
traces, SMT, SQL); its meaning is stated once, in ``cybernorms.semantics``. Every construct is
listed here once (``Expr``); the semantics dispatches on it exhaustively (``assert_never``).

Nodes are immutable. Each carries its type, the source text it was parsed from (for traces
that a person can read) and its line/column inside the expression (for error messages).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from cybernorms.rules.types import Type

Scalar = str | int | bool | dt.date


@dataclass(frozen=True, eq=False)
class Node:
    type: Type
    text: str
    line: int
    col: int

    def children(self) -> Iterator[Node]:
        return iter(())


@dataclass(frozen=True, eq=False)
class Const(Node):
    """A constant. ``value`` None is an open question (unknown, nothing missing): never
    written in a rule, made only for a position's ``holds_open`` (``rules.package``)."""

    value: Scalar | None


@dataclass(frozen=True, eq=False)
class SetLit(Node):
    values: frozenset[Scalar]


@dataclass(frozen=True, eq=False)
class FactRef(Node):
    """A fact of the incident, by path from the incident root (``("effects", "physical")``)."""

    path: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class VarRef(Node):
    """The element bound by ``for NAME in LIST``."""

    name: str


@dataclass(frozen=True, eq=False)
class FieldOf(Node):
    """A field of a record that is not a path from the root (``t.sector``)."""

    base: Node
    name: str

    def children(self) -> Iterator[Node]:
        yield self.base


@dataclass(frozen=True, eq=False)
class SubjectRef(Node):
    """The state whose conduct is being judged."""


@dataclass(frozen=True, eq=False)
class AsOf(Node):
    """The evaluation date."""


@dataclass(frozen=True, eq=False)
class BoolOp(Node):
    op: Literal["and", "or"]
    items: tuple[Node, ...]

    def children(self) -> Iterator[Node]:
        yield from self.items


@dataclass(frozen=True, eq=False)
class Not(Node):
    item: Node

    def children(self) -> Iterator[Node]:
        yield self.item


CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]


@dataclass(frozen=True, eq=False)
class Compare(Node):
    op: CompareOp
    left: Node
    right: Node

    def children(self) -> Iterator[Node]:
        yield self.left
        yield self.right


@dataclass(frozen=True, eq=False)
class Member(Node):
    """``item in container`` (``negate``: ``not in``); container is a set literal or a list."""

    item: Node
    container: Node
    negate: bool

    def children(self) -> Iterator[Node]:
        yield self.item
        yield self.container


@dataclass(frozen=True, eq=False)
class Quantifier(Node):
    """``any/all/count(pred for var in source)``."""

    kind: Literal["any", "all", "count"]
    var: str
    source: Node
    pred: Node

    def children(self) -> Iterator[Node]:
        yield self.source
        yield self.pred


@dataclass(frozen=True, eq=False)
class Length(Node):
    """``count(LIST)``: the number of elements."""

    source: Node

    def children(self) -> Iterator[Node]:
        yield self.source


@dataclass(frozen=True, eq=False)
class ProfileParam(Node):
    """``profile(state).param``: a parameter from that state's sovereign profile."""

    state: Node
    param: str

    def children(self) -> Iterator[Node]:
        yield self.state


@dataclass(frozen=True, eq=False)
class Breached(Node):
    """``breached("rule")``: the named rule's decision for the same subject."""

    package: str
    rule: str


@dataclass(frozen=True, eq=False)
class DaysBetween(Node):
    start: Node
    end: Node

    def children(self) -> Iterator[Node]:
        yield self.start
        yield self.end


# Every concrete node type, as one union: ``semantics.nodes.evaluate`` matches on it and ends
# with ``assert_never``, so mypy rejects a node type without a case (and a test checks that
# this union lists every subclass of ``Node``).
Expr = (
    Const
    | SetLit
    | FactRef
    | VarRef
    | FieldOf
    | SubjectRef
    | AsOf
    | BoolOp
    | Not
    | Compare
    | Member
    | Quantifier
    | Length
    | ProfileParam
    | Breached
    | DaysBetween
)
EXPR_TYPES: tuple[type[Node], ...] = (
    Const,
    SetLit,
    FactRef,
    VarRef,
    FieldOf,
    SubjectRef,
    AsOf,
    BoolOp,
    Not,
    Compare,
    Member,
    Quantifier,
    Length,
    ProfileParam,
    Breached,
    DaysBetween,
)


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents before children."""
    yield node
    for child in node.children():
        yield from walk(child)


def references(node: Node) -> set[tuple[str, str]]:
    """The (package, rule) pairs a criterion names through ``breached``."""
    return {(n.package, n.rule) for n in walk(node) if isinstance(n, Breached)}
