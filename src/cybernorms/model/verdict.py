"""Verdicts: the output contract of the engine (DESIGN section 6).

Keys and values are stable: scripts and other tools read them. ``to_json`` emits exactly the
documented keys, in the documented order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from pydantic import BaseModel


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


class Question(StrEnum):
    """What a rule answers (``question:`` in a package). The engine decides one internal
    outcome for every rule (``Outcome``: positive, negative, undetermined, not applicable);
    the question says how that outcome reads. Only a breach's positive answer is a violation:
    an attribution or a permission is never counted as one."""

    BREACH = "breach"
    ATTRIBUTION = "attribution"
    PERMISSION = "permission"

    @classmethod
    def parse(cls, text: str) -> Question:
        try:
            return cls(text)
        except ValueError:
            allowed = ", ".join(q.value for q in cls)
            raise ValueError(f"unknown question {text!r} (one of {allowed})") from None


#: The words of each question's answers, by internal outcome: the one place where a
#: (question, outcome) pair becomes the word printed in every output (and read back from
#: the examples). ``Outcome.VIOLATION`` is the positive answer, ``NO_VIOLATION`` the negative.
WORDS: dict[Question, dict[Outcome, str]] = {
    Question.BREACH: {Outcome.VIOLATION: "violation", Outcome.NO_VIOLATION: "no_violation"},
    Question.ATTRIBUTION: {
        Outcome.VIOLATION: "attributable",
        Outcome.NO_VIOLATION: "not_attributable",
    },
    Question.PERMISSION: {Outcome.VIOLATION: "permitted", Outcome.NO_VIOLATION: "not_permitted"},
}
for _words in WORDS.values():
    _words[Outcome.UNDETERMINED] = "undetermined"
    _words[Outcome.NOT_APPLICABLE] = "not_applicable"
_OUTCOMES = {q: {w: o for o, w in words.items()} for q, words in WORDS.items()}


def word(question: Question | str, outcome: Outcome) -> str:
    """How ``outcome`` reads for a rule answering ``question``."""
    return WORDS[Question(question)][outcome]


def parse_word(question: Question | str, text: str) -> Outcome:
    """The outcome a word names for ``question``; a word of another question is refused
    (a breach rule never answers ``permitted``)."""
    q = Question(question)
    found = _OUTCOMES[q].get(text)
    if found is None:
        allowed = ", ".join(WORDS[q].values())
        article = "an" if q.value[0] in "aeiou" else "a"
        raise ValueError(
            f"{text!r} is not an answer to {article} {q.value} question (one of {allowed})"
        )
    return found


def is_violation(question: Question | str, outcome: Outcome) -> bool:
    """A breach found: the only answer a summary counts as a violation."""
    return question == Question.BREACH and outcome is Outcome.VIOLATION


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
    # The JSON form of ``raw_trace`` when the engine wrote it while evaluating (the generated
    # tracing code does: converting the tuples afterwards cost more than the evaluation).
    # ``to_json`` hands it out once and then forgets it (a later call converts afresh).
    json_trace: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    # What the rule answers (``Question``) and why a verdict is what it is where the rule's
    # criteria do not say it (a position's ``no_rule``/``holds_open``); None otherwise.
    question: str = Question.BREACH.value
    reason: str | None = None
    # The forum record behind an earned basis (``service.record``: the adoption's log index,
    # forum, decision, content hash, and which log), None when the basis is only declared.
    record: dict[str, Any] | None = None
    # True when rules of the package were left out of this evaluation: the verdict is of a
    # selection of the package, never of the package as adopted.
    selection: bool = False

    @property
    def word(self) -> str:
        """The outcome as printed: the answer word of the rule's question."""
        return word(self.question, self.outcome)

    @property
    def trace(self) -> TraceNode | None:
        """The reasoning tree (built from the engine's compact form when first asked for)."""
        return None if self.raw_trace is None else TraceNode.from_raw(self.raw_trace)

    def to_json(self, *, with_trace: bool = True) -> dict[str, Any]:
        """The verdict as documented (README "The output contract").

        The trace's JSON is read-only: the JSON of a fact object (a target, a request) is
        made once per incident and the same dict stands wherever a trace of that incident
        shows it. Copying it for every node was a third of the cost of a traced evaluation;
        ``json.dumps`` and every reader are indifferent to the sharing.
        """
        out: dict[str, Any] = {
            "incident": self.incident,
            "package": self.package,
            "rule": self.rule,
            "subject": self.subject,
            "basis": self.basis,
            "outcome": WORDS[Question(self.question)][self.outcome],
            "missing": list(self.missing),
            "profiles": list(self.profiles),
            "question": self.question,
            "reason": self.reason,
        }
        if self.record is not None:  # only where a record earned the basis (README contract)
            out["record"] = self.record
        if self.selection:
            out["selection"] = True
        if with_trace:
            prebuilt = self.json_trace
            if prebuilt is not None:
                self.json_trace = None  # handed over: a later call converts raw_trace afresh
                out["trace"] = prebuilt
            else:
                raw = self.raw_trace
                out["trace"] = None if raw is None else raw_to_json(raw)
        return out


