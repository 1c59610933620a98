"""Summaries that count what they say: incidents, per basis, breaches as violations only.

Three rules, for every summary a front end prints (the CLI's tables, the HTML report):

* **incidents, not verdict rows**: a rule with a list subject, or several rules, give many
  rows for one incident; a cell counts the distinct incidents with at least one such verdict;
* **one table per basis, never added together**: consensus, a restatement, each
  ``position:ISO3``, a ``group:``, a proposal and any verdict decided under an assumption
  (``+assumed:defaults``) are different claims; a sum across them means nothing;
* **a violation is a breach found**: the positive answer of an attribution rule
  (``attributable``) or of a permission (``permitted``) is its own column, never a violation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from cybernorms.model.verdict import WORDS, Outcome, Question

#: The per-state columns: a breach rule's applicable answers, then the other questions'
#: positive answers (counted apart from violations).
STATE_COLUMNS = (
    "violation",
    "undetermined",
    "no_violation",
    WORDS[Question.ATTRIBUTION][Outcome.VIOLATION],
    WORDS[Question.PERMISSION][Outcome.VIOLATION],
)
#: The per-rule columns: the internal outcome, shown under neutral headings (each rule's row
#: names its question, which says how "yes" and "no" read).
RULE_COLUMNS = (
    (Outcome.VIOLATION, "yes"),
    (Outcome.UNDETERMINED, "undetermined"),
    (Outcome.NO_VIOLATION, "no"),
    (Outcome.NOT_APPLICABLE, "not_applicable"),
)
YES_NO = "; ".join(
    f"{q.value}: yes = {WORDS[q][Outcome.VIOLATION]}, no = {WORDS[q][Outcome.NO_VIOLATION]}"
    for q in Question
)


class Row(NamedTuple):
    """What a summary reads of one verdict."""

    incident: str
    rule: str
    subject: str | None
    basis: str
    question: str
    outcome: Outcome


@dataclass
class BasisSummary:
    """One basis: its incidents, per subject state and per rule the incidents in each column."""

    basis: str
    incidents: set[str] = field(default_factory=set)
    states: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    rules: dict[tuple[str, str], dict[Outcome, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )

    def state_counts(self) -> list[tuple[str, list[int]]]:
        """(state, incident count per ``STATE_COLUMNS``), most violations first."""
        rows = [
            (state, [len(cols[c]) for c in STATE_COLUMNS]) for state, cols in self.states.items()
        ]
        return sorted(rows, key=lambda r: (-r[1][0], r[0]))

    def rule_counts(self) -> list[tuple[str, str, list[int]]]:
        """(rule, question, incident count per ``RULE_COLUMNS``), by rule id."""
        return [
            (rule, question, [len(cols[o]) for o, _ in RULE_COLUMNS])
            for (rule, question), cols in sorted(self.rules.items())
        ]


def state_column(question: str, outcome: Outcome) -> str | None:
    """The per-state column a verdict counts in, or None (not applicable; the undetermined
    and negative answers of attribution and permission, which say nothing about a breach)."""
    if outcome is Outcome.NOT_APPLICABLE:
        return None
    if question == Question.BREACH:
        return WORDS[Question.BREACH][outcome]
    return WORDS[Question(question)][outcome] if outcome is Outcome.VIOLATION else None


def summarise(rows: Iterable[Row]) -> list[BasisSummary]:
    """One summary per basis, in ``basis_order``."""
    found: dict[str, BasisSummary] = {}
    for r in rows:
        summary = found.get(r.basis)
        if summary is None:
            summary = found[r.basis] = BasisSummary(r.basis)
        summary.incidents.add(r.incident)
        summary.rules[(r.rule, r.question)][r.outcome].add(r.incident)
        column = state_column(r.question, r.outcome)
        if column is not None:
            summary.states[r.subject or "unknown"][column].add(r.incident)
    return [found[b] for b in sorted(found, key=basis_order)]


def basis_order(basis: str) -> tuple[int, str]:
    """Consensus first, then restatements, proposals, groups, positions; a verdict decided
    under an assumption right after its own basis."""
    head, _, assumption = basis.partition("+")
    kind = head.split(":", 1)[0]
    rank = {"consensus": 0, "restatement": 1, "proposal": 2, "group": 3, "position": 4}
    return (rank.get(kind, 5), f"{head}\x00{assumption}")
