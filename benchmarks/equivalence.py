"""Equivalence of the peers' policies with the shipped rules, checked before any timing.

Why: a speed ratio means something only if the peers decide the same thing. Before timing,
the benchmark evaluates a sample of incidents with our engine, Cedar, Rego and the plain
Python baseline, and aborts if any of them disagrees with the engine on any (incident, rule).
The same check runs in the tests (``tests/benchmarks/``) on a few hundred incidents, so a
change to a shipped rule that the peer policies do not follow fails CI instead of silently
making the benchmark compare different conditions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.incidents import STATES
from benchmarks.peers import LABELS, RULE_IDS, RULES
from cybernorms.engine.evaluate import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile, ProfileParameters
from cybernorms.rules.catalog import default_rulebooks_dir
from cybernorms.rules.package import Package, load_packages


def shipped_packages(root: Path | None = None) -> list[Package]:
    """Every package of the shipped rulebooks (positions and profiles are not loaded: the
    states of the benchmark publish the defaults' sectors, ``bench_profiles``, which the
    peers get)."""
    base = root or default_rulebooks_dir()
    return load_packages(sorted(base.glob("*/package.yaml")))


def bench_packages(
    packages: Sequence[Package], rules: Sequence[tuple[str, str]] = RULES
) -> list[Package]:
    """The same packages holding only the given rules (default: those the peers re-implement).

    A package emptied of rules is dropped; a rule that is not found is an error."""
    wanted = set(rules)
    out = [
        dataclasses.replace(p, rules=tuple(r for r in p.rules if r.key in wanted)) for p in packages
    ]
    found = {r.key for p in out for r in p.rules}
    if found != wanted:
        raise SystemExit(f"benchmark rules not found in the shipped rulebooks: {wanted - found}")
    return [p for p in out if p.rules]


def critical_sectors(packages: Sequence[Package]) -> list[str]:
    """The defaults' critical-sector set the peers are given (the same in every package that
    the benchmark rules read; a difference would make the peers' single set wrong)."""
    sets = {
        tuple(p.defaults.critical_sectors or ())
        for p in packages
        if any(r.key in RULES for r in p.rules)
    }
    if len(sets) != 1:
        raise SystemExit(f"packages of the benchmark rules disagree on default sectors: {sets}")
    return list(sets.pop())


def bench_profiles(packages: Sequence[Package]) -> list[Profile]:
    """Every state of the generated incidents publishing the defaults' sector list.

    Why: the peers are given that one list for every state; our engine reads a parameter a
    state has not published as unknown (the defaults decide only under an assumption), so the
    benchmark states publish it, and both sides decide on the same parameters at the same
    cost (one profile lookup)."""
    sectors = critical_sectors(packages)
    return [
        Profile(
            state=state,
            version=1,
            effective_from=dt.date(1900, 1, 1),
            illustrative=True,
            parameters=ProfileParameters.model_validate({"critical_sectors": sectors}),
        )
        for state in STATES
    ]


def engine_codes(evaluator: Evaluator, incidents: Sequence[Incident]) -> list[int]:
    """Our outcome codes per (incident, rule of ``RULE_IDS``), in that order.

    The benchmark rules have a single-state subject, so there is exactly one verdict per
    (incident, rule); anything else is an error, not a silent mismatch."""
    wanted = set(RULE_IDS)
    out: list[int] = []
    for incident in incidents:
        found: dict[str, int] = {}
        for _basis, rule, _subject, code in evaluator.outcomes(incident):
            if rule in wanted:
                if rule in found:
                    raise SystemExit(f"{rule} gave more than one verdict on {incident.id}")
                found[rule] = code
        out.extend(found[r] for r in RULE_IDS)
    return out


@dataclass
class Report:
    """Disagreements of one peer with the engine on a sample."""

    peer: str
    compared: int = 0
    disagreements: int = 0
    examples: list[str] = field(default_factory=list)
    by_rule: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        agree = self.compared - self.disagreements
        pct = 100.0 * agree / self.compared if self.compared else 0.0
        return (
            f"  {self.peer:<24} {agree:>7,}/{self.compared:<7,} decisions agree ({pct:.2f}%)"
            f"  disagreements: {self.disagreements}"
        )


def compare(
    peer: str,
    ours: Sequence[int],
    theirs: Sequence[int],
    incidents: Sequence[Incident],
    rules: Sequence[str] = RULE_IDS,
) -> Report:
    report = Report(peer)
    if len(ours) != len(theirs):
        raise SystemExit(f"{peer}: {len(theirs)} answers for {len(ours)} decisions")
    for k, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        report.compared += 1
        if a != b:
            report.disagreements += 1
            incident = incidents[k // len(rules)]
            rule = rules[k % len(rules)]
            report.by_rule[rule] += 1
            if len(report.examples) < 5:
                facts = incident.model_dump_json(exclude_none=True, exclude_defaults=True)
                report.examples.append(
                    f"{incident.id} {rule}: engine {LABELS.get(a, a)}, "
                    f"{peer} {LABELS.get(b, b)}\n      {facts}"
                )
    return report


def check(
    incidents: Sequence[Incident],
    ours: Sequence[int],
    peers: Sequence[tuple[str, Callable[[Sequence[Incident]], list[int]], Sequence[str]]],
) -> list[Report]:
    """Compare every peer with the engine's codes; ``peers`` = (name, decide, rules it decides).

    ``ours`` is per (incident, rule of ``RULE_IDS``); a peer deciding a subset of the rules is
    compared on that subset."""
    reports = []
    for name, decide, rules in peers:
        index = [RULE_IDS.index(r) for r in rules]
        mine = [ours[i * len(RULE_IDS) + j] for i in range(len(incidents)) for j in index]
        reports.append(compare(name, mine, decide(incidents), incidents, rules))
    return reports
