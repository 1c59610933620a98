"""The reference interpreter: the algebra's concrete implementation, with traces.

This is not a second statement of the semantics: what each node and each rule means is in
``cybernorms.semantics``; here are only the algebra's operations on concrete values (Cedar's
model: the concrete evaluator is the partial one, unknown being a value). A value is a trace
node - a plain tuple in the order of ``model.verdict.RawTrace`` (expr, value, missing,
children, fact, source, profile, bind) - so evaluating an expression *is* explaining it: every
sub-expression with its value, the facts and profile versions it read, and, for unknown
values, the unknown facts behind them (``missing``, see ``semantics.algebra``).

The generated code (``engine.codegen``) must produce exactly these traces; the property tests
compare them node for node.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from cybernorms.model.facts import Incident
from cybernorms.model.profile import ProfileParameters
from cybernorms.model.verdict import Outcome, RawTrace, word
from cybernorms.rules import ir
from cybernorms.rules.package import Rule
from cybernorms.semantics.algebra import Algebra, SubjectList
from cybernorms.semantics.decision import BREACH, NO_SUBJECT, decide

EMPTY: frozenset[str] = frozenset()
RuleKey = tuple[str, str]
# The outcome of one rule for one subject: outcome, missing facts, trace.
Decided = tuple[Outcome, frozenset[str], RawTrace]
# Per package id: the parameters in force for a state and the label a trace shows for them.
Resolvers = Mapping[str, Callable[[str], tuple[ProfileParameters, str]]]

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _node(
    text: str, value: Any, missing: frozenset[str], children: tuple[RawTrace, ...]
) -> RawTrace:
    return (text, value, missing, children, None, None, None, None)


def subject_value(subject: str | None, path: str) -> RawTrace:
    """The value ``decide`` receives for a subject: unknown (``None``) misses ``path``, the
    subject's fact (``attribution.state``)."""
    return (
        path,
        subject,
        frozenset((path,)) if subject is None else EMPTY,
        (),
        path,
        None,
        None,
        None,
    )


