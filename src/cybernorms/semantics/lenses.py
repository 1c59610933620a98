"""Lens resolution, once: which rules a national position judges differently.

A position replaces some criteria of a package and may add rules. Under the position's lens,
the replaced and added rules, and every rule that reaches one of them through ``breached``
(directly or through other rules: a fixpoint), judge differently; only those are reported
with ``basis: position:ISO3`` (docs/rule-language.md, "Position"). The engine and the
analysis both take their lens tables from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cybernorms.rules import ir
from cybernorms.rules.package import Position, Rule

RuleKey = tuple[str, str]


@dataclass(frozen=True)
class LensTable:
    """The rules in force under a position: ``table`` (every rule, the position's reading
    where it has one), ``changed`` (replaced or added by the position) and ``affected``
    (changed, or depending on a changed rule through ``breached``), in table order."""

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
    deps = {k: ir.references(r.applies) | ir.references(r.violated) for k, r in table.items()}
    affected = set(changed)
    grew = True
    while grew:
        grew = False
        for key, refs in deps.items():
            if key not in affected and refs & affected:
                affected.add(key)
                grew = True
    return LensTable(table, frozenset(changed), tuple(k for k in table if k in affected))
