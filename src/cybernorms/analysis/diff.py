"""Equivalence and refinement between two versions of a package (``cybernorms diff OLD NEW``).

What a forum needs before it adopts an amendment: for every rule, does the new criterion find
a violation on exactly the same incidents (equivalent), on more (stricter: it condemns conduct
the old text did not), on fewer (looser), or on some more and some fewer (incomparable)? When
the violations are the same but another outcome moved (a rule that now applies where it did
not), the rule is ``reclassified``. Each difference comes with a witness incident, checked
against both versions by the interpreter. Both versions are encoded over one fact space, so a
witness is one incident judged by both.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from cybernorms.analysis.checks import Options
from cybernorms.analysis.encode import Encoder, FixedProfiles, Verdict
from cybernorms.analysis.facts import FactSpace
from cybernorms.analysis.findings import Claim, Finding
from cybernorms.analysis.solve import Session
from cybernorms.analysis.universe import build_universe
from cybernorms.analysis.values import disj, same_subject
from cybernorms.analysis.witness import build_witness
from cybernorms.engine import Evaluator
from cybernorms.model.profile import Profile
from cybernorms.rules.package import Package

OUTCOMES = ("not_applicable", "no_violation", "undetermined", "violation")


@dataclass
class RuleDiff:
    rule: str
    status: str  # equivalent | stricter | looser | incomparable | reclassified | added | removed
    findings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": self.status,
            "witnesses": [f.to_json() for f in self.findings],
        }


@dataclass
class DiffReport:
    old: str
    new: str
    rules: list[RuleDiff] = field(default_factory=list)
    solver_calls: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "rules": [r.to_json() for r in self.rules],
            "solver_calls": self.solver_calls,
            "seconds": round(self.seconds, 3),
        }


def _outcome(model: Any, v: Verdict) -> str:
    for name in OUTCOMES:
        if z3.is_true(model.eval(v.outcome.of(name), model_completion=True)):
            return name
    raise AssertionError("no outcome holds")


def diff_packages(
    old: Package,
    new: Package,
    others: Sequence[Package] = (),
    profiles: Sequence[Profile] = (),
    options: Options | None = None,
) -> DiffReport:
    """Compare every rule of two versions of one package (``others``: packages they require)."""
    opts = options or Options()
    started = time.perf_counter()
    universe = build_universe([old, new, *others], (), profiles, opts.extra_states)
    space = FactSpace(universe, opts.bound)
    # Profiles are fixed here (free profiles would compare the versions under different
    # parameters, which is not the question an amendment asks).
    old_profiles = FixedProfiles(universe, profiles, [*others, old])
    new_profiles = FixedProfiles(universe, profiles, [*others, new])
    session = Session(
        lambda: [*space.constraints, *old_profiles.constraints, *new_profiles.constraints],
        opts.budget,
    )
    today = dt.date.today()
    base = {r.key: r for p in others for r in p.rules}
    parties_old = {p.id: p.parties for p in [*others, old]}
    parties_new = {p.id: p.parties for p in [*others, new]}
    enc_old = Encoder(
        space, base | {r.key: r for r in old.rules}, old_profiles, parties_old, opts.as_of, today
    )
    enc_new = Encoder(
        space, base | {r.key: r for r in new.rules}, new_profiles, parties_new, opts.as_of, today
    )
    evaluators = {
        "old": Evaluator([*others, old], profiles),
        "new": Evaluator([*others, new], profiles),
    }
    report = DiffReport(old.label, new.label)
    old_ids = {r.id for r in old.rules}
    new_ids = {r.id for r in new.rules}
    count = 0
    for rule in new.rules:
        if rule.id not in old_ids:
            report.rules.append(RuleDiff(rule.id, "added"))
            continue
        before = old.rule(rule.id)
        vo, vn = enc_old.verdicts(before), enc_new.verdicts(rule)
        pairs = [(x, y) for x in vo for y in vn]

        looser_goal = disj(
            *[
                z3.And(
                    x.guard,
                    y.guard,
                    same_subject(x.subject, y.subject),
                    x.outcome.viol,
                    z3.Not(y.outcome.viol),
                )
                for x, y in pairs
            ]
        )
        stricter_goal = disj(
            *[
                z3.And(
                    x.guard,
                    y.guard,
                    same_subject(x.subject, y.subject),
                    z3.Not(x.outcome.viol),
                    y.outcome.viol,
                )
                for x, y in pairs
            ]
        )
        moved_goal = disj(
            *[
                z3.And(
                    x.guard,
                    y.guard,
                    same_subject(x.subject, y.subject),
                    z3.Or(*[z3.And(x.outcome.of(o), z3.Not(y.outcome.of(o))) for o in OUTCOMES]),
                )
                for x, y in pairs
            ]
        )
        entry = RuleDiff(rule.id, "equivalent")
        found: dict[str, bool] = {}
        unknown = False
        for name, g, text in (
            ("looser", looser_goal, "the old version finds a violation the new one does not"),
            ("stricter", stricter_goal, "the new version finds a violation the old one did not"),
        ):
            status, model = session.check(g)
            if status == "unknown":
                unknown = True
                continue
            found[name] = status == "sat"
            if status == "sat":
                count += 1
                entry.findings.append(
                    _witness(
                        model,
                        pairs,
                        space,
                        evaluators,
                        rule.id,
                        text,
                        report,
                        count,
                        opts,
                        g_kind=name,
                    )
                )
        if unknown:
            entry.status = "unknown within budget"
        elif found.get("looser") and found.get("stricter"):
            entry.status = "incomparable"
        elif found.get("looser"):
            entry.status = "looser"
        elif found.get("stricter"):
            entry.status = "stricter"
        else:
            status, model = session.check(moved_goal)
            if status == "unknown":
                entry.status = "unknown within budget"
            elif status == "sat":
                count += 1
                entry.status = "reclassified"
                entry.findings.append(
                    _witness(
                        model,
                        pairs,
                        space,
                        evaluators,
                        rule.id,
                        "same violations, but another outcome changed",
                        report,
                        count,
                        opts,
                        g_kind="reclassified",
                    )
                )
        report.rules.append(entry)
    for rule in old.rules:
        if rule.id not in new_ids:
            report.rules.append(RuleDiff(rule.id, "removed"))
    report.solver_calls = session.calls
    report.seconds = time.perf_counter() - started
    return report


def _witness(
    model: Any,
    pairs: list[tuple[Verdict, Verdict]],
    space: FactSpace,
    evaluators: dict[str, Evaluator],
    rule_id: str,
    text: str,
    report: DiffReport,
    n: int,
    opts: Options,
    g_kind: str,
) -> Finding:
    claims: list[Claim] = []
    for x, y in pairs:
        holds = z3.And(x.guard, y.guard, same_subject(x.subject, y.subject))
        if not z3.is_true(model.eval(holds, model_completion=True)):
            continue
        o_old, o_new = _outcome(model, x), _outcome(model, y)
        if o_old == o_new:
            continue
        if g_kind == "looser" and not (o_old == "violation" and o_new != "violation"):
            continue
        if g_kind == "stricter" and not (o_new == "violation" and o_old != "violation"):
            continue
        known = z3.is_true(model.eval(x.subject.known, model_completion=True))
        subject = (
            space.universe.decode(model.eval(x.subject.v, model_completion=True).as_long())
            if known
            else None
        )
        package = evaluators["old"].packages[rule_id_package(evaluators, rule_id)]
        question = package.rule(rule_id).question  # the claims read in its words
        claims = [
            Claim(package.basis, rule_id, subject, o_old, "old", question),
            Claim(package.basis, rule_id, subject, o_new, "new", question),
        ]
        break
    incident = build_witness(
        space.decode(model),
        evaluators,
        claims,
        opts.as_of,
        minimize=opts.minimize,
        witness_id=f"diff-witness-{n}",
    )
    scope = f"{report.old} -> {report.new}"
    if incident is None or not claims:
        return Finding(
            "internal",
            "error",
            scope,
            (rule_id,),
            f"the interpreter did not confirm the witness for {rule_id}: {text}",
        )
    return Finding(
        "diff",
        "info",
        scope,
        (rule_id,),
        f"{rule_id}: {text}",
        "witness",
        incident,
        tuple(claims),
    )


def rule_id_package(evaluators: dict[str, Evaluator], rule_id: str) -> str:
    """The package of a rule id in the new version's evaluator."""
    for pid, package in evaluators["new"].packages.items():
        if any(r.id == rule_id for r in package.rules):
            return pid
    raise KeyError(rule_id)
