"""Fact schema v1: what is known about one ICT action (DESIGN section 4).

Why it looks the way it does:

* **Every fact may be unknown, and unknown is not false.** Scalars are ``None`` when unknown;
  a list is ``None`` when we do not know its members and ``[]`` when we know there are none.
  The word ``"unknown"`` in an enumerated field is read as ``None`` too, so rules never have to
  treat a magic string as a value.
* **Closed enumerations.** Each enumerated fact is a ``Literal``: the rule type checker reads
  the allowed values from these annotations, so a rule comparing ``effects.disruption`` with
  ``"severe"`` is rejected at load time, not silently false at run time.
* **Groups are always present** (``incident.effects`` is never ``None``): a rule reads
  ``effects.physical`` without a guard, and the engine's compiled code stays branch-free.
* **Provenance is kept beside the facts**, keyed by fact path (``"targets[0].sector"``), so a
  trace can show the source cell an importer read (e.g. the EuRepoC value) next to the value.
* ``annotations`` hold source-specific extras verbatim (e.g. EuRepoC's legal coding). The rule
  language cannot name them: the type checker only knows the fields declared here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from cybernorms.model.states import State

SCHEMA_VERSION = "cybernorms.incident/1"

InitiatorCategory = Literal[
    "state", "state_affiliated", "non_state_group", "individual", "criminal"
]
AttributionLevel = Literal["direct", "indirect", "none_or_negligent"]
AttributionBasis = Literal[
    "receiver_government",
    "other_government",
    "it_security",
    "media",
    "self",
    "legal_action",
    "contested",
]
TargetCategory = Literal[
    "state_institutions",
    "critical_infrastructure",
    "corporate",
    "media",
    "social_groups",
    "science",
    "international_org",
    "end_users",
    "other",
]
Sector = Literal[
    "government",
    "civil_service",
    "military",
    "legislative",
    "judiciary",
    "police",
    "intelligence",
    "elections",
    "political_parties",
    "diplomatic",
    "energy",
    "health",
    "water",
    "finance",
    "telecom",
    "transport",
    "food",
    "chemicals",
    "space",
    "digital_provider",
    "defence_industry",
    "critical_manufacturing",
    "research",
    "education",
    "media",
    "civil_society",
    "religious",
    "end_users",
    "international_org",
    "other",
]
DataTheft = Literal["none", "non_sensitive", "sensitive"]
Disruption = Literal["none", "short", "long"]
Hijacking = Literal["none", "empowerment", "misuse"]
Physical = Literal["none", "local", "widespread"]
RequestKind = Literal["assistance", "mitigation", "information", "criminal_cooperation"]

_UNKNOWN = frozenset({"unknown", "not available", ""})


def _unknown_to_none(value: object) -> object:
    """Read the words for "not known" as ``None`` so that unknown has one representation."""
    if isinstance(value, str) and value.strip().lower() in _UNKNOWN:
        return None
    return value


def _dedupe_sorted(value: object) -> object:
    """Sets of codes are stored sorted and without repeats: equal sets compare and hash equal."""
    if isinstance(value, list | tuple | set | frozenset):
        try:
            return sorted({v for v in value if v is not None}, key=str)
        except TypeError:  # an unhashable item (a list among codes): validation names it
            return value
    return value


def _state_set(value: object) -> object:
    if isinstance(value, list | tuple | set | frozenset):
        return [v for v in value if _unknown_to_none(v) is not None]
    return value


T = TypeVar("T")
# An enumerated fact that may be unknown; the words for "not known" read as None.
Opt = Annotated[T | None, BeforeValidator(_unknown_to_none)]


StateSet = Annotated[
    list[State] | None, BeforeValidator(_state_set), BeforeValidator(_unknown_to_none)
]


class _Facts(BaseModel):
    """Base of every fact group: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


class Initiator(_Facts):
    """Who carried the operation out (the hands on keyboard, not necessarily a state)."""

    name: str | None = None
    category: Opt[InitiatorCategory] = None
    country: State = None


class Attribution(_Facts):
    """To which state the operation is attributed, and on what basis.

    ``level`` follows the law of state responsibility: ``direct`` (state organs),
    ``indirect`` (a state directed, controlled, knowingly supported or sanctioned it),
    ``none_or_negligent``. It is a fact established by attributions, never a coder's verdict.
    """

    state: State = None
    level: Opt[AttributionLevel] = None
    basis: Annotated[
        list[AttributionBasis] | None,
        BeforeValidator(_dedupe_sorted),
        BeforeValidator(_unknown_to_none),
    ] = None
    attributing_states: StateSet = None


class Target(_Facts):
    """One receiver of the operation: where it is and what it does."""

    country: State = None
    category: Opt[TargetCategory] = None
    sector: Opt[Sector] = None
    is_cert: bool | None = None
    name: str | None = None


class Effects(_Facts):
    """What the operation did. Each effect is graded by a closed scale."""

    data_theft: Opt[DataTheft] = None
    disruption: Opt[Disruption] = None
    hijacking: Opt[Hijacking] = None
    physical: Opt[Physical] = None
    casualties: Annotated[int | None, Field(ge=0)] = None
    ransomware: bool | None = None
    doxing: bool | None = None
    zero_days: bool | None = None


class Context(_Facts):
    """The circumstances around the operation."""

    armed_conflict: bool | None = None
    conflict_intensity: Annotated[int | None, Field(ge=1, le=5)] = None
    supply_chain: bool | None = None


class Request(_Facts):
    """A request for assistance or cooperation made to a state, and whether it was answered."""

    from_state: State = None
    to_state: State = None
    kind: Opt[RequestKind] = None
    about_critical_infrastructure: bool | None = None
    answered: bool | None = None


class SourceValue(BaseModel):
    """The value a source gave for a fact, before it was mapped onto the schema."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    field: str
    value: str


class Incident(_Facts):
    """One cyber operation or campaign, described by facts (fact schema v1)."""

    id: str = Field(min_length=1)
    name: str | None = None
    description: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    sources: list[str] = Field(default_factory=list)
    initiator: Initiator = Field(default_factory=Initiator)
    attribution: Attribution = Field(default_factory=Attribution)
    territory_used: StateSet = None
    targets: list[Target] | None = None
    effects: Effects = Field(default_factory=Effects)
    context: Context = Field(default_factory=Context)
    requests: list[Request] | None = None
    provenance: dict[str, SourceValue] = Field(default_factory=dict)
    annotations: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Incident:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self

    @model_validator(mode="before")
    @classmethod
    def _null_groups_are_empty(cls, data: Any) -> Any:
        """``effects: null`` means every effect is unknown, the same as an empty group."""
        if isinstance(data, dict):
            for group in ("initiator", "attribution", "effects", "context"):
                if group in data and data[group] is None:
                    data = {**data, group: {}}
        return data


def enum_values(tp: Any) -> tuple[str, ...]:
    """The closed set of values of a ``Literal`` enumeration, in declaration order."""
    return tuple(str(v) for v in get_args(tp))
