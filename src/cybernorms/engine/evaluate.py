"""Evaluation: facts in, one verdict per (rule, subject) out.

``Evaluator`` compiles the packages once - tracing closures and generated fast functions - and
then evaluates any number of incidents. ``evaluate()`` is the one-call convenience.

Two ways to run:

* ``Evaluator.verdicts(incident)``: full verdicts with ``missing`` and a trace tree (generated
  tracing code, ``engine.tracegen``; ``Evaluator(..., reference=True)`` runs the tracing
  interpreter instead, which the property tests compare it with).
* ``Evaluator.outcomes(incident)``: outcome codes only (the generated code) for bulk work;
  traces are built on demand by calling ``verdicts`` for the incidents a person looks at.

Positions are lenses: a position replaces some criteria of one package; the replaced rules,
rules it adds, and every rule that depends on them through ``breached`` are evaluated again
under the lens and reported with ``basis: position:ISO3``. Consensus verdicts are always
reported beside them, never replaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from cybernorms.engine.codegen import FastRule, compile_rules
from cybernorms.engine.interpret import EMPTY, Env, Eval, compile_node
from cybernorms.engine.profiles import ProfileBook
from cybernorms.engine.tracegen import Trace, compile_traced
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile, ProfileParameters
from cybernorms.model.verdict import JsonCache, Outcome, RawTrace, Verdict
from cybernorms.rules import ir
from cybernorms.rules.package import Package, Position, Rule

RuleKey = tuple[str, str]


@dataclass(frozen=True, eq=False)
class _Compiled:
    rule: Rule
    applies: Eval
    violated: Eval


@dataclass(frozen=True, eq=False)
class _Lens:
    """A set of rules evaluated together: consensus, or one position's reading."""

    basis: str | None  # None: each package's own basis
    table: Mapping[RuleKey, _Compiled]
    report: tuple[RuleKey, ...]
    fast: Mapping[RuleKey, FastRule]
    traced: Mapping[RuleKey, Trace]


