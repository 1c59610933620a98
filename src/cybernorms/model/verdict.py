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
    raw_trace: RawTrace | None = field(default=None, compare=False, repr=False)

    @property
    def trace(self) -> TraceNode | None:
        """The reasoning tree (built from the engine's compact form when first asked for)."""
        return None if self.raw_trace is None else TraceNode.from_raw(self.raw_trace)

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
            out["trace"] = None if self.raw_trace is None else raw_to_json(self.raw_trace)
        return out


# The engine's compact trace: nested tuples, ~10x cheaper to build than objects.
# (expr, value, missing, children, fact, source, profile, bind)
RawTrace = tuple[Any, ...]
EXPR, VALUE, MISSING, CHILDREN, FACT, SOURCE, PROFILE, BIND = range(8)


def raw_to_json(raw: RawTrace) -> dict[str, Any]:
    """The JSON form of a compact trace (the shape of ``TraceNode.to_json``)."""
    expr, value, missing, children, fact, source, profile, bind = raw
    out: dict[str, Any] = {"expr": expr, "value": _json_value(value)}
    if bind:
        out["bind"] = bind
    if fact:
        out["fact"] = fact
    if source is not None:
        out["source"] = {"source": source.source, "field": source.field, "value": source.value}
    if profile:
        out["profile"] = profile
    if missing:
        out["missing"] = sorted(missing)
    if children:
        out["children"] = [raw_to_json(c) for c in children]
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

    @classmethod
    def from_raw(cls, raw: RawTrace) -> TraceNode:
        expr, value, missing, children, fact, source, profile, bind = raw
        kids = tuple(cls.from_raw(c) for c in children)
        return cls(expr, value, missing, kids, fact, source, profile, bind)

    def to_raw(self) -> RawTrace:
        kids = tuple(c.to_raw() for c in self.children)
        return (
            self.expr,
            self.value,
            self.missing,
            kids,
            self.fact,
            self.source,
            self.profile,
            self.bind,
        )

    def to_json(self) -> dict[str, Any]:
        return raw_to_json(self.to_raw())


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
