"""One dispatch over the IR, and every back end has every case.

The semantics (``semantics.nodes.evaluate``) maps each IR node type to one operation of the
algebra; mypy checks that the match is exhaustive over ``ir.Expr`` (``assert_never``). Here:
``ir.Expr`` lists every node type there is; each node type reaches an operation that every
back end implements itself (none left abstract); the language's test package uses every node
type, so the differential tests run every case on every back end; and a node type the
semantics does not know is refused by every back end, never skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import typing
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from cybernorms.analysis.checks import Analysis
from cybernorms.analysis.encode import Encoder, TranslationError
from cybernorms.engine.codegen import _Gen, compile_fast, compile_traced
from cybernorms.engine.reference import Concrete, subject_value
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Outcome
from cybernorms.rules import ir
from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.package import Rule
from cybernorms.rules.types import BOOL
from cybernorms.semantics.algebra import Algebra
from cybernorms.semantics.nodes import Scope, UnknownConstruct, evaluate

BACK_ENDS: list[type[Any]] = [Concrete, _Gen, Encoder]


def _subclasses(cls: type) -> set[type]:
    out: set[type] = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _subclasses(sub)
    return out


def _node_types() -> set[type]:
    return {t for t in _subclasses(ir.Node) if t.__module__ == ir.__name__}


def test_expr_lists_every_node_type() -> None:
    assert set(typing.get_args(ir.Expr)) == _node_types() == set(ir.EXPR_TYPES)


class Recorder(Algebra[str, bool, str]):
    """An algebra whose values are the names of the operations that made them."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def _op(self, name: str) -> str:
        self.calls.append(name)
        return name

    def is_true(self, value: str) -> bool:
        return True

    def is_false(self, value: str) -> bool:
        return False

    def is_unknown(self, value: str) -> bool:
        return False

    def g_not(self, guard: bool) -> bool:
        return not guard

    def g_all(self, guards: Sequence[bool]) -> bool:
        return all(guards)

    def g_any(self, guards: Sequence[bool]) -> bool:
        return any(guards)

    def date_on_or_after(self, value: str, day: dt.date) -> bool:
        return True

    def date_before(self, value: str, day: dt.date) -> bool:
        return False

    def literal(self, node: ir.Const | ir.SetLit) -> str:
        return self._op("literal")

    def fact(self, node: ir.FactRef) -> str:
        return self._op("fact")

    def variable(self, node: ir.VarRef, bound: str) -> str:
        return self._op("variable")

    def field(self, node: ir.FieldOf, base: str) -> str:
        return self._op("field")

    def subject(self, node: ir.SubjectRef, subject: str) -> str:
        return self._op("subject")

    def as_of(self, node: ir.AsOf) -> str:
        return self._op("as_of")

    def conj(self, node: ir.BoolOp, items: Sequence[Callable[[], str]]) -> str:
        return self._op("conj")

    def disj(self, node: ir.BoolOp, items: Sequence[Callable[[], str]]) -> str:
        return self._op("disj")

    def negate(self, node: ir.Not, item: str) -> str:
        return self._op("negate")

    def compare(self, node: ir.Compare, left: str, right: str) -> str:
        return self._op("compare")

    def member(self, node: ir.Member, item: str, container: str) -> str:
        return self._op("member")

    def quantify(self, node: ir.Quantifier, source: str, pred: Callable[[str], str]) -> str:
        return self._op("quantify")

    def length(self, node: ir.Length, source: str) -> str:
        return self._op("length")

    def profile(self, node: ir.ProfileParam, state: str, package: str) -> str:
        return self._op("profile")

    def days_between(self, node: ir.DaysBetween, start: str, end: str) -> str:
        return self._op("days_between")

    def breached(self, node: ir.Breached, subject: str) -> str:
        return self._op("breached")

    def when(self, guard: bool, then: Callable[[], str], otherwise: Callable[[], str]) -> str:
        return then() if guard else otherwise()

    def verdict(
        self,
        rule: Rule,
        outcome: Outcome,
        applies: str,
        violated: str | None,
        missing: Sequence[tuple[bool, str]],
    ) -> str:
        return "verdict"

    def not_party(self, rule: Rule, subject: str, applies: str) -> str:
        return "not_party"

    def no_subject(self, rule: Rule, subjects: str) -> str:
        return "no_subject"


def _examples(books: Rulebooks) -> dict[type, ir.Node]:
    """One node of each type, from the rules of ``books``."""
    found: dict[type, ir.Node] = {}
    for p in books.packages:
        for r in p.rules:
            for root in (r.subject, r.applies, r.violated):
                for n in ir.walk(root):
                    found.setdefault(type(n), n)
    return found


def test_the_language_test_package_uses_every_node_type(lang: Rulebooks) -> None:
    assert set(_examples(lang)) == _node_types()


def test_every_node_type_is_an_operation_every_back_end_implements(lang: Rulebooks) -> None:
    for node_type, node in _examples(lang).items():
        recorder = Recorder()
        scope = Scope("subject", "lang", defaultdict(lambda: "element"))
        evaluate(recorder, node, scope)
        operation = recorder.calls[-1]  # the node's own operation comes after its operands'
        for back_end in BACK_ENDS:
            assert not inspect.isabstract(back_end), back_end
            own = getattr(back_end, operation)
            assert own is not getattr(Algebra, operation), (node_type, back_end, operation)


class Strange(ir.Node):
    """A node type the semantics does not know."""


STRANGE = Strange(type=BOOL, text="strange()", line=1, col=0)


def test_an_unknown_node_type_is_refused_by_the_semantics() -> None:
    with pytest.raises(UnknownConstruct, match="no case for Strange"):
        evaluate(Recorder(), STRANGE, Scope("subject", "lang"))


def test_an_unknown_node_type_is_refused_by_every_back_end(shipped: Rulebooks) -> None:
    incident = Incident.model_validate({"id": "x"})
    concrete = Concrete(incident, dt.date(2025, 1, 1), {}, {}, {})
    with pytest.raises(UnknownConstruct):
        evaluate(concrete, STRANGE, Scope(subject_value(None, "subject"), "il-core"))
    rule = shipped.packages[0].rules[0]
    strange_rule = dataclasses.replace(rule, violated=STRANGE)
    for compile_rules in (compile_fast, compile_traced):
        with pytest.raises(UnknownConstruct):
            compile_rules([strange_rule], {})
    analysis = Analysis(shipped.packages, shipped.positions, shipped.profiles)
    with pytest.raises(TranslationError, match="no case for Strange"):
        analysis.consensus.condition(STRANGE, "il-core")
