"""Engine answers vs the coders' judgement: one table row per (question, basis).

What the engine is asked (``as_foreign_state_act``): the coders' ``IL_breach_indicator`` judges
the act whoever did it, so the engine is asked the same act-level question, "would this act
breach the rule if a foreign state had done it?". The incident is evaluated as it stands except
that the attribution question is set aside: the act is put down to a stand-in foreign state (an
organ of a state named nowhere in the incident). The rules themselves decide, through the same
engine as every other verdict; nothing here re-states a criterion.

How the engine's verdicts become one answer per incident (``engine_answer``): yes if any
subject's verdict is a violation; else undetermined if any is undetermined; else no if any is
no_violation; else not_applicable (the rule judges nobody here). ``not_applicable`` is never a
"no": it is counted in its own column, like undetermined, and neither enters agreement or
kappa, which are computed only over incidents where both the coders and the engine said yes
or no.

The engine is handed each incident without its annotations: the coders' columns cannot reach a
verdict even by accident.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from cybernorms.agreement.coding import (
    NOT_COMPARED,
    QUESTIONS,
    NotCompared,
    Question,
    coding_of,
    state_level_note,
)
from cybernorms.agreement.kappa import cohens_kappa, observed_agreement
from cybernorms.engine import Evaluator
from cybernorms.model.facts import Attribution, Incident, SourceValue
from cybernorms.model.readers import reading_basis
from cybernorms.model.states import iso3_codes
from cybernorms.model.verdict import Outcome

BREACH: Final = "breach"
# Codes of places no EuRepoC incident concerns (Antarctica, Bouvet Island, Heard and McDonald
# Islands), tried in order: the stand-in must be foreign to every state the incident names.
STAND_IN_CODES: Final = ("ATA", "BVT", "HMD")
HYPOTHESIS_SOURCE: Final = "agreement"
HYPOTHESIS: Final = (
    "act-level question: the act as if done by an organ of a foreign state (stand-in {code}); "
    "the attribution question set aside"
)


class Answer(StrEnum):
    """The engine's answer for one incident (coders answer only yes or no)."""

    YES = "yes"
    NO = "no"
    UNDETERMINED = "undetermined"
    NOT_APPLICABLE = "not_applicable"


def engine_answer(outcomes: Iterable[Outcome | int]) -> Answer:
    """One answer from a rule's verdicts over its subjects (see the module doc)."""
    seen = {Outcome(o) for o in outcomes}
    if Outcome.VIOLATION in seen:
        return Answer.YES
    if Outcome.UNDETERMINED in seen:
        return Answer.UNDETERMINED
    if Outcome.NO_VIOLATION in seen:
        return Answer.NO
    return Answer.NOT_APPLICABLE


def agrees(coder: bool, engine: Answer) -> bool:
    """Whether the engine gave the coders' answer (undetermined and not_applicable never do)."""
    return engine is (Answer.YES if coder else Answer.NO)


def stand_in(incident: Incident) -> str:
    """A state code the incident names nowhere (see ``STAND_IN_CODES``)."""
    named = _codes_in(incident.model_dump(mode="json", exclude={"provenance", "annotations"}))
    for code in STAND_IN_CODES:
        if code not in named:
            return code
    free = sorted(iso3_codes() - named)  # an incident naming all three: any other code
    return free[0]


