"""The coders' legal judgement in EuRepoC, read as yes / no / not coded per question.

These readings exist only to be compared with the engine. They come from
``incident.annotations["eurepoc"]``, which the rule language cannot name, and the engine is
given a copy of each incident with its annotations removed, so nothing here can feed a verdict.

**Like with like.** EuRepoC's coders judge the *act*: ``IL_breach_indicator`` says which rules
the operation breaches whoever carried it out (the Codebook codes a breach even where no state
is attributed). The engine's verdicts judge a *state* (the one the act is attributed to, the
one whose territory was used). Comparing the two would count every unattributed incident as
the engine saying "no". So each comparison here names the level its coder column judges:

* act level (every question below): the coders' column against the engine's answer to "would
  this act breach the rule if a foreign state had done it?" (``compare.as_foreign_state_act``);
* state level: a per-state verdict may only be compared with a column that judges that state.
  EuRepoC has no such column for any breach rule, so no per-state breach verdict is compared,
  and the report says so per rule (``state_level_note``).

Only breach questions are compared (a rule's ``question:``; issue 8). The coders' attribution
judgement (``state_responsibility_indicator``) and legal-response judgement
(``legal_response_indicator``) answer other questions and are listed in ``NOT_COMPARED`` with
the reason.

"Not available" and an empty cell mean the coders did not judge: the incident is not counted
for that question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

Coding = Mapping[str, str]
# A coder's answer: True = yes, False = no, None = not judged.
Reader = Callable[[Coding], bool | None]

BREACH_COLUMN: Final = "IL_breach_indicator"
BREACH_SUBCODE_COLUMN: Final = "IL_breach_indicator_subcode"

_NOT_JUDGED = frozenset({"", "not available", "unknown", "nan"})


def _items(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";")]


def _judged(cell: str) -> bool:
    return any(p.lower() not in _NOT_JUDGED for p in _items(cell))


def _breach(item: str) -> Reader:
    def read(coding: Coding) -> bool | None:
        cell = coding.get(BREACH_COLUMN, "")
        return item in _items(cell) if _judged(cell) else None

    return read


def _breach_subcode(item: str) -> Reader:
    def read(coding: Coding) -> bool | None:
        if not _judged(coding.get(BREACH_COLUMN, "")):
            return None
        return item in _items(coding.get(BREACH_SUBCODE_COLUMN, ""))

    return read


@dataclass(frozen=True)
class Question:
    """One comparison: a coder reading and the breach rule whose answer it is compared with.

    ``columns`` are the coder columns the reading looks at (shown beside each disagreement);
    ``level`` is what those columns judge (``act``: the operation whoever did it)."""

    key: str
    title: str
    rule: str
    coder: Reader
    columns: tuple[str, ...]
    level: str = "act"


QUESTIONS: tuple[Question, ...] = (
    Question(
        "sovereignty",
        "Sovereignty",
        "il.sovereignty",
        _breach("Sovereignty"),
        (BREACH_COLUMN,),
    ),
    Question(
        "non_intervention",
        "Prohibition of intervention",
        "il.non_intervention",
        _breach_subcode("Prohibition of intervention"),
        (BREACH_COLUMN, BREACH_SUBCODE_COLUMN),
    ),
    Question(
        "use_of_force",
        "Use of force",
        "il.use_of_force",
        _breach_subcode("Use of force"),
        (BREACH_COLUMN, BREACH_SUBCODE_COLUMN),
    ),
    Question(
        "due_diligence",
        "Due diligence",
        "il.due_diligence",
        _breach("Due diligence"),
        (BREACH_COLUMN,),
    ),
)


@dataclass(frozen=True)
class NotCompared:
    """A coder judgement left out of the comparison, and why."""

    column: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"column": self.column, "reason": self.reason}


NOT_COMPARED: tuple[NotCompared, ...] = (
    NotCompared(
        "state_responsibility_indicator",
        "answers the attribution question (il.state_responsibility), not a breach: only "
        "breach questions are compared",
    ),
    NotCompared(
        "legal_response_indicator",
        "answers the permission question (il.countermeasures), not a breach: only breach "
        "questions are compared",
    ),
    NotCompared(
        f"{BREACH_COLUMN}: Human rights, Cyber espionage, International peace and others",
        "no il-core rule answers these breach items",
    ),
)


def state_level_note(rule: str) -> str:
    """Why ``rule``'s per-state verdicts are not compared: EuRepoC 1.1 has no column that
    judges one state's breach (a future source that has one adds its comparison here)."""
    return (
        f"{rule}: EuRepoC codes the breach per act ({BREACH_COLUMN}), never per state: "
        "per-state verdicts not compared"
    )


def coding_of(annotations: Mapping[str, object], source: str = "eurepoc") -> Coding:
    """The coder columns kept by the importer (empty when the incident has none)."""
    value = annotations.get(source)
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}
