"""The analyses: dead rules, always-violated and never-decidable rules, conflicts, gaps, and
the incidents on which a national position departs from the package it reads.

Each analysis is a handful of satisfiability queries over one shared fact space (so a
position's reading and the consensus are compared on the *same* incident). A ``sat`` answer
becomes a finding only once its witness incident has been checked by the interpreter; an
``unsat`` answer is a proof within the documented bounds (``facts.BOUND`` slots per list,
``universe.ANONYMOUS_STATES`` unnamed states); an ``unknown`` answer is reported as such.

What the analyses mean (docs/rule-language.md, "Analysis"):

* dead rule: no incident gives a ``violation`` (posture rules are dead by design: info);
* always violated: the rule applies to some incident, and never gives ``no_violation``;
* never decidable: with every fact known, the rule never gives ``violation`` or ``no_violation``;
* conflict: a declared ``relations`` entry broken on one incident for one subject;
* gap: an incident with every fact known that the package ``covers:`` but no rule applies to;
* position diff: a rule whose verdict under a position differs from the consensus verdict.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import z3

from cybernorms.analysis.encode import (
    Encoder,
    FixedProfiles,
    FreeProfiles,
    Profiles,
    RuleKey,
    Verdict,
)
from cybernorms.analysis.facts import BOUND, FactSpace
from cybernorms.analysis.findings import Claim, Finding, Report, Severity
from cybernorms.analysis.solve import Budget, Session, Status
from cybernorms.analysis.universe import build_universe
from cybernorms.analysis.values import Sc, conj, disj, same_subject
from cybernorms.analysis.witness import build_witness
from cybernorms.engine import Evaluator
from cybernorms.engine.profiles import ProfileBook
from cybernorms.engine.reference import Concrete, subject_value
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.verdict import Outcome, Question, word
from cybernorms.rules import ir
from cybernorms.rules.package import Package, Position, Rule
from cybernorms.semantics import lenses
from cybernorms.semantics.nodes import Scope, evaluate

VERBS = {"refines": "refine", "equivalent": "be equivalent to", "excludes": "exclude"}


@dataclass(frozen=True)
class Options:
    bound: int = BOUND
    budget: Budget = field(default_factory=Budget)
    free_profiles: bool = False
    as_of: dt.date | None = None
    minimize: bool = True
    extra_states: tuple[str, ...] = ()


@dataclass
class Lens:
    """A set of rules judged together: one package's consensus, or one position's reading."""

    scope: str
    package: Package
    position: Position | None
    encoder: Encoder
    rules: list[Rule]  # the rules reported under this lens
    basis: Callable[[RuleKey], str]
    changed: frozenset[RuleKey] = frozenset()


class Analysis:
    """Packages, positions and profiles translated once; analyses run as queries."""

    def __init__(
        self,
        packages: Sequence[Package],
        positions: Sequence[Position] = (),
        profiles: Sequence[Profile] = (),
        options: Options | None = None,
    ) -> None:
        self.options = options or Options()
        self.packages = {p.id: p for p in packages}
        self.positions = list(positions)
        self.profile_list = list(profiles)
        self.universe = build_universe(packages, positions, profiles, self.options.extra_states)
        self.space = FactSpace(self.universe, self.options.bound)
        self.profiles: Profiles = (
            FreeProfiles(self.universe, self.options.bound)
            if self.options.free_profiles
            else FixedProfiles(self.universe, profiles, packages)
        )
        self.session = Session(
            lambda: [*self.space.constraints, *self.profiles.constraints], self.options.budget
        )
        self.base_table = {r.key: r for p in packages for r in p.rules}
        # The question of every rule by id (the packages' and those positions add): a claim
        # about a rule reads in its words.
        self.questions = {r.id: r.question for p in packages for r in p.rules}
        self.questions.update((r.id, r.question) for pos in positions for r in pos.added)
        self.parties = {p.id: p.parties for p in packages}
        self.today = dt.date.today()
        self.consensus = self._encoder(self.base_table)
        self._evaluators: dict[str, Evaluator] = {}
        self._verdicts: dict[tuple[int, RuleKey], list[Verdict]] = {}
        # Position lenses by state, built once: ``_verdicts`` is keyed by the id of a lens's
        # encoder, so an encoder must live as long as the analysis (a lens built afresh for
        # each call could get a freed encoder's id, and with it another lens's verdicts).
        self._position_lenses: dict[int, Lens] = {}  # by id(position); each lens keeps its own
        self._witnesses = 0

    def _encoder(self, table: dict[RuleKey, Rule]) -> Encoder:
        return Encoder(
            self.space, table, self.profiles, self.parties, self.options.as_of, self.today
        )

    # -- lenses --------------------------------------------------------------------------
    def package_lens(self, package: Package) -> Lens:
        return Lens(
            package.label,
            package,
            None,
            self.consensus,
            list(package.rules),
            lambda key: self.packages[key[0]].basis,
        )

    def position_lens(self, position: Position) -> Lens:
        found = self._position_lenses.get(id(position))
        if found is None:
            found = self._position_lenses[id(position)] = self._position_lens(position)
        return found

    def _position_lens(self, position: Position) -> Lens:
        package = self.packages[position.package]
        resolved = lenses.resolve(self.base_table, position)
        affected = set(resolved.affected)
        reported = [resolved.table[k] for k in resolved.affected]

        def basis(key: RuleKey) -> str:
            return position.basis if key in affected else self.packages[key[0]].basis

        return Lens(
            f"{package.label} + {position.basis}",
            package,
            position,
            self._encoder(dict(resolved.table)),
            reported,
            basis,
            resolved.changed,
        )

    # -- helpers ---------------------------------------------------------------------------
    def verdicts(self, lens: Lens, rule: Rule) -> list[Verdict]:
        key = (id(lens.encoder), rule.key)
        found = self._verdicts.get(key)
        if found is None:
            found = self._verdicts[key] = lens.encoder.verdicts(rule)
        return found

    def evaluators(self, profiles: Sequence[Profile] | None) -> dict[str, Evaluator]:
        if profiles is not None:  # free profiles: the witness brings its own
            return {"": Evaluator(list(self.packages.values()), profiles, self.positions)}
        if "" not in self._evaluators:
            self._evaluators[""] = Evaluator(
                list(self.packages.values()), self.profile_list, self.positions
            )
        return self._evaluators

    def subject_of(self, model: Any, subject: Sc) -> str | None:
        if not z3.is_true(model.eval(subject.known, model_completion=True)):
            return None
        return self.universe.decode(model.eval(subject.v, model_completion=True).as_long())

    def chosen(
        self, model: Any, verdicts: list[Verdict], cond: Callable[[Verdict], Any]
    ) -> Verdict:
        for v in verdicts:
            if z3.is_true(model.eval(z3.And(v.guard, cond(v)), model_completion=True)):
                return v
        raise AssertionError("the model satisfies no verdict of the query")

    def witness(
        self,
        model: Any,
        claims: Sequence[Claim],
        *,
        minimize: bool | None = None,
        extra: Callable[[Incident], bool] | None = None,
    ) -> tuple[Incident | None, list[Profile]]:
        self._witnesses += 1
        raw = self.space.decode(model)
        profiles = (
            self.profiles.profiles_for(model) if isinstance(self.profiles, FreeProfiles) else None
        )
        incident = build_witness(
            raw,
            self.evaluators(profiles),
            claims,
            self.options.as_of,
            minimize=self.options.minimize if minimize is None else minimize,
            witness_id=f"witness-{self._witnesses}",
            extra=extra,
        )
        return incident, list(profiles or [])

    def query(self, *goal: Any) -> tuple[Status, Any]:
        return self.session.check(*goal)

    def unknown(self, lens: Lens, rules: tuple[str, ...], what: str) -> Finding:
        return Finding(
            "unknown",
            "warning",
            lens.scope,
            rules,
            f"unknown within budget: the solver could not decide {what}",
        )

    def rejected(self, lens: Lens, rules: tuple[str, ...], what: str) -> Finding:
        return Finding(
            "internal",
            "error",
            lens.scope,
            rules,
            f"the interpreter did not confirm the solver's witness for {what}: "
            "a disagreement between the SMT encoding and the engine (please report it)",
        )

    def claimed(
        self,
        lens: Lens,
        kind: str,
        severity: Severity,
        rules: tuple[str, ...],
        message: str,
        model: Any,
        claims: list[Claim],
        *,
        all_known: bool = False,
        extra: Callable[[Incident], bool] | None = None,
    ) -> Finding:
        incident, profiles = self.witness(
            model, claims, minimize=False if all_known else None, extra=extra
        )
        if incident is None:
            return self.rejected(lens, rules, message)
        claims = [replace(c, question=self.questions.get(c.rule, c.question)) for c in claims]
        return Finding(
            kind,
            severity,
            lens.scope,
            rules,
            message,
            "witness",
            incident,
            tuple(claims),
            profiles,
        )

    # -- analyses ------------------------------------------------------------------------
    def rule_checks(self, lens: Lens) -> list[Finding]:
        out: list[Finding] = []
        for rule in lens.rules:
            out += self._rule(lens, rule)
        return out

    def _rule(self, lens: Lens, rule: Rule) -> list[Finding]:
        if rule.reason is not None and rule.key in lens.changed:
            # A position's no_rule or holds_open: the state says what the rule's verdicts
            # are (not_applicable / undetermined, with the reason); that it is never violated
            # is its word, not a fault. ``position_diff`` lists it as a departure.
            return []
        vs = self.verdicts(lens, rule)
        basis = lens.basis(rule.key)
        rid = (rule.id,)

        def exists(cond: Callable[[Verdict], Any]) -> Any:
            return disj(*[z3.And(v.guard, cond(v)) for v in vs])

        def claim(model: Any, cond: Callable[[Verdict], Any], outcome: str) -> Claim:
            v = self.chosen(model, vs, cond)
            return Claim(basis, rule.id, self.subject_of(model, v.subject), outcome)

        applies = exists(lambda v: z3.Not(v.outcome.na))
        if rule.scope == "posture":
            status, model = self.query(applies)
            if status == "unknown":
                return [self.unknown(lens, rid, "whether the posture rule applies")]
            if status == "sat":
                c = claim(model, lambda v: z3.Not(v.outcome.na), "")
                outcome = next(
                    o
                    for o in ("no_violation", "undetermined", "violation")
                    if z3.is_true(model.eval(self._of(vs, c, o), model_completion=True))
                )
                c = Claim(c.basis, c.rule, c.subject, outcome)
                return [
                    self.claimed(
                        lens,
                        "posture_applies",
                        "error",
                        rid,
                        f"{rule.id} is a posture rule but applies to an incident",
                        model,
                        [c],
                    )
                ]
            return [
                Finding(
                    "posture",
                    "info",
                    lens.scope,
                    rid,
                    f"{rule.id} judges state practice: not applicable to any incident "
                    "(as declared)",
                    "unsat",
                )
            ]
        out: list[Finding] = []
        status, viol_model = self.query(exists(lambda v: v.outcome.viol))
        if status == "unknown":
            return [self.unknown(lens, rid, "whether the rule can be violated")]
        deliberate = rule.key in lens.changed or self._reads_a_stance(lens, rule)
        if status == "unsat":
            a_status, _ = self.query(applies)
            severity: Severity = "warning" if deliberate else "error"
            why = " (the position's own reading)" if deliberate else ""
            if a_status == "unsat":
                return [
                    Finding(
                        "dead_rule",
                        severity,
                        lens.scope,
                        rid,
                        f"{rule.id} never applies: applies_when is false on every incident{why}",
                        "unsat",
                    )
                ]
            out.append(
                Finding(
                    "dead_rule",
                    severity,
                    lens.scope,
                    rid,
                    f"{rule.id} is never violated: applies_when and violated_when cannot both "
                    f"hold{why}",
                    "unsat",
                )
            )
        else:
            status, _ = self.query(exists(lambda v: v.outcome.nv))
            if status == "unknown":
                out.append(self.unknown(lens, rid, "whether the rule can be satisfied"))
            elif status == "unsat":
                c = claim(viol_model, lambda v: v.outcome.viol, "violation")
                out.append(
                    self.claimed(
                        lens,
                        "always_violated",
                        "warning",
                        rid,
                        f"{rule.id} is violated whenever it applies: no incident gives "
                        "no_violation (the witness shows a violation)",
                        viol_model,
                        [c],
                    )
                )
        known = conj(*self.space.all_known)
        status, _ = self.query(known, exists(lambda v: z3.Or(v.outcome.viol, v.outcome.nv)))
        if status == "unknown":
            out.append(self.unknown(lens, rid, "whether the rule is decidable"))
        elif status == "unsat":
            u_status, u_model = self.query(known, exists(lambda v: v.outcome.und))
            if u_status == "sat":
                c = claim(u_model, lambda v: v.outcome.und, "undetermined")
                out.append(
                    self.claimed(
                        lens,
                        "never_decidable",
                        "error",
                        rid,
                        f"{rule.id} stays undetermined even with every fact known",
                        u_model,
                        [c],
                        all_known=True,
                    )
                )
            elif u_status == "unknown":
                out.append(self.unknown(lens, rid, "whether the rule is decidable"))
        return out

    def _of(self, vs: list[Verdict], c: Claim, outcome: str) -> Any:
        return disj(*[z3.And(v.guard, v.outcome.of(outcome)) for v in vs])

    def conflicts(self, lens: Lens) -> list[Finding]:
        out: list[Finding] = []
        table = lens.encoder.table
        reported = {r.key for r in lens.rules}
        own = [table[r.key] for r in lens.package.rules]
        own += list(lens.position.added) if lens.position is not None else []
        for rule in own:
            for rel in rule.relations:
                other = table.get((rel.package, rel.rule))
                names = (rule.id, rel.rule)
                if other is None:
                    out.append(
                        Finding(
                            "relation",
                            "error",
                            lens.scope,
                            names,
                            f"{rule.id} declares a relation to {rel.package}:{rel.rule}, "
                            "which is not loaded",
                        )
                    )
                    continue
                if lens.position is not None and not ({rule.key, other.key} & reported):
                    continue  # judged the same as under the consensus: reported there
                out += self._relation(lens, rule, other, rel.kind)
        return out

    def _relation(self, lens: Lens, a: Rule, b: Rule, kind: str) -> list[Finding]:
        va, vb = self.verdicts(lens, a), self.verdicts(lens, b)
        pairs: list[tuple[str, str, str]] = {
            "refines": [("violation", "no_violation", "a violation of {a} is no violation of {b}")],
            "equivalent": [
                ("violation", "no_violation", "{a} finds a violation, {b} none"),
                ("no_violation", "violation", "{b} finds a violation, {a} none"),
            ],
            "excludes": [("violation", "violation", "{a} and {b} are both violated")],
        }[kind]
        out: list[Finding] = []
        for oa, ob, text in pairs:
            goal = disj(
                *[
                    z3.And(
                        x.guard,
                        y.guard,
                        same_subject(x.subject, y.subject),
                        x.outcome.of(oa),
                        y.outcome.of(ob),
                    )
                    for x in va
                    for y in vb
                ]
            )
            status, model = self.query(goal)
            what = f"{a.id} {kind} {b.id}"
            if status == "unknown":
                out.append(self.unknown(lens, (a.id, b.id), what))
                continue
            if status == "unsat":
                continue
            x, _ = next(
                (x, y)
                for x in va
                for y in vb
                if z3.is_true(
                    model.eval(
                        z3.And(
                            x.guard,
                            y.guard,
                            same_subject(x.subject, y.subject),
                            x.outcome.of(oa),
                            y.outcome.of(ob),
                        ),
                        model_completion=True,
                    )
                )
            )
            subject = self.subject_of(model, x.subject)
            claims = [
                Claim(lens.basis(a.key), a.id, subject, oa),
                Claim(lens.basis(b.key), b.id, subject, ob),
            ]
            message = (
                f"conflict: {a.id} is declared to {VERBS[kind]} {b.id}, but "
                + text.format(a=a.id, b=b.id)
                + f" for {subject or 'an unknown state'}"
            )
            out.append(
                self.claimed(lens, "conflict", "error", (a.id, b.id), message, model, claims)
            )
        return out

    def gaps(self, lens: Lens) -> list[Finding]:
        covers = lens.package.covers
        if covers is None:
            return []
        cov = lens.encoder.condition(covers, lens.package.id)
        rules = [lens.encoder.table[r.key] for r in lens.package.rules]
        all_na = []
        for rule in rules:
            for v in self.verdicts(lens, rule):
                all_na.append(z3.Implies(v.guard, v.outcome.na))
        status, model = self.query(conj(*self.space.all_known), cov.t, *all_na)
        ids = tuple(r.id for r in rules)
        if status == "unknown":
            return [self.unknown(lens, ids, "whether the package has a gap")]
        if status == "unsat":
            return []
        claims = []
        for rule in rules:
            for v in self.verdicts(lens, rule):
                if z3.is_true(model.eval(v.guard, model_completion=True)):
                    claims.append(
                        Claim(
                            lens.basis(rule.key),
                            rule.id,
                            self.subject_of(model, v.subject),
                            "not_applicable",
                        )
                    )
        check_covers = self._covers_check(lens.package, covers)
        return [
            self.claimed(
                lens,
                "gap",
                "error",
                (),
                f"gap: an incident {lens.package.id} covers "
                f"({covers.text}) to which none of its rules applies",
                model,
                claims,
                all_known=True,
                extra=check_covers,
            )
        ]

    def _covers_check(self, package: Package, covers: ir.Node) -> Callable[[Incident], bool]:
        """The reference interpreter's value of ``covers:`` on a witness (it must be true)."""
        book = ProfileBook(self.profile_list)
        as_of = self.options.as_of

        def check(incident: Incident) -> bool:
            on = as_of or incident.start_date
            resolvers = {package.id: lambda s: book.resolve(s, on, package.defaults, False)}
            alg = Concrete(incident, as_of or self.today, resolvers, {}, {})
            scope = Scope(subject_value(None, "subject"), package.id)
            return evaluate(alg, covers, scope)[1] is True

        return check

    def _reads_a_stance(self, lens: Lens, rule: Rule) -> bool:
        """The rule reads (through ``breached``) a rule the position holds open or says does
        not exist: what it can decide then follows from the state's own word."""
        if lens.position is None:
            return False
        stated = {r.key for r in lens.position.overrides.values() if r.reason is not None}
        return bool((ir.references(rule.applies) | ir.references(rule.violated)) & stated)

    def position_diff(self, lens: Lens) -> list[Finding]:
        out: list[Finding] = []
        assert lens.position is not None  # noqa: S101 - invariant that narrows a type, never input checking
        for rule in lens.rules:
            base = self.base_table.get(rule.key)
            if base is None:
                continue
            mine = self.verdicts(lens, rule)
            theirs = self.verdicts(self.package_lens(self.packages[rule.package]), base)
            cons_basis = self.packages[rule.package].basis
            # In the rule's question's words: a violation, or "attributable" / "permitted".
            yes = (
                "a violation"
                if rule.question == Question.BREACH
                else f"'{word(rule.question, Outcome.VIOLATION)}'"
            )
            stated = (
                f"holds the question open in part ({rule.reason})"
                if rule.held_open_in_part
                else f"reads no such rule ({rule.reason})"
                if rule.reason is not None and not rule.held_open
                else f"holds the question open ({rule.reason})"
                if rule.held_open
                else f"does not find {yes}"
            )
            # (position, package) outcome pairs that make a departure. A rule held open in
            # part departs also where the package decides no_violation and the state keeps
            # the case open: that is the whole point of its ``open_when``.
            # The last item: whether the witness must show the case held open itself.
            pairs: list[tuple[Callable[[Verdict], Any], Callable[[Verdict], Any], str, bool]] = [
                (
                    lambda v: v.outcome.viol,
                    lambda v: z3.Not(v.outcome.viol),
                    f"finds {yes} where the package does not",
                    False,
                ),
                (
                    lambda v: z3.Not(v.outcome.viol),
                    lambda v: v.outcome.viol,
                    f"{stated} where the package finds {yes}",
                    False,
                ),
            ]
            if rule.open_when is not None:
                # The witness shows the case held open itself (open_when true on known facts),
                # not an incident undetermined for want of a fact.
                open_case = dataclasses.replace(
                    rule, id=f"{rule.id}#open_when", violated=rule.open_when, open_when=None
                )
                pairs.append(
                    (
                        self._in_open_case(lens, open_case),
                        lambda v: v.outcome.of("no_violation"),
                        f"{stated} where the package does not find {yes}",
                        True,
                    )
                )
            for mine_is, theirs_is, label, held in pairs:
                goal = disj(
                    *[
                        z3.And(x.guard, mine_is(x), theirs_is(y))
                        for x, y in zip(mine, theirs, strict=True)
                    ]
                )
                status, model = self.query(goal)
                if status == "unknown":
                    out.append(self.unknown(lens, (rule.id,), f"the position diff of {rule.id}"))
                    continue
                if status == "unsat":
                    continue
                claims = []
                for x, y in zip(mine, theirs, strict=True):
                    if z3.is_true(model.eval(x.guard, model_completion=True)):
                        subject = self.subject_of(model, x.subject)
                        claims = [
                            Claim(lens.basis(rule.key), rule.id, subject, self._outcome(model, x)),
                            Claim(cons_basis, rule.id, subject, self._outcome(model, y)),
                        ]
                        if claims[0].outcome != claims[1].outcome:
                            break
                out.append(
                    self.claimed(
                        lens,
                        "position_diff",
                        "info",
                        (rule.id,),
                        f"{lens.position.basis} {label} on {rule.id}",
                        model,
                        claims,
                        extra=self._held_open_case(claims[0], rule) if held else None,
                    )
                )
        return out

    @staticmethod
    def _in_open_case(lens: Lens, open_case: Rule) -> Callable[[Verdict], Any]:
        """The position's verdict is undetermined and its open case holds (on known facts)."""

        def held(v: Verdict) -> Any:
            return z3.And(
                v.outcome.of("undetermined"), lens.encoder.outcome(open_case, v.subject).viol
            )

        return held

    def _held_open_case(self, claim: Claim, rule: Rule) -> Callable[[Incident], bool]:
        """A witness of a case held open shows the open question itself: the position's
        verdict carries the reason with nothing missing (minimising the witness must not turn
        it into an incident undetermined for want of a fact)."""
        engine = self.evaluators(None)[""]

        def check(incident: Incident) -> bool:
            return any(
                v.basis == claim.basis
                and v.rule == claim.rule
                and v.subject == claim.subject
                and v.reason == rule.reason
                and not v.missing
                for v in engine.verdicts(incident, self.options.as_of)
            )

        return check

    def _outcome(self, model: Any, v: Verdict) -> str:
        for name in ("not_applicable", "no_violation", "undetermined", "violation"):
            if z3.is_true(model.eval(v.outcome.of(name), model_completion=True)):
                return name
        raise AssertionError("no outcome holds")

    # -- all together ------------------------------------------------------------------------
    def lenses(self, targets: Sequence[str] = ()) -> list[Lens]:
        """The packages (by id) and positions (by ISO3) named, or all of them."""
        out: list[Lens] = []
        wanted = {t.lower() for t in targets}
        for p in self.packages.values():
            if not targets or p.id in wanted:
                out.append(self.package_lens(p))
        for pos in self.positions:
            if not targets or pos.state.lower() in wanted:
                out.append(self.position_lens(pos))
        return out

    def run(self, targets: Sequence[str] = ()) -> Report:
        started = time.perf_counter()
        calls = self.session.calls
        report = Report()
        for lens in self.lenses(targets):
            report.findings += self.rule_checks(lens)
            report.findings += self.conflicts(lens)
            report.findings += self.gaps(lens)
            if lens.position is not None:
                report.findings += self.position_diff(lens)
        report.solver_calls = self.session.calls - calls
        report.seconds = time.perf_counter() - started
        return report


def analyze(
    packages: Sequence[Package],
    positions: Sequence[Position] = (),
    profiles: Sequence[Profile] = (),
    targets: Sequence[str] = (),
    options: Options | None = None,
) -> Report:
    """Every analysis on the named packages and positions (all when none is named)."""
    return Analysis(packages, positions, profiles, options).run(targets)
