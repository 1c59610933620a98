"""The rule IR translated into SMT (z3), with Kleene three-valued logic kept exact.

``Encoder`` is the algebra of ``cybernorms.semantics`` on symbolic values
(``analysis.values``): what each node and each rule means, which subjects a rule judges and
which profile is in force are stated once, there; here is only how each operation is built
from z3 terms. A node type the semantics does not know, or an operation on values this back
end cannot represent, is a ``TranslationError``, never skipped.

Profiles are either **fixed** (the given profile versions, else nothing - every parameter a
state has not published is unknown, ``semantics.profiles.stand_in`` - chosen by
the incident's date exactly as ``engine.profiles.ProfileBook`` does) or **free** (every state of
the universe may publish any parameters: "is there any profile under which ..."); see
``FixedProfiles`` and ``FreeProfiles``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import z3

from cybernorms.analysis.facts import FactSpace
from cybernorms.analysis.universe import Universe
from cybernorms.analysis.values import (
    B3,
    FALSE,
    TRUE,
    UNKNOWN_BOOL,
    UNKNOWN_LIST,
    UNKNOWN_SCALAR,
    Ls,
    Rec,
    Sc,
    SetC,
    Val,
    b3,
    b3_const,
    conj,
    disj,
    ite,
)
from cybernorms.errors import CybernormsError
from cybernorms.model.profile import Profile, ProfileParameters
from cybernorms.model.verdict import Outcome
from cybernorms.rules import ir
from cybernorms.rules.package import Package, Rule
from cybernorms.rules.types import INT, PROFILE, STATE, ListType, Type
from cybernorms.semantics.algebra import Algebra, Guards, SubjectList
from cybernorms.semantics.decision import BREACH, Slot, decide, expand
from cybernorms.semantics.nodes import Scope, UnknownConstruct, evaluate
from cybernorms.semantics.profiles import in_force, stand_in

RuleKey = tuple[str, str]
T = TypeVar("T")


class TranslationError(CybernormsError):
    """A construct the SMT back end cannot translate: an error, never silently skipped."""


@dataclass(frozen=True, eq=False)
class Outcome4:
    """The four outcomes of one verdict as exclusive, exhaustive z3 conditions."""

    na: Any
    nv: Any
    und: Any
    viol: Any

    def of(self, outcome: str) -> Any:
        return {
            "not_applicable": self.na,
            "no_violation": self.nv,
            "undetermined": self.und,
            "violation": self.viol,
        }[outcome]


@dataclass(frozen=True, eq=False)
class Verdict:
    """One verdict a rule may give: present when ``guard`` holds, about ``subject``."""

    guard: Any
    subject: Sc
    outcome: Outcome4


# -- profiles ------------------------------------------------------------------------------


def _const_value(value: Any, tp: Type, universe: Universe) -> Val:
    """A published parameter (or ``None``, unpublished) as a constant symbolic value."""
    if isinstance(tp, ListType):
        if value is None:
            return UNKNOWN_LIST
        items = tuple(Sc(TRUE, z3.IntVal(universe.code(str(v)))) for v in value)
        return Ls(TRUE, z3.IntVal(len(items)), items)
    if value is None:
        return UNKNOWN_SCALAR
    if tp == INT:
        return Sc(TRUE, z3.IntVal(int(value)))
    return Sc(TRUE, z3.IntVal(universe.code(str(value))))


def _choose(state: Sc, alternatives: list[tuple[Any, Val]], unknown: Val) -> Val:
    """Fold exclusive (condition, value) alternatives into one value; unknown state: unknown."""
    if not alternatives:
        return unknown
    out = alternatives[-1][1]
    for cond, val in reversed(alternatives[:-1]):
        out = ite(cond, val, out)
    return ite(state.known, out, unknown)


class FixedProfiles:
    """The given profile versions, else ``semantics.profiles.stand_in`` (nothing published:
    every parameter unknown; the defaults only when ``assume_defaults``), picked by the
    profile date.

    The profile date is the evaluation date given to the analysis, else the incident's
    ``start_date``; with no date, the highest version applies - as ``ProfileBook.resolve``.
    """

    def __init__(
        self,
        universe: Universe,
        profiles: Sequence[Profile],
        packages: Sequence[Package],
        assume_defaults: bool = False,
    ) -> None:
        self.universe = universe
        self.defaults = {p.id: stand_in(p.defaults, assume_defaults)[0] for p in packages}
        self.versions: dict[str, list[Profile]] = {}
        for p in profiles:
            self.versions.setdefault(p.state, []).append(p)
        for versions in self.versions.values():
            versions.sort(key=lambda p: p.version)
        self._cache: dict[tuple[str, str, int, int], Val] = {}
        self._alive: list[tuple[Sc, Sc]] = []
        self.constraints: list[Any] = []

    def _alternatives(
        self, state: str, defaults: ProfileParameters, date: Sc
    ) -> list[tuple[Any, ProfileParameters]]:
        """The parameters ``state`` has, each under an exclusive condition on the date:
        ``semantics.profiles.in_force`` on symbolic dates (the stand-in where none is in
        force). Exclusive, not merely ordered: ``param`` regroups the alternatives of every
        state by value."""
        versions = self.versions.get(state, [])
        return [
            (cond, defaults if p is None else p.parameters)
            for cond, p in in_force(GUARDS, versions, date)
        ]

    def param(self, package: str, state: Sc, name: str, date: Sc) -> Val:
        key = (package, name, id(state), id(date))
        found = self._cache.get(key)
        if found is not None:
            return found
        tp = PROFILE.fields()[name]
        defaults = self.defaults.get(package, ProfileParameters())
        groups: dict[str, tuple[Any, list[Any]]] = {}
        for s in self.universe.states:
            is_s = state.v == self.universe.code(s)
            for cond, params in self._alternatives(s, defaults, date):
                value = getattr(params, name)
                groups.setdefault(repr(value), (value, []))[1].append(z3.And(is_s, cond))
        alternatives = [
            (disj(*conds), _const_value(value, tp, self.universe))
            for value, conds in groups.values()
        ]
        unknown: Val = UNKNOWN_LIST if isinstance(tp, ListType) else UNKNOWN_SCALAR
        out = _choose(state, alternatives, unknown)
        self._cache[key] = out
        # keep the key objects alive so that ids are not reused while cached
        self._alive.append((state, date))
        return out

    def profiles_for(self, model: Any) -> list[Profile]:
        """The profiles a witness is checked with: the given ones."""
        return [p for versions in self.versions.values() for p in versions]


@dataclass
class FreeProfiles:
    """Every state of the universe may publish any parameters (``bound`` slots per list)."""

    universe: Universe
    bound: int = 3
    constraints: list[Any] = field(default_factory=list)
    _vars: dict[tuple[str, str], Val] = field(default_factory=dict)

    def _var(self, state: str, name: str) -> Val:
        key = (state, name)
        found = self._vars.get(key)
        if found is not None:
            return found
        tp = PROFILE.fields()[name]
        path = f"profile({state}).{name}"
        known = z3.Bool(f"{path}?k")
        val: Val
        if isinstance(tp, ListType):
            length = z3.Int(f"{path}#")
            self.constraints.append(z3.And(length >= 0, length <= self.bound))
            items = []
            for i in range(self.bound):
                v = z3.Int(f"{path}[{i}]")
                self.constraints.append(z3.Or(*[v == c for c in self._domain(tp.element)]))
                items.append(Sc(TRUE, v))
            for i in range(self.bound):  # stored without repeats
                for j in range(i + 1, self.bound):
                    self.constraints.append(z3.Implies(j < length, items[i].v != items[j].v))
            val = Ls(known, length, tuple(items))
        else:
            v = z3.Int(path)
            if tp == INT:
                self.constraints.append(v >= 0)
            else:
                self.constraints.append(z3.Or(*[v == c for c in self._domain(tp)]))
            val = Sc(known, v)
        self._vars[key] = val
        return val

    def _domain(self, tp: Type) -> list[int]:
        return self.universe.domain(tp)

    def param(self, package: str, state: Sc, name: str, date: Sc) -> Val:
        tp = PROFILE.fields()[name]
        alternatives = [
            (state.v == self.universe.code(s), self._var(s, name)) for s in self.universe.states
        ]
        unknown: Val = UNKNOWN_LIST if isinstance(tp, ListType) else UNKNOWN_SCALAR
        return _choose(state, alternatives, unknown)

    def profiles_for(self, model: Any) -> list[Profile]:
        """One profile per state of the universe with the parameters the model chose."""
        out = []
        for s in self.universe.states:
            params: dict[str, Any] = {}
            for name, tp in PROFILE.fields().items():
                val = self._vars.get((s, name))
                if val is None:
                    continue
                params[name] = _decode_param(model, val, tp, self.universe)
            out.append(
                Profile(
                    state=s,
                    version=1,
                    effective_from=dt.date(1900, 1, 1),
                    illustrative=True,
                    sources=["chosen by the analysis (free profiles)"],
                    parameters=ProfileParameters.model_validate(params),
                )
            )
        return out


def _decode_param(model: Any, val: Val, tp: Type, universe: Universe) -> Any:
    def ev(x: Any) -> Any:
        return model.eval(x, model_completion=True)

    if isinstance(val, Ls):
        if not z3.is_true(ev(val.known)):
            return None
        n = ev(val.length).as_long()
        out = []
        for item in val.items[:n]:
            assert isinstance(item, Sc)  # noqa: S101 - invariant that narrows a type, never input checking
            out.append(universe.decode(ev(item.v).as_long()))
        return out
    assert isinstance(val, Sc)  # noqa: S101 - invariant that narrows a type, never input checking
    if not z3.is_true(ev(val.known)):
        return None
    n = ev(val.v).as_long()
    return n if tp == INT else universe.decode(n)


Profiles = FixedProfiles | FreeProfiles


# -- expressions ---------------------------------------------------------------------------


class Z3Guards(Guards[Val, Any]):
    """Two-valued conditions as z3 booleans."""

    def is_true(self, value: Val) -> Any:
        return _b3(value, "a condition").t

    def is_false(self, value: Val) -> Any:
        return _b3(value, "a condition").f

    def is_unknown(self, value: Val) -> Any:
        if isinstance(value, B3):
            return z3.Not(value.known)
        if isinstance(value, Sc | Ls):
            return z3.Not(value.known)
        return FALSE  # records and set literals are always there

    def g_not(self, guard: Any) -> Any:
        return z3.Not(guard)

    def g_all(self, guards: Sequence[Any]) -> Any:
        return conj(*guards)

    def g_any(self, guards: Sequence[Any]) -> Any:
        return disj(*guards)

    def date_on_or_after(self, value: Val, day: dt.date) -> Any:
        date = _sc(value, "a date")
        return z3.And(date.known, date.v >= day.toordinal())

    def date_before(self, value: Val, day: dt.date) -> Any:
        date = _sc(value, "a date")
        return z3.And(date.known, date.v < day.toordinal())


GUARDS = Z3Guards()


def _b3(value: Val, what: str) -> B3:
    if not isinstance(value, B3):
        raise TranslationError(f"expected {what}, got a {type(value).__name__}")
    return value


def _sc(value: Val, what: str) -> Sc:
    if not isinstance(value, Sc):
        raise TranslationError(f"expected {what}, got a {type(value).__name__}")
    return value


_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda x, y: x == y,
    "!=": lambda x, y: x != y,
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}


def _fields(o: Outcome4) -> tuple[Any, Any, Any, Any]:
    return (o.na, o.nv, o.und, o.viol)


def _branch(guard: Any, then: Any, otherwise: Any) -> Any:
    """``guard ? then : otherwise`` on conditions, as and/or, constant branches folded."""
    parts = []
    if not z3.is_false(then):
        parts.append(guard if z3.is_true(then) else z3.And(guard, then))
    if not z3.is_false(otherwise):
        neg = z3.Not(guard)
        parts.append(neg if z3.is_true(otherwise) else z3.And(neg, otherwise))
    return disj(*parts)


def _only(outcome: Outcome) -> Outcome4:
    """The outcome that certainly is ``outcome``."""
    flags = {o: TRUE if o is outcome else FALSE for o in Outcome}
    return Outcome4(
        flags[Outcome.NOT_APPLICABLE],
        flags[Outcome.NO_VIOLATION],
        flags[Outcome.UNDETERMINED],
        flags[Outcome.VIOLATION],
    )


class _Subjects(SubjectList[Any, Sc]):
    """A rule's subject value as verdict slots: one state, or a list's slots."""

    def __init__(self, rule: Rule, value: Val) -> None:
        if not isinstance(value, Sc | Ls):
            raise TranslationError(f"{rule.id}: subject is neither a state nor a list of states")
        self.value = value

    def unknown(self) -> Any:
        return z3.Not(self.value.known) if isinstance(self.value, Ls) else FALSE

    def empty(self) -> Any:
        if isinstance(self.value, Sc):
            return FALSE
        return z3.And(self.value.known, self.value.length == 0)

    def members(self) -> Iterable[tuple[Any, Sc]]:
        if isinstance(self.value, Sc):
            return [(TRUE, self.value)]
        out = []
        for i, item in enumerate(self.value.items):
            out.append((z3.And(self.value.known, self.value.active(i)), _sc(item, "a state")))
        return out


class Encoder(Z3Guards, Algebra[Val, Any, Outcome4]):
    """Translate the rules of one lens (a rule table) over one fact space.

    ``table`` maps every rule key to the rule in force under the lens (consensus, or a
    position's reading); ``breached`` resolves through it, like the engine's lens table.
    """

    def __init__(
        self,
        space: FactSpace,
        table: Mapping[RuleKey, Rule],
        profiles: Profiles,
        parties: Mapping[str, frozenset[str]],
        as_of: dt.date | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.space = space
        self.universe = space.universe
        self.table = table
        self.profiles = profiles
        self.parties = parties
        incident = space.root.fields
        start = incident["start_date"]
        assert isinstance(start, Sc)  # noqa: S101 - invariant that narrows a type, never input checking
        self.profile_date: Sc = (
            Sc(TRUE, z3.IntVal(as_of.toordinal())) if as_of is not None else start
        )
        self.today = Sc(TRUE, z3.IntVal((as_of or today or dt.date.today()).toordinal()))
        self._outcomes: dict[tuple[RuleKey, int], Outcome4] = {}
        self._subjects: list[Sc] = []  # keeps subjects alive while their ids key the cache

    # -- entry points --------------------------------------------------------------------
    def verdicts(self, rule: Rule) -> list[Verdict]:
        """Every verdict the rule may give on one incident (``semantics.decision.expand``:
        one per subject slot, one for an unknown list, one for a known-empty list)."""
        value = self._translated(lambda: evaluate(self, rule.subject, self._scope(rule)))
        slots: list[Slot[Any, Sc]] = expand(_Subjects(rule, value), UNKNOWN_SCALAR)
        return [
            Verdict(
                slot.guard,
                slot.subject,
                self.outcome(rule, slot.subject) if slot.judged else self.no_subject(rule, value),
            )
            for slot in slots
            if not z3.is_false(slot.guard)
        ]

    def outcome(self, rule: Rule, subject: Sc) -> Outcome4:
        """The rule's outcome for one subject (``semantics.decision.decide``)."""
        key = (rule.key, id(subject))
        found = self._outcomes.get(key)
        if found is not None:
            return found
        self._subjects.append(subject)
        parties = self.parties.get(rule.package, frozenset())
        out = self._translated(lambda: decide(self, rule, subject, parties))
        self._outcomes[key] = out
        return out

    def condition(self, node: ir.Node, package: str) -> B3:
        """A criterion without subject (a package's ``covers:``) as a symbolic boolean."""
        scope: Scope[Val] = Scope(UNKNOWN_SCALAR, package)
        return _b3(self._translated(lambda: evaluate(self, node, scope)), "a condition")

    @staticmethod
    def _scope(rule: Rule) -> Scope[Val]:
        return Scope(UNKNOWN_SCALAR, rule.package)

    @staticmethod
    def _translated(run: Callable[[], T]) -> T:
        try:
            return run()
        except UnknownConstruct as e:
            raise TranslationError(str(e).replace("rule semantics", "SMT back end")) from e

    def _str(self, value: str) -> int:
        if not self.universe.known(value):
            raise TranslationError(f"{value!r} is not in the analysis universe")
        return self.universe.code(value)

    # -- leaves --------------------------------------------------------------------------
    def literal(self, node: ir.Const | ir.SetLit) -> Val:
        if isinstance(node, ir.SetLit):
            return SetC(
                frozenset(v if isinstance(v, int) else self._str(str(v)) for v in node.values)
            )
        value = node.value
        if value is None:  # an open question (a position's holds_open)
            return UNKNOWN_BOOL
        if isinstance(value, bool):
            return b3_const(value)
        if isinstance(value, int):
            return Sc(TRUE, z3.IntVal(value))
        if isinstance(value, dt.date):
            return Sc(TRUE, z3.IntVal(value.toordinal()))
        return Sc(TRUE, z3.IntVal(self._str(value)))

    def fact(self, node: ir.FactRef) -> Val:
        val: Val = self.space.root
        for name in node.path:
            if not isinstance(val, Rec):
                raise TranslationError(f"{node.text!r}: {name} is not a field of a group")
            val = val.fields[name]
        return val

    def variable(self, node: ir.VarRef, bound: Val) -> Val:
        return bound

    def field(self, node: ir.FieldOf, base: Val) -> Val:
        if not isinstance(base, Rec):
            raise TranslationError(f"{node.text!r}: field of a value that is not a record")
        return base.fields[node.name]

    def subject(self, node: ir.SubjectRef, subject: Val) -> Val:
        return subject

    def as_of(self, node: ir.AsOf) -> Val:
        return self.today

    # -- Kleene logic --------------------------------------------------------------------
    def conj(self, node: ir.BoolOp, items: Sequence[Callable[[], Val]]) -> Val:
        bs = [_b3(item(), repr(node.text)) for item in items]
        return B3(z3.And(*[i.t for i in bs]), z3.Or(*[i.f for i in bs]))

    def disj(self, node: ir.BoolOp, items: Sequence[Callable[[], Val]]) -> Val:
        bs = [_b3(item(), repr(node.text)) for item in items]
        return B3(z3.Or(*[i.t for i in bs]), z3.And(*[i.f for i in bs]))

    def negate(self, node: ir.Not, item: Val) -> Val:
        b = _b3(item, repr(node.text))
        return B3(b.f, b.t)

    # -- comparisons -----------------------------------------------------------------------
    def compare(self, node: ir.Compare, left: Val, right: Val) -> Val:
        a, b = left, right
        if isinstance(a, B3) and isinstance(b, B3):
            if node.op not in ("==", "!="):
                raise TranslationError(f"{node.text!r}: ordering on booleans")
            same = a.t == b.t
            return b3(z3.And(a.known, b.known), same if node.op == "==" else z3.Not(same))
        if not (isinstance(a, Sc) and isinstance(b, Sc)):
            raise TranslationError(f"{node.text!r}: comparison of non-scalar values")
        return b3(z3.And(a.known, b.known), _ORDER[node.op](a.v, b.v))

    def member(self, node: ir.Member, item: Val, container: Val) -> Val:
        if not isinstance(item, Sc):
            raise TranslationError(f"{node.text!r}: membership of a non-scalar value")
        if isinstance(container, SetC):
            known = item.known
            inside = disj(*[item.v == c for c in sorted(container.values)])
        elif isinstance(container, Ls):
            known = z3.And(item.known, container.known)
            parts = []
            for i, el in enumerate(container.items):
                if not isinstance(el, Sc):
                    raise TranslationError(f"{node.text!r}: membership in a list of records")
                parts.append(z3.And(container.active(i), el.known, el.v == item.v))
            inside = disj(*parts)
        else:
            raise TranslationError(f"{node.text!r}: membership in a value that is not a list")
        return b3(known, z3.Not(inside) if node.negate else inside)

    def days_between(self, node: ir.DaysBetween, start: Val, end: Val) -> Val:
        if not (isinstance(start, Sc) and isinstance(end, Sc)):
            raise TranslationError(f"{node.text!r}: days_between() of non-dates")
        return Sc(z3.And(start.known, end.known), end.v - start.v)

    # -- lists -----------------------------------------------------------------------------
    def quantify(self, node: ir.Quantifier, source: Val, pred: Callable[[Val], Val]) -> Val:
        if not isinstance(source, Ls):
            raise TranslationError(f"{node.text!r}: quantifier over a value that is not a list")
        preds = [
            (source.active(i), _b3(pred(el), repr(node.pred.text)))
            for i, el in enumerate(source.items)
        ]
        k = source.known
        if node.kind == "any":
            return B3(
                z3.And(k, disj(*[z3.And(a, p.t) for a, p in preds])),
                z3.And(k, *[z3.Or(z3.Not(a), p.f) for a, p in preds]),
            )
        if node.kind == "all":
            return B3(
                z3.And(k, *[z3.Or(z3.Not(a), p.t) for a, p in preds]),
                z3.And(k, disj(*[z3.And(a, p.f) for a, p in preds])),
            )
        if node.kind == "count":
            known = z3.And(k, *[z3.Or(z3.Not(a), p.known) for a, p in preds])
            total = z3.Sum(*[z3.If(z3.And(a, p.t), 1, 0) for a, p in preds]) if preds else 0
            return Sc(known, z3.IntVal(0) + total)
        raise TranslationError(f"{node.text!r}: unknown quantifier {node.kind!r}")

    def length(self, node: ir.Length, source: Val) -> Val:
        if not isinstance(source, Ls):
            raise TranslationError(f"{node.text!r}: count() of a value that is not a list")
        return Sc(source.known, source.length)

    # -- profiles and rules ----------------------------------------------------------------
    def profile(self, node: ir.ProfileParam, state: Val, package: str) -> Val:
        if not isinstance(state, Sc) or node.state.type != STATE:
            raise TranslationError(f"{node.text!r}: profile() of a value that is not a state")
        return self.profiles.param(package, state, node.param, self.profile_date)

    def breached(self, node: ir.Breached, subject: Val) -> Val:
        rule = self.table.get((node.package, node.rule))
        if rule is None:
            raise TranslationError(f"breached({node.rule!r}): rule not loaded")
        out = self.outcome(rule, _sc(subject, "a state"))
        return B3(
            disj(*[out.of(o.label) for o in Outcome if BREACH[o] is True]),
            disj(*[out.of(o.label) for o in Outcome if BREACH[o] is False]),
        )

    # -- outcomes --------------------------------------------------------------------------
    def when(
        self, guard: Any, then: Callable[[], Outcome4], otherwise: Callable[[], Outcome4]
    ) -> Outcome4:
        if z3.is_true(guard):
            return then()
        if z3.is_false(guard):
            return otherwise()
        a, b = then(), otherwise()
        return Outcome4(
            *[_branch(guard, x, y) for x, y in zip(_fields(a), _fields(b), strict=True)]
        )

    def verdict(
        self,
        rule: Rule,
        outcome: Outcome,
        applies: Val,
        violated: Val | None,
        missing: Sequence[tuple[Any, Val]],
    ) -> Outcome4:
        return _only(outcome)

    def not_party(self, rule: Rule, subject: Val, applies: Val) -> Outcome4:
        return _only(Outcome.NOT_APPLICABLE)

    def no_subject(self, rule: Rule, subjects: Val) -> Outcome4:
        return _only(Outcome.NOT_APPLICABLE)