class Evaluator:
    """Packages, profiles and positions compiled once, for many incidents."""

    def __init__(
        self,
        packages: Sequence[Package],
        profiles: Iterable[Profile] = (),
        positions: Sequence[Position] = (),
        *,
        reference: bool = False,
        json_traces: bool = True,
    ) -> None:
        """``reference``: trace with the interpreter (``engine.interpret``), the readable
        definition of the semantics, instead of the generated tracing code; the output is the
        same, only slower (the property tests check it).

        ``json_traces``: the generated tracing code writes each trace's JSON while it
        evaluates (``Verdict.to_json`` then only hands it out); False for callers that never
        ask for JSON (it is then converted from the tuples on demand)."""
        self.reference = reference
        self.json_traces = json_traces
        self.packages = {p.id: p for p in packages}
        self.book = profiles if isinstance(profiles, ProfileBook) else ProfileBook(profiles)
        self._parties = {p.id: p.parties for p in packages}
        base = {r.key: _compile(r) for p in packages for r in p.rules}
        rules = [c.rule for c in base.values()]
        self._lenses = [
            _Lens(
                None,
                base,
                tuple(base),
                compile_rules(rules, self._parties),
                compile_traced(rules, self._parties, with_json=json_traces),
            )
        ]
        for position in positions:
            self._lenses.append(self._lens(position, base))
        self._today = dt.date.today()
        self._traced_resolvers: dict[
            dt.date | None, dict[str, Callable[[str], tuple[ProfileParameters, str]]]
        ] = {}
        self._fast_resolvers: dict[
            dt.date | None, dict[str, Callable[[str], ProfileParameters]]
        ] = {}
        # Per lens, per reported rule, everything verdicts() needs that no incident changes.
        self._traced = [
            (
                lens,
                [
                    (
                        lens.table[key],
                        lens.traced[key],
                        key[1],
                        self.packages[key[0]].label,
                        lens.basis or self.packages[key[0]].basis,
                        lens.fast[key].subjects,
                        lens.table[key].rule.subject.text,
                    )
                    for key in lens.report
                ],
            )
            for lens in self._lenses
        ]
        self._fast = [
            (lens.basis or self.packages[key[0]].basis, key[1], fast.decide, fast.subjects)
            for lens in self._lenses
            for key in lens.report
            for fast in (lens.fast[key],)
        ]

    def _lens(self, position: Position, base: Mapping[RuleKey, _Compiled]) -> _Lens:
        if position.package not in self.packages:
            raise ValueError(
                f"position {position.state} reads package {position.package!r}, which is not loaded"
            )
        table = dict(base)
        changed: set[RuleKey] = set()
        for rule in (*position.overrides.values(), *position.added):
            table[rule.key] = _compile(rule)
            changed.add(rule.key)
        # Rules that reach a changed rule through breached() judge differently under the lens.
        deps = {
            k: ir.references(c.rule.applies) | ir.references(c.rule.violated)
            for k, c in table.items()
        }
        affected = set(changed)
        grew = True
        while grew:
            grew = False
            for key, refs in deps.items():
                if key not in affected and refs & affected:
                    affected.add(key)
                    grew = True
        report = tuple(k for k in table if k in affected)
        rules = [c.rule for c in table.values()]
        fast = compile_rules(rules, self._parties)
        traced = compile_traced(rules, self._parties, with_json=self.json_traces)
        return _Lens(position.basis, table, report, fast, traced)

    # -- profile resolution --------------------------------------------------------------
    def _resolvers(
        self, on: dt.date | None
    ) -> dict[str, Callable[[str], tuple[ProfileParameters, str]]]:
        book = self.book

        def resolver(defaults: ProfileParameters) -> Callable[[str], tuple[ProfileParameters, str]]:
            # Remembered per state: a traced verdict asks once per target, and the book would
            # build the same label string every time. The book never changes after __init__.
            known: dict[str, tuple[ProfileParameters, str]] = {}

            def resolve(state: str) -> tuple[ProfileParameters, str]:
                found = known.get(state)
                if found is None:
                    found = known[state] = book.resolve(state, on, defaults)
                return found

            return resolve

        return {pid: resolver(p.defaults) for pid, p in self.packages.items()}

    # -- verdicts with traces ------------------------------------------------------------
    def verdicts(self, incident: Incident, as_of: dt.date | None = None) -> list[Verdict]:
        """Every verdict for one incident, with ``missing`` and the reasoning trace."""
        on = as_of or incident.start_date
        today = as_of or self._today
        resolvers = self._traced_resolvers.get(on)
        if resolvers is None:
            resolvers = self._traced_resolvers[on] = self._resolvers(on)
        fast_profs = self._fast_resolvers.get(on)
        if fast_profs is None:
            book = self.book
            fast_profs = {
                pid: _params_only(book, on, p.defaults) for pid, p in self.packages.items()
            }
            self._fast_resolvers[on] = fast_profs
        out: list[Verdict] = []
        append = out.append
        incident_id = incident.id
        # Fact objects (targets, requests) are converted to JSON once for all of this
        # incident's verdicts (model.verdict.json_value).
        cache: JsonCache = {}
        json_trace = None
        reference = self.reference
        for lens, plan in self._traced:
            decide = _Run(self, incident, today, on, resolvers, lens).decide if reference else None
            for compiled, trace_fn, rule_id, label, basis, subjects_of, subject_path in plan:
                value = subjects_of(incident, fast_profs, today)
                if value.__class__ is str:
                    subjects: list[str | None] | tuple[str] = (value,)
                else:
                    subjects = sorted(set(value)) if value else [None]
                for subject in subjects:
                    read: set[str] = set()
                    if decide is None:
                        outcome, missing, trace, json_trace = trace_fn(
                            incident, subject, subject_path, read, today, resolvers, cache
                        )
                    else:
                        outcome, missing, trace = decide(compiled, subject, read, None)
                    append(
                        Verdict(
                            incident_id,
                            label,
                            rule_id,
                            subject,
                            basis,
                            outcome,
                            _ordered(missing),
                            _ordered(read),
                            trace,
                            json_trace,
                        )
                    )
        return out

    # -- outcome codes only --------------------------------------------------------------
    def outcomes(
        self, incident: Incident, as_of: dt.date | None = None
    ) -> list[tuple[str, str, str | None, int]]:
        """(basis, rule id, subject, outcome code) for every verdict, without traces.

        The hot loop of bulk evaluation: everything that does not depend on the incident
        (the flat list of rules, the profile resolvers for a date) is prepared once.
        """
        on = as_of or incident.start_date
        today = as_of or self._today
        profs = self._fast_resolvers.get(on)
        if profs is None:
            book = self.book
            profs = {pid: _params_only(book, on, p.defaults) for pid, p in self.packages.items()}
            self._fast_resolvers[on] = profs
        out: list[tuple[str, str, str | None, int]] = []
        append = out.append
        for basis, rule_id, decide, subjects in self._fast:
            value = subjects(incident, profs, today)
            if value.__class__ is str:
                append((basis, rule_id, value, decide(incident, value, profs, today)))
            elif not value:  # unknown (None) or a known empty list: one verdict, no subject
                append((basis, rule_id, None, decide(incident, None, profs, today)))
            else:
                for subject in sorted(set(value)):
                    append((basis, rule_id, subject, decide(incident, subject, profs, today)))
        return out


