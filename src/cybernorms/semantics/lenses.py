"""Lens resolution, once: which rules a national position judges differently.

A position replaces some criteria of a package and may add rules. Under the position's lens,
the replaced and added rules, and every rule that reaches one of them through ``breached``
(directly or through other rules: a fixpoint), judge differently; only those are reported
with the position's basis (``position:ISO3``, or ``group:NAME`` for a group's common reading:
``Position.basis``, docs/rule-language.md, "Position"), and so is every rule the
position ``agrees:`` with (unchanged, so the state's whole reading is visible under its basis).
The engine and the analysis both take their lens tables from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cybernorms.rules import ir
from cybernorms.rules.package import Package, Position, Rule

RuleKey = tuple[str, str]


@dataclass(frozen=True)
class LensTable:
    """The rules in force under a position: ``table`` (every rule, the position's reading
    where it has one), ``changed`` (replaced or added by the position) and ``affected``
    (changed, agreed, or depending on a changed rule through ``breached``: what is reported
    under the position), in table order."""

    table: Mapping[RuleKey, Rule]
    changed: frozenset[RuleKey]
    affected: tuple[RuleKey, ...]


def resolve(base: Mapping[RuleKey, Rule], position: Position) -> LensTable:
    """The lens of ``position`` over the consensus rules ``base``."""
    table = dict(base)
    changed: set[RuleKey] = set()
    for rule in (*position.overrides.values(), *position.added):
        table[rule.key] = rule
        changed.add(rule.key)
    for rule in position.agrees.values():
        table[rule.key] = rule  # the package rule, citing the state's word in its trace
    deps = {k: ir.references(r.applies) | ir.references(r.violated) for k, r in table.items()}
    affected = set(changed) | {r.key for r in position.agrees.values()}
    grew = True
    while grew:
        grew = False
        for key, refs in deps.items():
            if key not in affected and refs & affected:
                affected.add(key)
                grew = True
    return LensTable(table, frozenset(changed), tuple(k for k in table if k in affected))


def reported(
    packages: Sequence[Package], positions: Sequence[Position]
) -> dict[tuple[str, str], Rule]:
    """(basis, rule id) -> the rule each verdict row is reported for (its question and
    reason): every package rule under its package's basis, and each position's lens."""
    base = {r.key: r for p in packages for r in p.rules}
    out = {(p.basis, r.id): r for p in packages for r in p.rules}
    for position in positions:
        lens = resolve(base, position)
        out.update({(position.basis, key[1]): lens.table[key] for key in lens.affected})
    return out
