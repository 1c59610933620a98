"""The rule IR translated into SMT (z3), with Kleene three-valued logic kept exact.

One function per IR node, mirroring ``engine.interpret`` case by case; a node type without a
case is a ``TranslationError``, never skipped (DESIGN section 3: a construct that exists in one
back end only is a bug in waiting). ``Encoder.outcome`` mirrors ``engine.evaluate._Run.decide``
(applicability, parties, unknown subjects), and ``Encoder.verdicts`` mirrors how the engine
turns a rule's subject expression into one verdict per state (or one with no subject).

Profiles are either **fixed** (the given profile versions and the package defaults, chosen by
the incident's date exactly as ``engine.profiles.ProfileBook`` does) or **free** (every state of
the universe may publish any parameters: "is there any profile under which ..."); see
``FixedProfiles`` and ``FreeProfiles``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from cybernorms.analysis.facts import FactSpace
from cybernorms.analysis.universe import Universe
from cybernorms.analysis.values import (
    B3,
    TRUE,
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
from cybernorms.rules import ir
from cybernorms.rules.package import Package, Rule
from cybernorms.rules.types import INT, PROFILE, STATE, ListType, Type

RuleKey = tuple[str, str]


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
    """The given profile versions, else the package defaults, picked by the profile date.

    The profile date is the evaluation date given to the analysis, else the incident's
    ``start_date``; with no date, the highest version applies - as ``ProfileBook.resolve``.
    """

    def __init__(
        self, universe: Universe, profiles: Sequence[Profile], packages: Sequence[Package]
    ) -> None:
        self.universe = universe
        self.defaults = {p.id: p.defaults for p in packages}
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
        """The parameters ``state`` has, each under a condition on the date; the conditions
        exclude each other, in ``ProfileBook.in_force``'s order of preference: no date - the
        highest version; a date - the highest version in force then; else the defaults.

        Exclusive, not merely ordered: ``param`` regroups the alternatives of every state by
        value, so an earlier, broader condition (the defaults) must not shadow a later one.
        """
        versions = self.versions.get(state, [])
        if not versions:
            return [(TRUE, defaults)]
        preferred: list[tuple[Any, ProfileParameters]] = [
            (z3.Not(date.known), versions[-1].parameters)
        ]
        for p in reversed(versions):
            cond = z3.And(date.known, date.v >= p.effective_from.toordinal())
            if p.expires is not None:
                cond = z3.And(cond, date.v < p.expires.toordinal())
            preferred.append((cond, p.parameters))
        preferred.append((TRUE, defaults))
        out: list[tuple[Any, ProfileParameters]] = []
        taken: list[Any] = []
        for cond, params in preferred:
            out.append((z3.And(cond, *[z3.Not(t) for t in taken]), params))
            taken.append(cond)
        return out

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
            assert isinstance(item, Sc)
            out.append(universe.decode(ev(item.v).as_long()))
        return out
    assert isinstance(val, Sc)
    if not z3.is_true(ev(val.known)):
        return None
    n = ev(val.v).as_long()
    return n if tp == INT else universe.decode(n)


Profiles = FixedProfiles | FreeProfiles


# -- expressions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    package: str
    subject: Sc
    variables: Mapping[str, Val]


class Encoder:
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
        assert isinstance(start, Sc)
        self.profile_date: Sc = (
            Sc(TRUE, z3.IntVal(as_of.toordinal())) if as_of is not None else start
        )
        self.as_of = Sc(TRUE, z3.IntVal((as_of or today or dt.date.today()).toordinal()))
        self._outcomes: dict[tuple[RuleKey, int], Outcome4] = {}
        self._subjects: list[Sc] = []  # keeps subjects alive while their ids key the cache

    # -- verdicts ----------------------------------------------------------------------
    def verdicts(self, rule: Rule) -> list[Verdict]:
        """Every verdict the rule may give on one incident (one per subject slot)."""
        ctx = _Ctx(rule.package, UNKNOWN_SCALAR, {})
        subj = self.expr(rule.subject, ctx)
        if isinstance(subj, Sc):
            return [Verdict(TRUE, subj, self.outcome(rule, subj))]
        if not isinstance(subj, Ls):
            raise TranslationError(f"{rule.id}: subject is neither a state nor a list of states")
        out = []
        for i, item in enumerate(subj.items):
            assert isinstance(item, Sc)
            guard = z3.And(subj.known, subj.active(i))
            out.append(Verdict(guard, item, self.outcome(rule, item)))
        none = z3.Or(z3.Not(subj.known), subj.length == 0)
        out.append(Verdict(none, UNKNOWN_SCALAR, self.outcome(rule, UNKNOWN_SCALAR)))
        return out

    def outcome(self, rule: Rule, subject: Sc) -> Outcome4:
        """The rule's outcome for one subject, as ``engine.evaluate._Run.decide`` decides it."""
        key = (rule.key, id(subject))
        found = self._outcomes.get(key)
        if found is not None:
            return found
        self._subjects.append(subject)
        ctx = _Ctx(rule.package, subject, {})
        a = self._bool(rule.applies, ctx)
        a_true, na = a.t, a.f
        if rule.binds == "parties":
            members = [
                self.universe.code(s)
                for s in sorted(self.parties.get(rule.package, frozenset()))
                if self.universe.known(s)
            ]
            outside = z3.And(subject.known, conj(*[subject.v != c for c in members]))
            na = z3.Or(outside, a.f)
            a_true = z3.And(a.t, subject.known)
        v = self._bool(rule.violated, ctx)
        applies = z3.Not(na)
        out = Outcome4(
            na=na,
            nv=z3.And(applies, v.f),
            und=z3.And(
                applies, z3.Not(v.f), z3.Or(z3.Not(v.t), z3.Not(a_true), z3.Not(subject.known))
            ),
            viol=z3.And(applies, v.t, a_true, subject.known),
        )
        self._outcomes[key] = out
        return out

    # -- expressions -------------------------------------------------------------------
    def expr(self, node: ir.Node, ctx: _Ctx) -> Val:
        name = CASES.get(type(node))
        if name is None:
            raise TranslationError(
                f"the SMT back end has no case for {type(node).__name__} ({node.text!r})"
            )
        out: Val = getattr(self, name)(node, ctx)
        return out

    def _bool(self, node: ir.Node, ctx: _Ctx) -> B3:
        out = self.expr(node, ctx)
        if not isinstance(out, B3):
            raise TranslationError(f"{node.text!r} is not a condition")
        return out

    def _str(self, value: str) -> int:
        if not self.universe.known(value):
            raise TranslationError(f"{value!r} is not in the analysis universe")
        return self.universe.code(value)

    def _const(self, node: ir.Const, ctx: _Ctx) -> Val:
        value = node.value
        if isinstance(value, bool):
            return b3_const(value)
        if isinstance(value, int):
            return Sc(TRUE, z3.IntVal(value))
        if isinstance(value, dt.date):
            return Sc(TRUE, z3.IntVal(value.toordinal()))
        return Sc(TRUE, z3.IntVal(self._str(value)))

    def _setlit(self, node: ir.SetLit, ctx: _Ctx) -> Val:
        return SetC(frozenset(v if isinstance(v, int) else self._str(str(v)) for v in node.values))

    def _fact(self, node: ir.FactRef, ctx: _Ctx) -> Val:
        val: Val = self.space.root
        for name in node.path:
            if not isinstance(val, Rec):
                raise TranslationError(f"{node.text!r}: {name} is not a field of a group")
            val = val.fields[name]
        return val

    def _var(self, node: ir.VarRef, ctx: _Ctx) -> Val:
        return ctx.variables[node.name]

    def _field(self, node: ir.FieldOf, ctx: _Ctx) -> Val:
        base = self.expr(node.base, ctx)
        if not isinstance(base, Rec):
            raise TranslationError(f"{node.text!r}: field of a value that is not a record")
        return base.fields[node.name]

    def _subject(self, node: ir.SubjectRef, ctx: _Ctx) -> Val:
        return ctx.subject

    def _as_of(self, node: ir.AsOf, ctx: _Ctx) -> Val:
        return self.as_of

    def _boolop(self, node: ir.BoolOp, ctx: _Ctx) -> Val:
        items = [self._bool(i, ctx) for i in node.items]
        if node.op == "and":
            return B3(z3.And(*[i.t for i in items]), z3.Or(*[i.f for i in items]))
        return B3(z3.Or(*[i.t for i in items]), z3.And(*[i.f for i in items]))

    def _not(self, node: ir.Not, ctx: _Ctx) -> Val:
        item = self._bool(node.item, ctx)
        return B3(item.f, item.t)

    def _compare(self, node: ir.Compare, ctx: _Ctx) -> Val:
        a, b = self.expr(node.left, ctx), self.expr(node.right, ctx)
        if isinstance(a, B3) and isinstance(b, B3):
            if node.op not in ("==", "!="):
                raise TranslationError(f"{node.text!r}: ordering on booleans")
            same = a.t == b.t
            return b3(z3.And(a.known, b.known), same if node.op == "==" else z3.Not(same))
        if not (isinstance(a, Sc) and isinstance(b, Sc)):
            raise TranslationError(f"{node.text!r}: comparison of non-scalar values")
        ops: dict[str, Callable[[Any, Any], Any]] = {
            "==": lambda x, y: x == y,
            "!=": lambda x, y: x != y,
            "<": lambda x, y: x < y,
            "<=": lambda x, y: x <= y,
            ">": lambda x, y: x > y,
            ">=": lambda x, y: x >= y,
        }
        return b3(z3.And(a.known, b.known), ops[node.op](a.v, b.v))

    def _member(self, node: ir.Member, ctx: _Ctx) -> Val:
        item = self.expr(node.item, ctx)
        container = self.expr(node.container, ctx)
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

    def _quantifier(self, node: ir.Quantifier, ctx: _Ctx) -> Val:
        source = self.expr(node.source, ctx)
        if not isinstance(source, Ls):
            raise TranslationError(f"{node.text!r}: quantifier over a value that is not a list")
        preds = []
        for i, el in enumerate(source.items):
            inner = _Ctx(ctx.package, ctx.subject, {**ctx.variables, node.var: el})
            preds.append((source.active(i), self._bool(node.pred, inner)))
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

    def _length(self, node: ir.Length, ctx: _Ctx) -> Val:
        source = self.expr(node.source, ctx)
        if not isinstance(source, Ls):
            raise TranslationError(f"{node.text!r}: count() of a value that is not a list")
        return Sc(source.known, source.length)

    def _profile(self, node: ir.ProfileParam, ctx: _Ctx) -> Val:
        state = self.expr(node.state, ctx)
        if not isinstance(state, Sc) or node.state.type != STATE:
            raise TranslationError(f"{node.text!r}: profile() of a value that is not a state")
        return self.profiles.param(ctx.package, state, node.param, self.profile_date)

    def _breached(self, node: ir.Breached, ctx: _Ctx) -> Val:
        rule = self.table.get((node.package, node.rule))
        if rule is None:
            raise TranslationError(f"breached({node.rule!r}): rule not loaded")
        out = self.outcome(rule, ctx.subject)
        return B3(out.viol, z3.Or(out.na, out.nv))

    def _days_between(self, node: ir.DaysBetween, ctx: _Ctx) -> Val:
        a, b = self.expr(node.start, ctx), self.expr(node.end, ctx)
        if not (isinstance(a, Sc) and isinstance(b, Sc)):
            raise TranslationError(f"{node.text!r}: days_between() of non-dates")
        return Sc(z3.And(a.known, b.known), b.v - a.v)


# Every IR node type and the method translating it; the tests check that no type is missing.
CASES: dict[type[ir.Node], str] = {
    ir.Const: "_const",
    ir.SetLit: "_setlit",
    ir.FactRef: "_fact",
    ir.VarRef: "_var",
    ir.FieldOf: "_field",
    ir.SubjectRef: "_subject",
    ir.AsOf: "_as_of",
    ir.BoolOp: "_boolop",
    ir.Not: "_not",
    ir.Compare: "_compare",
    ir.Member: "_member",
    ir.Quantifier: "_quantifier",
    ir.Length: "_length",
    ir.ProfileParam: "_profile",
    ir.Breached: "_breached",
    ir.DaysBetween: "_days_between",
}