class _Run:
    """One incident under one lens: what every rule evaluation of it shares."""

    __slots__ = ("evaluator", "incident", "lens", "on", "resolvers", "today")

    def __init__(
        self,
        evaluator: Evaluator,
        incident: Incident,
        today: dt.date,
        on: dt.date | None,
        resolvers: Mapping[str, Callable[[str], tuple[ProfileParameters, str]]],
        lens: _Lens,
    ) -> None:
        self.evaluator = evaluator
        self.incident = incident
        self.today = today
        self.on = on
        self.resolvers = resolvers
        self.lens = lens

    def breached(self, key: RuleKey, outer: Env) -> RawTrace:
        """``breached(rule)``: the rule's decision for the caller's subject, as a trace node."""
        inner = self.lens.table[key]
        outcome, missing, trace = self.decide(
            inner, outer.subject, outer.profiles_read, outer.subject_path
        )
        value = {Outcome.VIOLATION: True, Outcome.UNDETERMINED: None}.get(outcome, False)
        label = f"{key[1]}: {outcome.label}"
        return (label, value, frozenset(missing) if value is None else EMPTY, *trace[3:])

    def decide(
        self,
        compiled: _Compiled,
        subject: str | None,
        read: set[str],
        subject_path: str | None,
    ) -> tuple[Outcome, frozenset[str], RawTrace]:
        """One rule for one subject. ``subject_path`` names the subject's fact when the rule
        is reached through ``breached`` from a rule whose subject is another fact."""
        rule = compiled.rule
        env = Env(
            incident=self.incident,
            subject=subject,
            subject_path=subject_path or rule.subject.text,
            as_of=self.today,
            profile_date=self.on,
            resolve_profile=self.resolvers[rule.package],
            breached=self.breached,
            profiles_read=read,
        )
        a = compiled.applies(env)
        a_value, a_missing = a[1], a[2]
        if rule.binds == "parties":
            parties = self.evaluator._parties.get(rule.package, frozenset())
            if subject is not None and subject not in parties:
                node = (
                    f"{subject} is not a party to {rule.package}",
                    False,
                    EMPTY,
                    (a,),
                    None,
                    None,
                    None,
                    None,
                )
                return Outcome.NOT_APPLICABLE, EMPTY, _root(rule, False, EMPTY, (node,))
            if subject is None and a_value is True:
                a_value, a_missing = None, frozenset((env.subject_path,))
        if a_value is False:
            return Outcome.NOT_APPLICABLE, EMPTY, _root(rule, False, EMPTY, (a,))
        v = compiled.violated(env)
        v_value = v[1]
        if v_value is False:
            return Outcome.NO_VIOLATION, EMPTY, _root(rule, False, EMPTY, (a, v))
        if v_value is None or a_value is None:
            missing = (v[2] if v_value is None else EMPTY) | (
                a_missing if a_value is None else EMPTY
            )
            return Outcome.UNDETERMINED, missing, _root(rule, None, missing, (a, v))
        if subject is None:
            missing = frozenset((env.subject_path,))
            return Outcome.UNDETERMINED, missing, _root(rule, None, missing, (a, v))
        return Outcome.VIOLATION, EMPTY, _root(rule, True, EMPTY, (a, v))


def _ordered(names: AbstractSet[str]) -> tuple[str, ...]:
    """A set of fact paths or profile labels in stable order; most have none or one."""
    if not names:
        return ()
    if len(names) == 1:
        return tuple(names)
    return tuple(sorted(names))


def _params_only(
    book: ProfileBook, on: dt.date | None, defaults: ProfileParameters
) -> Callable[[str], ProfileParameters]:
    return lambda state: book.resolve(state, on, defaults)[0]


def _root(
    rule: Rule, value: bool | None, missing: frozenset[str], children: tuple[RawTrace, ...]
) -> RawTrace:
    """The top of a verdict's trace: ``applies_when`` and ``violated_when`` as its children."""
    if len(children) == 2:
        a, v = children
        labelled: tuple[RawTrace, ...] = (
            (a[0], a[1], a[2], a[3], a[4], a[5], a[6], "applies_when"),
            (v[0], v[1], v[2], v[3], v[4], v[5], v[6], "violated_when"),
        )
    else:
        a = children[0]
        labelled = ((a[0], a[1], a[2], a[3], a[4], a[5], a[6], "applies_when"),)
    return (rule.root_text, value, missing, labelled, None, None, None, None)


def _compile(rule: Rule) -> _Compiled:
    return _Compiled(rule, compile_node(rule.applies), compile_node(rule.violated))


def evaluate(
    incident: Incident,
    packages: Sequence[Package],
    profiles: Iterable[Profile] = (),
    positions: Sequence[Position] = (),
    as_of: dt.date | None = None,
) -> list[Verdict]:
    """Evaluate one incident (compiles the packages: use ``Evaluator`` for many incidents)."""
    return Evaluator(packages, profiles, positions).verdicts(incident, as_of)
