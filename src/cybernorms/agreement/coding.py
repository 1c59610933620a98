"""The coders' legal judgement in EuRepoC, read as yes / no / not coded per question.

These readings exist only to be compared with the engine. They come from
``incident.annotations["eurepoc"]``, which the rule language cannot name, and the engine is
given a copy of each incident with its annotations removed, so nothing here can feed a verdict.

Each question pairs one coder reading with one rule of the il-core package (issue 2, item 7):

* state responsibility: ``state_responsibility_indicator`` Direct / Indirect = yes,
  None/Negligent = no, vs ``il.state_responsibility`` (violation reads "attributable");
* sovereignty / due diligence: ``IL_breach_indicator`` lists "Sovereignty" / "Due diligence";
* prohibition of intervention / use of force: ``IL_breach_indicator_subcode`` lists
  "Prohibition of intervention" / "Use of force" (coded whenever the breach indicator is);
* legal response: ``legal_response_indicator`` "Countermeasures ... justified" = yes, "Unfriendly
  acts/retorsions justified" or "No response justified" = no, vs ``il.countermeasures``.

"Not available" and an empty cell mean the coders did not judge: the incident is not counted
for that question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

Coding = Mapping[str, str]
# A coder's answer: True = yes, False = no, None = not judged.
Reader = Callable[[Coding], bool | None]

_NOT_JUDGED = frozenset({"", "not available", "unknown", "nan"})


def _items(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";")]


def _judged(cell: str) -> bool:
    return any(p.lower() not in _NOT_JUDGED for p in _items(cell))


def state_responsibility(coding: Coding) -> bool | None:
    cell = coding.get("state_responsibility_indicator", "").strip()
    if cell.startswith(("Direct", "Indirect")):
        return True
    if cell.startswith("None/Negligent"):
        return False
    return None


def _breach(item: str) -> Reader:
    def read(coding: Coding) -> bool | None:
        cell = coding.get("IL_breach_indicator", "")
        return item in _items(cell) if _judged(cell) else None

    return read


def _breach_subcode(item: str) -> Reader:
    def read(coding: Coding) -> bool | None:
        if not _judged(coding.get("IL_breach_indicator", "")):
            return None
        return item in _items(coding.get("IL_breach_indicator_subcode", ""))

    return read


def legal_response(coding: Coding) -> bool | None:
    cell = coding.get("legal_response_indicator", "").strip()
    if cell.startswith("Countermeasures"):
        return True
    if cell.startswith(("Unfriendly acts", "No response justified")):
        return False
    return None


@dataclass(frozen=True)
class Question:
    """One comparison: a coder reading and the rule whose verdicts answer the same question."""

    key: str
    title: str
    rule: str
    coder: Reader


QUESTIONS: tuple[Question, ...] = (
    Question(
        "state_responsibility",
        "State responsibility (attributable to a state)",
        "il.state_responsibility",
        state_responsibility,
    ),
    Question("sovereignty", "Sovereignty", "il.sovereignty", _breach("Sovereignty")),
    Question(
        "non_intervention",
        "Prohibition of intervention",
        "il.non_intervention",
        _breach_subcode("Prohibition of intervention"),
    ),
    Question("use_of_force", "Use of force", "il.use_of_force", _breach_subcode("Use of force")),
    Question("due_diligence", "Due diligence", "il.due_diligence", _breach("Due diligence")),
    Question(
        "legal_response",
        "Legal response: countermeasures justified",
        "il.countermeasures",
        legal_response,
    ),
)


def coding_of(annotations: Mapping[str, object], source: str = "eurepoc") -> Coding:
    """The coder columns kept by the importer (empty when the incident has none)."""
    value = annotations.get(source)
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}
