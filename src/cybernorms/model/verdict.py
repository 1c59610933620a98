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


@dataclass(slots=True)
class Verdict:
    """Outcome of one rule for one subject on one incident, with its reasoning.

    A plain slotted record (not frozen): the engine makes many of these, and a frozen
    dataclass pays for ``object.__setattr__`` on every field.
    """

    incident: str
    package: str  # "un-gge-2015@1.0.0"
    rule: str
    subject: str | None
    basis: str  # "consensus", "restatement" or "position:FRA"
    outcome: Outcome
    missing: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    trace: TraceNode | None = field(default=None, compare=False)

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
            out["trace"] = self.trace.to_json() if self.trace is not None else None
        return out


@dataclass(slots=True)
class TraceNode:
    """One evaluated sub-expression: its text, its three-valued value and what it read.

    Built as plain slotted objects while evaluating (cheap), turned into JSON only on output.
    ``value`` is ``None`` when unknown. ``missing`` lists the unknown facts behind an unknown
    value; ``fact``/``source`` name the fact read and the source cell an importer kept;
    ``profile`` names the profile version read (``UKR@2`` or ``UKR@default``).
    """

    expr: str
    value: Any
    missing: frozenset[str] = frozenset()
    children: tuple[TraceNode, ...] = ()
    fact: str | None = None
    source: Any = None
    profile: str | None = None
    bind: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"expr": self.expr, "value": _json_value(self.value)}
        if self.bind:
            out["bind"] = self.bind
        if self.fact:
            out["fact"] = self.fact
        if self.source is not None:
            src = self.source
            out["source"] = {"source": src.source, "field": src.field, "value": src.value}
        if self.profile:
            out["profile"] = self.profile
        if self.missing:
            out["missing"] = sorted(self.missing)
        if self.children:
            out["children"] = [c.to_json() for c in self.children]
        return out


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, list | tuple | frozenset | set):
        items = [_json_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, frozenset | set) else items
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    return str(value)