def _codes_in(value: object) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if len(item) == 3 and item.isupper():
                found.add(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def as_foreign_state_act(incident: Incident) -> Incident:
    """The incident the act-level question evaluates: the same facts, annotations removed,
    the act attributed to an organ of a stand-in foreign state (``stand_in``); the provenance
    of the replaced attribution and initiator facts says it is this hypothesis."""
    code = stand_in(incident)
    # An organ of the state (ARSIWA art. 4): v1 rules read the level, v2 rules the link.
    fields: dict[str, Any] = {"state": code, "level": "direct", "link": "organ"}
    attribution = Attribution(**fields)
    initiator = incident.initiator.model_copy(update={"category": "state", "country": code})
    note = SourceValue(
        source=HYPOTHESIS_SOURCE, field="hypothesis", value=HYPOTHESIS.format(code=code)
    )
    provenance = {
        path: source
        for path, source in incident.provenance.items()
        if not path.startswith(("attribution", "initiator"))
    }
    for path in (*(f"attribution.{f}" for f in fields), "initiator.category", "initiator.country"):
        provenance[path] = note
    return incident.model_copy(
        update={
            "annotations": {},
            "attribution": attribution,
            "initiator": initiator,
            "provenance": provenance,
        }
    )


@dataclass(frozen=True)
class Pair:
    """One incident's coder answer and engine answer on one question and basis."""

    incident: str
    coder: bool
    engine: Answer


@dataclass
class Row:
    """One line of the agreement table: every coded incident of one question and basis."""

    question: Question
    basis: str
    pairs: list[Pair] = field(default_factory=list)

    def count(self, coder: bool | None = None, engine: Answer | None = None) -> int:
        return sum(
            (coder is None or p.coder is coder) and (engine is None or p.engine is engine)
            for p in self.pairs
        )

    @property
    def decided(self) -> list[Pair]:
        """The pairs where the engine said yes or no (the only ones kappa reads)."""
        return [p for p in self.pairs if p.engine in (Answer.YES, Answer.NO)]

    @property
    def agreement(self) -> float | None:
        pairs = self.decided
        return observed_agreement([p.coder for p in pairs], [p.engine is Answer.YES for p in pairs])

    @property
    def kappa(self) -> float | None:
        pairs = self.decided
        return cohens_kappa([p.coder for p in pairs], [p.engine is Answer.YES for p in pairs])

    def to_json(self) -> dict[str, Any]:
        q = self.question
        return {
            "question": q.key,
            "title": q.title,
            "rule": q.rule,
            "basis": self.basis,
            "level": q.level,
            "coder_columns": list(q.columns),
            "coded": len(self.pairs),
            "coder": {"yes": self.count(True), "no": self.count(False)},
            "engine": {a.value: self.count(engine=a) for a in Answer},
            "both_decided": len(self.decided),
            "observed_agreement": _round(self.agreement),
            "kappa": _round(self.kappa),
            "confusion": {
                f"coder_{c}_engine_{e.value}": self.count(coder, e)
                for coder, c in ((True, "yes"), (False, "no"))
                for e in Answer
            },
        }


@dataclass
class Report:
    """The whole comparison, with what was left out and why."""

    incidents: int  # incidents evaluated (those with any coder judgement on a question)
    rows: list[Row]
    not_compared: list[NotCompared]
    state_level: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "incidents_compared": self.incidents,
            "question": (
                "act level: would this act breach the rule if a foreign state had done it? "
                "(coders: IL_breach_indicator)"
            ),
            "rows": [r.to_json() for r in self.rows],
            "state_level": self.state_level,
            "not_compared": [n.to_json() for n in self.not_compared],
        }


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


def breach_questions(
    questions: Sequence[Question], rule_questions: Mapping[str, str]
) -> tuple[list[Question], list[NotCompared]]:
    """The questions whose rule answers a breach, and the others with the reason they are
    left out (a rule may declare ``question: attribution`` or ``permission``)."""
    kept: list[Question] = []
    left: list[NotCompared] = []
    for q in questions:
        asked = rule_questions.get(q.rule, BREACH)
        if asked == BREACH:
            kept.append(q)
        else:
            left.append(
                NotCompared(
                    ", ".join(q.columns),
                    f"{q.rule} answers the {asked} question, not a breach: not compared",
                )
            )
    return kept, left


def compare(
    incidents: Iterable[Incident],
    evaluator: Evaluator,
    consensus_basis: Mapping[str, str],
    positions: Sequence[str] = (),
    *,
    rule_questions: Mapping[str, str] | None = None,
    questions: Sequence[Question] = QUESTIONS,
    as_of: dt.date | None = None,
) -> Report:
    """Compare the engine's act-level answers with the coders over ``incidents`` (normally
    ``coded_incidents``).

    ``consensus_basis`` maps each question's rule id to the basis its own package reports
    (e.g. ``restatement`` for il-core); ``rule_questions`` maps rule ids to the question they
    declare (absent: breach); ``positions`` are the readers (ISO3, group:NAME) the evaluator
    was built with: their rows appear for the rules each position changes.
    """
    asked, left_out = breach_questions(questions, rule_questions or {})
    rows: dict[tuple[str, str], Row] = {}
    position_bases = [reading_basis(p) for p in positions]

    def row(q: Question, basis: str) -> Row:
        key = (q.key, basis)
        if key not in rows:
            rows[key] = Row(q, basis)
        return rows[key]

    for q in asked:
        row(q, consensus_basis[q.rule])
    count = 0
    for incident in incidents:
        coding = coding_of(incident.annotations)
        answers = {q.key: q.coder(coding) for q in asked}
        if all(a is None for a in answers.values()):
            continue
        count += 1
        by: dict[tuple[str, str], list[int]] = defaultdict(list)
        for basis, rule_id, _subject, code in evaluator.outcomes(
            as_foreign_state_act(incident), as_of
        ):
            by[(basis, rule_id)].append(code)
        for q in asked:
            coder = answers[q.key]
            if coder is None:
                continue
            own = consensus_basis[q.rule]
            row(q, own).pairs.append(
                Pair(incident.id, coder, engine_answer(by.get((own, q.rule), ())))
            )
            for basis in position_bases:
                if (basis, q.rule) in by:
                    row(q, basis).pairs.append(
                        Pair(incident.id, coder, engine_answer(by[(basis, q.rule)]))
                    )
    order = {q.key: i for i, q in enumerate(asked)}
    rank = {p: i + 1 for i, p in enumerate(position_bases)}
    ordered = sorted(rows.values(), key=lambda r: (order[r.question.key], rank.get(r.basis, 0)))
    return Report(
        count,
        ordered,
        [*left_out, *NOT_COMPARED],
        [state_level_note(q.rule) for q in asked],
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
