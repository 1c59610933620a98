"""Engine verdicts vs the coders' judgement: one table row per (question, basis).

For each question (``coding.QUESTIONS``) and each basis (the package's own, and each position
asked for that changes the question's rule), over the incidents the coders judged on that
question:

* the engine's answer per incident aggregates the rule's verdicts over its subjects: yes if any
  verdict is a violation, no if all are no_violation or not_applicable, else undetermined
  (this is exactly "violation for some subject", and for due diligence, one verdict per state
  whose territory was used);
* agreement and Cohen's kappa are computed on the incidents where both decided; undetermined
  answers are counted apart, never guessed.

The engine is handed each incident without its annotations: the coders' columns cannot reach a
verdict even by accident.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cybernorms.agreement.coding import QUESTIONS, Question, coding_of
from cybernorms.agreement.kappa import cohens_kappa, observed_agreement
from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Outcome

YES, NO, UNDETERMINED = "yes", "no", "undetermined"


@dataclass
class Confusion:
    """Coder answer first, engine answer second, on the incidents where both decided."""

    yes_yes: int = 0
    yes_no: int = 0
    no_yes: int = 0
    no_no: int = 0

    def add(self, coder: bool, engine: bool) -> None:
        name = f"{'yes' if coder else 'no'}_{'yes' if engine else 'no'}"
        setattr(self, name, getattr(self, name) + 1)

    def to_json(self) -> dict[str, int]:
        return {
            "coder_yes_engine_yes": self.yes_yes,
            "coder_yes_engine_no": self.yes_no,
            "coder_no_engine_yes": self.no_yes,
            "coder_no_engine_no": self.no_no,
        }


@dataclass
class Row:
    """One line of the agreement table."""

    question: str
    title: str
    rule: str
    basis: str
    coded: int = 0
    coder_yes: int = 0
    engine_yes: int = 0
    engine_no: int = 0
    engine_undetermined: int = 0
    confusion: Confusion = field(default_factory=Confusion)
    coder_labels: list[bool] = field(default_factory=list, repr=False)
    engine_labels: list[bool] = field(default_factory=list, repr=False)

    @property
    def both_decided(self) -> int:
        return len(self.coder_labels)

    @property
    def agreement(self) -> float | None:
        return observed_agreement(self.coder_labels, self.engine_labels)

    @property
    def kappa(self) -> float | None:
        return cohens_kappa(self.coder_labels, self.engine_labels)

    def add(self, coder: bool, engine: bool | None) -> None:
        self.coded += 1
        self.coder_yes += coder
        if engine is None:
            self.engine_undetermined += 1
            return
        if engine:
            self.engine_yes += 1
        else:
            self.engine_no += 1
        self.coder_labels.append(coder)
        self.engine_labels.append(engine)
        self.confusion.add(coder, engine)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "title": self.title,
            "rule": self.rule,
            "basis": self.basis,
            "coded": self.coded,
            "coder": {"yes": self.coder_yes, "no": self.coded - self.coder_yes},
            "engine": {
                "yes": self.engine_yes,
                "no": self.engine_no,
                "undetermined": self.engine_undetermined,
            },
            "both_decided": self.both_decided,
            "observed_agreement": _round(self.agreement),
            "kappa": _round(self.kappa),
            "confusion": self.confusion.to_json(),
        }


@dataclass
class Report:
    """The whole comparison."""

    incidents: int  # incidents evaluated (those with any coder judgement)
    rows: list[Row]

    def to_json(self) -> dict[str, Any]:
        return {"incidents_compared": self.incidents, "rows": [r.to_json() for r in self.rows]}


def engine_answer(outcomes: Iterable[Outcome | int]) -> bool | None:
    """yes if any verdict is a violation; no if all are no_violation / not_applicable."""
    seen = False
    undetermined = False
    for o in outcomes:
        seen = True
        if o == Outcome.VIOLATION:
            return True
        if o == Outcome.UNDETERMINED:
            undetermined = True
    if not seen or undetermined:
        return None
    return False


def coded_incidents(
    incidents: Iterable[Incident], questions: Sequence[Question] = QUESTIONS
) -> list[Incident]:
    """The incidents the coders judged on at least one question."""
    out = []
    for incident in incidents:
        coding = coding_of(incident.annotations)
        if coding and any(q.coder(coding) is not None for q in questions):
            out.append(incident)
    return out


def compare(
    incidents: Iterable[Incident],
    evaluator: Evaluator,
    consensus_basis: dict[str, str],
    positions: Sequence[str] = (),
    *,
    questions: Sequence[Question] = QUESTIONS,
    as_of: dt.date | None = None,
) -> Report:
    """Compare the engine with the coders over ``incidents`` (normally ``coded_incidents``).

    ``consensus_basis`` maps each question's rule id to the basis its own package reports
    (e.g. ``restatement`` for il-core); ``positions`` are the ISO3 codes the evaluator was
    built with: their rows appear for the rules each position changes.
    """
    rows: dict[tuple[str, str], Row] = {}
    order: list[tuple[str, str]] = []
    position_bases = [f"position:{p}" for p in positions]

    def row(q: Question, basis: str) -> Row:
        key = (q.key, basis)
        if key not in rows:
            rows[key] = Row(q.key, q.title, q.rule, basis)
            order.append(key)
        return rows[key]

    for q in questions:
        row(q, consensus_basis[q.rule])
    count = 0
    for incident in incidents:
        coding = coding_of(incident.annotations)
        answers = {q.key: q.coder(coding) for q in questions}
        if all(a is None for a in answers.values()):
            continue
        count += 1
        blind = incident.model_copy(update={"annotations": {}})
        by: dict[tuple[str, str], list[int]] = defaultdict(list)
        for basis, rule_id, _subject, code in evaluator.outcomes(blind, as_of):
            by[(basis, rule_id)].append(code)
        for q in questions:
            coder = answers[q.key]
            if coder is None:
                continue
            row(q, consensus_basis[q.rule]).add(
                coder, engine_answer(by.get((consensus_basis[q.rule], q.rule), ()))
            )
            for basis in position_bases:
                if (basis, q.rule) in by:
                    row(q, basis).add(coder, engine_answer(by[(basis, q.rule)]))
    return Report(count, [rows[k] for k in _ordered(order, questions, position_bases)])


def _ordered(
    keys: list[tuple[str, str]], questions: Sequence[Question], positions: Sequence[str]
) -> list[tuple[str, str]]:
    """Question order first, then the package's basis before the positions in given order."""
    qi = {q.key: i for i, q in enumerate(questions)}
    pi = {p: i + 1 for i, p in enumerate(positions)}
    return sorted(keys, key=lambda k: (qi[k[0]], pi.get(k[1], 0)))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
