"""The types of the rule language, read off the fact model.

The fact schema is declared once, in ``cybernorms.model.facts``; this module derives the
language's view of it (which paths exist, which values an enumeration allows) from the pydantic
annotations, so the two can never drift apart.
"""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from cybernorms.model.facts import Incident
from cybernorms.model.profile import ProfileParameters


@dataclass(frozen=True)
class Type:
    """A type of the language. ``name`` is what error messages show."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class EnumType(Type):
    """A closed set of string values (a ``Literal`` in the fact model)."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class ListType(Type):
    """A list of elements; ``None`` (unknown) is distinct from ``[]`` (known to be empty)."""

    element: Type


@dataclass(frozen=True)
class RecordType(Type):
    """A group of named fields (an incident, a target, a profile's parameters)."""

    model: type[BaseModel]

    def fields(self) -> dict[str, Type]:
        return record_fields(self.model)


BOOL = Type("bool")
INT = Type("int")
DATE = Type("date")
TEXT = Type("text")
STATE = Type("state")
STATE_LIST = ListType("list of state", STATE)
# The type of an empty set literal or a literal that fits several types; compatible with any.
ANY = Type("any")


def is_list(t: Type) -> bool:
    return isinstance(t, ListType)


def comparable(a: Type, b: Type) -> bool:
    """Whether ``a == b`` is meaningful: same type, or a string literal against an enum/state."""
    if a == ANY or b == ANY:
        return True
    if isinstance(a, EnumType) and isinstance(b, EnumType):
        # The same vocabulary declared in two places (a target's sector and a profile's
        # critical sectors) is one type: compare the value sets, not the field names.
        sa, sb = set(a.values), set(b.values)
        return sa <= sb or sb <= sa
    return a == b


_STATE_VALIDATORS = frozenset({"_state", "_required_state"})


def _state_annotation(ann: Any) -> bool:
    """``State`` and ``KnownState`` are ``Annotated[str, BeforeValidator(parse_state)]``."""
    for meta in getattr(ann, "__metadata__", ()):
        func = getattr(meta, "func", None)
        if func is not None and func.__name__ in _STATE_VALIDATORS:
            return True
    return False


def type_of_annotation(ann: Any, owner: str) -> Type:
    """Map a pydantic field annotation onto a language type."""
    if _state_annotation(ann):
        return STATE
    origin = get_origin(ann)
    if origin is Annotated:
        return type_of_annotation(get_args(ann)[0], owner)
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(ann) if a is not type(None)]
        if len(inner) == 1:
            return type_of_annotation(inner[0], owner)
        raise TypeError(f"{owner}: unions other than X | None are not in the language")
    if origin is Literal:
        values = tuple(str(v) for v in get_args(ann))
        return EnumType(f"enum {owner}", values)
    if origin is list:
        (element,) = get_args(ann)
        return ListType(
            f"list of {type_of_annotation(element, owner)}", type_of_annotation(element, owner)
        )
    if ann is bool:
        return BOOL
    if ann is int:
        return INT
    if ann is str:
        return TEXT
    if ann is dt.date:
        return DATE
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return RecordType(ann.__name__, ann)
    raise TypeError(f"{owner}: annotation {ann!r} has no type in the rule language")


# Fields of the fact model that rules may not read: identity and bookkeeping, not facts.
HIDDEN_FIELDS = frozenset({"provenance", "annotations", "description", "sources", "id"})


@cache
def record_fields(model: type[BaseModel]) -> dict[str, Type]:
    """The readable fields of a record, in declaration order."""
    out: dict[str, Type] = {}
    for name, info in model.model_fields.items():
        if name in HIDDEN_FIELDS:
            continue
        owner = f"{model.__name__}.{name}"
        # pydantic moves Annotated metadata of a field into ``info.metadata``.
        validators = {getattr(getattr(m, "func", None), "__name__", "") for m in info.metadata}
        if validators & _STATE_VALIDATORS:
            out[name] = STATE
            continue
        if "_state_set" in validators:
            out[name] = STATE_LIST
            continue
        out[name] = type_of_annotation(info.annotation, owner)
    # Enum types are named after the field path so messages read "enum effects.disruption".
    return out


INCIDENT = RecordType("incident", Incident)
PROFILE = RecordType("profile parameters", ProfileParameters)