class Concrete(Algebra[RawTrace, bool, Decided]):
    """The algebra on one incident, one evaluation date, one lens's rules.

    ``profiles_read`` collects the labels of the profile versions read (``Verdict.profiles``):
    give each verdict a fresh set (``reading``)."""

    def __init__(
        self,
        incident: Incident,
        as_of: dt.date,
        resolvers: Resolvers,
        table: Mapping[RuleKey, Rule],
        parties: Mapping[str, frozenset[str]],
    ) -> None:
        self.incident = incident
        self.provenance = incident.provenance
        self.today = as_of
        self.resolvers = resolvers
        self.table = table
        self.parties = parties
        self.profiles_read: set[str] = set()

    def reading(self, read: set[str]) -> Concrete:
        """This algebra, collecting the profiles read into ``read``."""
        self.profiles_read = read
        return self

    def decide(self, rule: Rule, subject: RawTrace) -> Decided:
        return decide(self, rule, subject, self.parties.get(rule.package, frozenset()))

    # -- guards ------------------------------------------------------------------------------
    def is_true(self, value: RawTrace) -> bool:
        return value[1] is True

    def is_false(self, value: RawTrace) -> bool:
        return value[1] is False

    def is_unknown(self, value: RawTrace) -> bool:
        return value[1] is None

    def g_not(self, guard: bool) -> bool:
        return not guard

    def g_all(self, guards: Sequence[bool]) -> bool:
        return all(guards)

    def g_any(self, guards: Sequence[bool]) -> bool:
        return any(guards)

    def date_on_or_after(self, value: RawTrace, day: dt.date) -> bool:
        return value[1] is not None and value[1] >= day

    def date_before(self, value: RawTrace, day: dt.date) -> bool:
        return value[1] is not None and value[1] < day

    # -- leaves ------------------------------------------------------------------------------
    def literal(self, node: ir.Const | ir.SetLit) -> RawTrace:
        value = node.value if isinstance(node, ir.Const) else node.values
        return _node(node.text, value, EMPTY, ())

    def fact(self, node: ir.FactRef) -> RawTrace:
        head, *rest = node.path
        value: Any = getattr(self.incident, head)
        for name in rest:
            value = getattr(value, name)
        path = ".".join(node.path)
        provenance = self.provenance
        return (
            node.text,
            value,
            frozenset((path,)) if value is None else EMPTY,
            (),
            path,
            provenance.get(path) if provenance else None,
            None,
            None,
        )

    def variable(self, node: ir.VarRef, bound: RawTrace) -> RawTrace:
        value, path = bound[1], bound[4]
        missing = frozenset((path,)) if value is None else EMPTY
        return (node.text, value, missing, (), path, None, None, None)

    def field(self, node: ir.FieldOf, base: RawTrace) -> RawTrace:
        if base[1] is None:
            return (node.text, None, base[2], (), base[4], None, None, None)
        path = f"{base[4]}.{node.name}"
        value = getattr(base[1], node.name)
        missing = frozenset((path,)) if value is None else EMPTY
        return (node.text, value, missing, (), path, self.provenance.get(path), None, None)

    def subject(self, node: ir.SubjectRef, subject: RawTrace) -> RawTrace:
        return (node.text, subject[1], subject[2], (), "subject", None, None, None)

    def as_of(self, node: ir.AsOf) -> RawTrace:
        return _node(node.text, self.today, EMPTY, ())

    # -- Kleene logic --------------------------------------------------------------------------
    def conj(self, node: ir.BoolOp, items: Sequence[Callable[[], RawTrace]]) -> RawTrace:
        return self._boolop(node, items, False)

    def disj(self, node: ir.BoolOp, items: Sequence[Callable[[], RawTrace]]) -> RawTrace:
        return self._boolop(node, items, True)

    def _boolop(
        self, node: ir.BoolOp, items: Sequence[Callable[[], RawTrace]], decisive: bool
    ) -> RawTrace:
        children = []
        unknown = False
        missing: set[str] = set()
        for item in items:
            r = item()
            children.append(r)
            if r[1] is decisive:
                return _node(node.text, decisive, EMPTY, tuple(children))
            if r[1] is None:
                unknown = True
                missing |= r[2]
        if unknown:
            return _node(node.text, None, frozenset(missing), tuple(children))
        return _node(node.text, not decisive, EMPTY, tuple(children))

    def negate(self, node: ir.Not, item: RawTrace) -> RawTrace:
        return _node(node.text, None if item[1] is None else not item[1], item[2], (item,))

    # -- comparisons ---------------------------------------------------------------------------
    def _binary(
        self, text: str, a: RawTrace, b: RawTrace, op: Callable[[Any, Any], Any]
    ) -> RawTrace:
        if a[1] is None or b[1] is None:
            return _node(text, None, a[2] | b[2], (a, b))
        return _node(text, op(a[1], b[1]), EMPTY, (a, b))

    def compare(self, node: ir.Compare, left: RawTrace, right: RawTrace) -> RawTrace:
        return self._binary(node.text, left, right, _ORDER[node.op])

    def member(self, node: ir.Member, item: RawTrace, container: RawTrace) -> RawTrace:
        if node.negate:
            return self._binary(node.text, item, container, lambda a, b: a not in b)
        return self._binary(node.text, item, container, lambda a, b: a in b)

    def days_between(self, node: ir.DaysBetween, start: RawTrace, end: RawTrace) -> RawTrace:
        return self._binary(node.text, start, end, lambda a, b: (b - a).days)

    # -- lists ---------------------------------------------------------------------------------
    def quantify(
        self, node: ir.Quantifier, source: RawTrace, pred: Callable[[RawTrace], RawTrace]
    ) -> RawTrace:
        text, kind = node.text, node.kind
        if source[1] is None:
            return _node(text, None, source[2], (source,))
        base_path = source[4] or source[0]
        children = [source]
        unknown: set[str] = set()
        has_unknown = False
        count = 0
        for index, element in enumerate(source[1]):
            path = f"{base_path}[{index}]"
            r = pred((path, element, EMPTY, (), path, None, None, None))
            r = (*r[:7], f"{node.var} = {path}")
            children.append(r)
            if r[1] is None:
                has_unknown = True
                unknown |= r[2]
            elif kind == "any" and r[1] is True:
                return _node(text, True, EMPTY, tuple(children))
            elif kind == "all" and r[1] is False:
                return _node(text, False, EMPTY, tuple(children))
            elif r[1] is True:
                count += 1
        if has_unknown:
            return _node(text, None, frozenset(unknown), tuple(children))
        value: Any = {"any": False, "all": True, "count": count}[kind]
        return _node(text, value, EMPTY, tuple(children))

    def length(self, node: ir.Length, source: RawTrace) -> RawTrace:
        if source[1] is None:
            return _node(node.text, None, source[2], (source,))
        return _node(node.text, len(source[1]), EMPTY, (source,))

    # -- profiles and rules ----------------------------------------------------------------------
    def profile(self, node: ir.ProfileParam, state: RawTrace, package: str) -> RawTrace:
        if state[1] is None:
            return _node(node.text, None, state[2], (state,))
        params, label = self.resolvers[package](state[1])
        self.profiles_read.add(label)
        value = getattr(params, node.param)
        fact = f"profile({state[1]}).{node.param}"
        missing = frozenset((fact,)) if value is None else EMPTY
        return (node.text, value, missing, (state,), fact, None, label, None)

    def breached(self, node: ir.Breached, subject: RawTrace) -> RawTrace:
        rule = self.table[(node.package, node.rule)]
        outcome, missing, trace = self.decide(rule, subject)
        value = BREACH[outcome]
        missing = missing if value is None else EMPTY
        inner = (f"{rule.id}: {word(rule.question, outcome)}", value, missing, *trace[3:])
        return _node(node.text, value, missing, (inner,))

    # -- outcomes --------------------------------------------------------------------------------
    def when(
        self, guard: bool, then: Callable[[], Decided], otherwise: Callable[[], Decided]
    ) -> Decided:
        return then() if guard else otherwise()

    def verdict(
        self,
        rule: Rule,
        outcome: Outcome,
        applies: RawTrace,
        violated: RawTrace | None,
        missing: Sequence[tuple[bool, RawTrace]],
    ) -> Decided:
        names = frozenset().union(*[v[2] for held, v in missing if held]) if missing else EMPTY
        children = (applies,) if violated is None else (applies, violated)
        return outcome, names, root(rule, BREACH[outcome], names, children)

    def not_party(self, rule: Rule, subject: RawTrace, applies: RawTrace) -> Decided:
        node = _node(f"{subject[1]} is not a party to {rule.package}", False, EMPTY, (applies,))
        return Outcome.NOT_APPLICABLE, EMPTY, root(rule, False, EMPTY, (node,))

    def no_subject(self, rule: Rule, subjects: RawTrace) -> Decided:
        shown = (*subjects[:7], "subject")
        trace = (rule.root_text, False, EMPTY, (shown,), None, None, None, None)
        return NO_SUBJECT, EMPTY, trace


def root(
    rule: Rule, value: bool | None, missing: frozenset[str], children: tuple[RawTrace, ...]
) -> RawTrace:
    """The top of a verdict's trace: ``applies_when`` (and ``violated_when`` where it was
    read) as its children, labelled so."""
    labelled = tuple(
        (c[0], c[1], c[2], c[3], c[4], c[5], c[6], label)
        for c, label in zip(children, ("applies_when", "violated_when"), strict=False)
    )
    return (rule.root_text, value, missing, labelled, None, None, None, None)


class PythonSubjects(SubjectList[bool, Any]):
    """A subject expression's concrete value (a state, a list of states, or ``None``) as the
    verdicts it gives; subjects are plain ``str | None``, turned into values by the caller."""

    def __init__(self, value: Any, is_list: bool) -> None:
        self.value = value
        self.is_list = is_list

    def unknown(self) -> bool:
        return self.is_list and self.value is None

    def empty(self) -> bool:
        return self.is_list and self.value is not None and not self.value

    def members(self) -> Iterable[tuple[bool, Any]]:
        if not self.is_list:
            return [(True, self.value)]
        return [(True, s) for s in sorted(set(self.value or ()))]