# The engine's compact trace: nested tuples, ~10x cheaper to build than objects.
# (expr, value, missing, children, fact, source, profile, bind)
RawTrace = tuple[Any, ...]
EXPR, VALUE, MISSING, CHILDREN, FACT, SOURCE, PROFILE, BIND = range(8)

# id(value) -> (value, its JSON form): the value is kept so that its id is not reused while
# the cache lives (one incident's evaluation).
JsonCache = dict[int, tuple[Any, Any]]

_PLAIN = frozenset({type(None), bool, int, str})


def raw_to_json(raw: RawTrace, cache: JsonCache | None = None) -> dict[str, Any]:
    """The JSON form of a compact trace (the shape of ``TraceNode.to_json``).

    Keys in this order, each only when it says something: expr, value, bind, fact, source,
    profile, missing, children. The engine's generated tracing code (``engine.codegen``, traced)
    writes exactly this while it evaluates; the property tests compare the two.
    """
    if cache is None:
        cache = {}
    expr, value, missing, children, fact, source, profile, bind = raw
    out: dict[str, Any] = {
        "expr": expr,
        "value": value if value.__class__ in _PLAIN else json_value(value, cache),
    }
    if bind:
        out["bind"] = bind
    if fact:
        out["fact"] = fact
    if source is not None:
        out["source"] = source_json(source)
    if profile:
        out["profile"] = profile
    if missing:
        out["missing"] = sorted(missing)
    if children:
        out["children"] = [raw_to_json(c, cache) for c in children]
    return out


def source_json(source: Any) -> dict[str, Any]:
    """The JSON of the source value an importer kept for a fact (``SourceValue``)."""
    return {"source": source.source, "field": source.field, "value": source.value}


def json_value(value: Any, cache: JsonCache) -> Any:
    """The JSON form of a trace value, converted once per cache (one incident) and shared.

    Why: the value of a node such as ``targets`` is the incident's list of target objects, and
    most rules show it; a pydantic dump per node was most of the cost of ``to_json``.
    """
    if value.__class__ in _PLAIN:
        return value
    key = id(value)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = (value, _json_value(value))
    return hit[1]


def json_records(value: list[Any] | None, cache: JsonCache) -> Any:
    """``json_value`` for a list of fact objects (``targets``, ``requests``), the value most
    traces show: each object's fields are read once per cache (one incident)."""
    if value is None:
        return None
    key = id(value)
    hit = cache.get(key)
    if hit is None:
        rows = [_flat_json(x) if isinstance(x, BaseModel) else None for x in value]
        if any(row is None for row in rows):  # not a list of plain records: the general way
            return json_value(value, cache)
        hit = cache[key] = (value, rows)
    return hit[1]


@dataclass(slots=True)
class TraceNode:
    """One evaluated sub-expression: its text, its three-valued value and what it read.

    Built as plain slotted objects while evaluating (cheap), turned into JSON only on output.
    ``value`` is ``None`` when unknown. ``missing`` lists the unknown facts behind an unknown
    value; ``fact``/``source`` name the fact read and the source cell an importer kept;
    ``profile`` names the profile version read (``UKR@2``, ``UKR@unpublished`` or
    ``UKR@assumed:defaults``).
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
    """The JSON form of any value a trace can hold (a fact object as its non-null fields)."""
    if value.__class__ in _PLAIN:
        return value
    if isinstance(value, list | tuple | frozenset | set):
        items = [v if v.__class__ in _PLAIN else _json_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, frozenset | set) else items
    # Fact objects are tested first: ``hasattr`` on a pydantic model for a name it lacks goes
    # through its ``__getattr__`` and an exception, which cost more than the dump itself.
    if isinstance(value, BaseModel):
        return _model_json(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    return str(value)


def _model_json(model: BaseModel) -> dict[str, Any]:
    """``model.model_dump(mode="json", exclude_none=True)``, read off the fields directly
    where that gives the same (``_flat_json``): a pydantic dump was the largest single cost of
    a trace's JSON. The tests compare the two."""
    flat = _flat_json(model)
    return model.model_dump(mode="json", exclude_none=True) if flat is None else flat


def _flat_json(model: BaseModel) -> dict[str, Any] | None:
    """The non-null fields of a record of plain fields (str, int, bool) with no extra or
    computed fields - a target or a request - in declaration order; None for other models."""
    fields = {k: v for k, v in model.__dict__.items() if v is not None}
    if (
        model.__pydantic_extra__
        or type(model).model_computed_fields
        or not all(v.__class__ in _PLAIN for v in fields.values())
    ):
        return None
    return fields
