"""Explaining one verdict: its incident re-evaluated with the reasoning trace.

Why on demand: a bulk run keeps outcome codes only (``Detail.outcome``); the trace of the
verdicts a person looks at is rebuilt here, for one incident and only the packages its rule
reaches, with the same engine and the same date rule (``formats.DATE_RULE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.readers import is_reading_basis, reader_id
from cybernorms.model.verdict import Verdict
from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.package import Position, Rule
from cybernorms.semantics.profiles import plain_basis
from cybernorms.service.errors import UnknownName
from cybernorms.service.evaluating import Setup, evaluate, setup
from cybernorms.service.formats import Detail


@dataclass(frozen=True)
class Explanation:
    """A verdict with its trace, and the rule as it was read under the verdict's basis.

    ``reading``: under a position that overrides or adds the rule, what the position reads
    (its title and criteria); the position's paraphrase is ``rule.note``. None for the
    package's own reading, whose text is ``rule.text``."""

    verdict: Verdict
    rule: Rule
    reading: str | None = None


def explain(
    books: Rulebooks,
    incident: Incident,
    rule: str,
    *,
    subject: str | None = None,
    positions: Sequence[str] = (),
    profiles: Sequence[Profile] | None = None,
    as_of: dt.date | None,
    assume_defaults: bool = False,
) -> list[Explanation]:
    """The verdicts of ``rule`` on ``incident`` with traces: every subject's, or ``subject``'s;
    under a position when ``positions`` are given (the first verdict whose basis is one),
    else every basis. Refuses (``UnknownName``) a rule, or subject, without a verdict.
    ``assume_defaults``: as ``evaluating.setup``."""
    states = [reader_id(s) for s in positions]
    owner = _owner(books, rule)
    context = setup(
        books,
        packages=[owner],
        positions=states,
        profiles=profiles,
        assume_defaults=assume_defaults,
    )
    verdicts = [
        v for v in evaluate(context, [incident], as_of=as_of, detail=Detail.trace) if v.rule == rule
    ]
    if not verdicts:  # a rule only a position adds, and that position not asked for
        holders = [pos.state for pos in books.positions if any(r.id == rule for r in pos.added)]
        raise UnknownName(
            f"rule {rule} is added by the position of {', '.join(holders)}: explain it with "
            f"--position {holders[0]}"
            if holders
            else f"rule {rule} gives no verdict on {incident.id}"
        )
    if subject is not None:
        verdicts = [v for v in verdicts if (v.subject or "") == subject.upper()]
        if not verdicts:
            raise UnknownName(
                f"rule {rule} has no verdict for subject {subject.upper()} on {incident.id}"
            )
    if states:
        under = next((v for v in verdicts if is_reading_basis(plain_basis(v.basis))), None)
        verdicts = [under] if under is not None else verdicts
    return [_explained(context, v) for v in verdicts]


def _owner(books: Rulebooks, rule: str) -> str:
    """The package a rule belongs to (a position's added rule: the package it reads)."""
    for p in books.packages:
        if any(r.id == rule for r in p.rules):
            return p.id
    for pos in books.positions:
        if any(r.id == rule for r in pos.added):
            return pos.package
    raise UnknownName(f"no rule {rule!r} in the loaded packages")


def _explained(context: Setup, verdict: Verdict) -> Explanation:
    """The verdict with the rule as its basis reads it: a position's override or added rule
    (with the position's reading spelled out), else the package's own."""
    for pos in context.positions:
        if plain_basis(verdict.basis) != pos.basis:
            continue
        if verdict.rule in pos.no_rules:
            rule = pos.overrides[verdict.rule]
            return Explanation(
                verdict,
                rule,
                f"{pos.basis} ({pos.title}) reads no such rule: {pos.no_rules[verdict.rule]}",
            )
        if verdict.rule in pos.overrides:
            rule = pos.overrides[verdict.rule]
            what = rule.stance if rule.held_open and rule.stance else "reads this rule"
            return Explanation(verdict, rule, _reading(pos, rule, what))
        if verdict.rule in pos.agrees:
            rule = pos.agrees[verdict.rule]
            return Explanation(verdict, rule, _reading(pos, rule, rule.stance or "agrees"))
        added = next((r for r in pos.added if r.id == verdict.rule), None)
        if added is not None:
            return Explanation(verdict, added, _reading(pos, added, "adds this rule"))
    for p in context.packages:
        for r in p.rules:
            if r.id == verdict.rule:
                return Explanation(verdict, r)
    raise UnknownName(f"no rule {verdict.rule!r} in the packages evaluated")


def _reading(position: Position, rule: Rule, what: str) -> str:
    return (
        f"{position.basis} ({position.title}) {what}: applies when {rule.applies.text}; "
        f"violated when {rule.violated.text}"
    )
