"""Peer engines for the engine benchmark: the same shipped rules in Cedar and in Rego.

``RULES`` names the shipped rules the peers re-implement (``engine.cedar``, ``engine.rego``).
Outcomes are compared as the engine's labels (``violation`` ...); ``OUTCOMES`` maps them to
the engine's integer codes so a peer's answer can be compared with ``Evaluator.outcomes``.
"""

from __future__ import annotations

from pathlib import Path

from cybernorms.model.verdict import Outcome

HERE = Path(__file__).parent

# (package id, rule id) of the rules the peers re-implement.
# gge2015.f left the set when it came to ask breached() of three il-core rules (issue 8): a
# hand-written peer would have to restate sovereignty and non-intervention too.
RULES: tuple[tuple[str, str], ...] = (
    ("il-core", "il.state_responsibility"),
    ("il-core", "il.use_of_force"),
)
RULE_IDS: tuple[str, ...] = tuple(r for _, r in RULES)
OUTCOMES: dict[str, int] = {o.label: int(o) for o in Outcome}
LABELS: dict[int, str] = {code: label for label, code in OUTCOMES.items()}
