"""Verdicts: the output contract of the engine (DESIGN section 6).

Keys and values are stable: scripts and other tools read them. ``to_json`` emits exactly the
documented keys, in the documented order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Outcome(IntEnum):
    """The four outcomes. Small integers so bulk evaluation can return plain codes."""

    NOT_APPLICABLE = 0
    NO_VIOLATION = 1
    UNDETERMINED = 2
    VIOLATION = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Outcome:
        try:
            return cls[text.upper()]
        except KeyError:
            allowed = ", ".join(o.label for o in cls)
            raise ValueError(f"unknown outcome {text!r} (one of {allowed})") from None


CONSENSUS = "consensus"


@dataclass(frozen=True)
class Verdict:
    """Outcome of one rule for one subject on one incident, with its reasoning."""

    incident: str
    package: str  # "un-gge-2015@1.0.0"
    rule: str
    subject: str | None
    basis: str  # "consensus", "restatement" or "position:FRA"
    outcome: Outcome
    missing: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    trace: dict[str, Any] | None = field(default=None, compare=False)

    def to_json(self, *, with_trace: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "incident": self.incident,
            "package": self.package,
            "rule": self.rule,
            "subject": self.subject,
            "basis": self.basis,
            "outcome": self.outcome.label,
            "missing": list(self.missing),
            "profiles": list(self.profiles),
        }
        if with_trace:
            out["trace"] = self.trace
        return out
