"""The meaning of every IR node, once: which operation of the algebra it is, on what operands.

This is the one dispatch over the IR's node types (``ir.Expr``); it ends in ``assert_never``,
so mypy rejects a node type without a case, and ``tests/semantics`` checks that ``ir.Expr``
lists every subclass of ``ir.Node``. Back ends never dispatch on node types themselves: they
implement ``semantics.algebra.Algebra`` and call ``evaluate``.

Operands are passed evaluated, except where the meaning reads them only as needed (the
operands of ``and``/``or``, a quantifier's predicate): those are passed as functions, so a
short-circuit that never reads an operand never evaluates it - in every back end alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar, assert_never

from cybernorms.errors import CybernormsError
from cybernorms.rules import ir
from cybernorms.semantics.algebra import Algebra

V = TypeVar("V")
G = TypeVar("G")
O = TypeVar("O")  # noqa: E741


class UnknownConstruct(CybernormsError):
    """An IR node of a type the semantics does not know: a bug, reported, never skipped."""

    refusal = "unknown_construct"


@dataclass(frozen=True)
class Scope(Generic[V]):
    """What an expression can see besides the incident: the state judged, the package whose
    rule it is (whose defaults stand in for unpublished profiles), and the elements bound by
    enclosing quantifiers."""

    subject: V
    package: str
    variables: Mapping[str, V] = field(default_factory=dict)

    def bind(self, name: str, element: V) -> Scope[V]:
        return Scope(self.subject, self.package, {**self.variables, name: element})


def as_expr(node: ir.Node) -> ir.Expr:
    """``node`` as a member of the ``ir.Expr`` union; any other type is refused."""
    if isinstance(node, ir.EXPR_TYPES):
        return node  # type: ignore[return-value]  # EXPR_TYPES are exactly Expr's members
    raise UnknownConstruct(
        f"the rule semantics has no case for {type(node).__name__} ({node.text!r})"
    )


def evaluate(alg: Algebra[V, G, O], node: ir.Node, scope: Scope[V]) -> V:
    """The value of ``node`` in ``scope``, in the back end ``alg``."""
    expr = as_expr(node)
    match expr:
        case ir.Const() | ir.SetLit():
            return alg.literal(expr)
        case ir.FactRef():
            return alg.fact(expr)
        case ir.VarRef():
            return alg.variable(expr, scope.variables[expr.name])
        case ir.FieldOf():
            return alg.field(expr, evaluate(alg, expr.base, scope))
        case ir.SubjectRef():
            return alg.subject(expr, scope.subject)
        case ir.AsOf():
            return alg.as_of(expr)
        case ir.BoolOp():
            items = [_later(alg, item, scope) for item in expr.items]
            return alg.conj(expr, items) if expr.op == "and" else alg.disj(expr, items)
        case ir.Not():
            return alg.negate(expr, evaluate(alg, expr.item, scope))
        case ir.Compare():
            left = evaluate(alg, expr.left, scope)
            return alg.compare(expr, left, evaluate(alg, expr.right, scope))
        case ir.Member():
            item = evaluate(alg, expr.item, scope)
            return alg.member(expr, item, evaluate(alg, expr.container, scope))
        case ir.Quantifier():
            source = evaluate(alg, expr.source, scope)
            pred, var = expr.pred, expr.var
            return alg.quantify(
                expr, source, lambda element: evaluate(alg, pred, scope.bind(var, element))
            )
        case ir.Length():
            return alg.length(expr, evaluate(alg, expr.source, scope))
        case ir.ProfileParam():
            return alg.profile(expr, evaluate(alg, expr.state, scope), scope.package)
        case ir.Breached():
            return alg.breached(expr, scope.subject)
        case ir.DaysBetween():
            start = evaluate(alg, expr.start, scope)
            return alg.days_between(expr, start, evaluate(alg, expr.end, scope))
        case _:
            assert_never(expr)


def _later(alg: Algebra[V, G, O], node: ir.Node, scope: Scope[V]) -> Callable[[], V]:
    return lambda: evaluate(alg, node, scope)
