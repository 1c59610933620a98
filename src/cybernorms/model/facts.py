"""Fact schema v2: what is known about one ICT action (NORMS section 7, ``docs/fact-schema.md``).

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
* **v2 is a superset of v1**: every v1 name keeps its meaning, except the two request fields v2
  replaces (``answered`` by ``answer``, ``about_critical_infrastructure`` by ``about_ci``). Files
  written in v1 are mapped by ``model.schema_versions`` before they reach this model, which
  therefore only speaks v2.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar, get_args

import pycountry
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from cybernorms.model.states import State

SCHEMA_VERSION = "cybernorms.incident/2"
SCHEMA_V1 = "cybernorms.incident/1"

InitiatorCategory = Literal[
    "state",
    "state_affiliated",
    "non_state_group",
    "individual",
    "criminal",
    "hacktivist",
    "terrorist",
    "private_company",
]
AttributionLevel = Literal["direct", "indirect", "none_or_negligent"]
# How the conduct is tied to the state, in the terms of the ILC Articles on State
# Responsibility 2001 (NORMS section 5, L1): organ (art 4), empowered entity (art 5), organ at
# its disposal (art 6), instructed / directed or controlled (art 8), acknowledged and adopted
# (art 11); aided (art 16, support short of attribution), tolerated (no link beyond the
# territorial state's inaction), none.
AttributionLink = Literal[
    "organ",
    "empowered",
    "at_disposal",
    "instructed",
    "directed_or_controlled",
    "acknowledged",
    "aided",
    "tolerated",
    "none",
]
AttributionBasis = Literal[
    "receiver_government",
    "other_government",
    "it_security",
    "media",
    "self",
    "legal_action",
    "contested",
    "infrastructure_origin",
    "technical",
    "intelligence",
]
ClaimantType = Literal["government", "intl_org", "it_company", "media", "academic", "self"]
Confidence = Literal["low", "medium", "high"]
IncidentStatus = Literal["ongoing", "ended"]
TerritoryRoleKind = Literal["origin", "transit", "infrastructure", "controlled_infrastructure"]
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
Owner = Literal["government", "state_owned", "private", "civil_society"]
GovernmentalFunction = Literal[
    "electoral",
    "legislative",
    "executive",
    "judicial",
    "tax",
    "social_services",
    "military",
    "intelligence",
    "police",
    "foreign_affairs",
]
DataTheft = Literal["none", "non_sensitive", "sensitive"]
Disruption = Literal["none", "short", "long"]
Hijacking = Literal["none", "empowerment", "misuse"]
Physical = Literal["none", "local", "widespread"]
LossOfFunction = Literal["none", "temporary", "repair", "permanent"]
EffectScope = Literal["local", "national", "multinational"]
GovFunctionEffect = Literal["none", "interfered", "usurped"]
Purpose = Literal[
    "espionage",
    "influence",
    "disruption",
    "sabotage",
    "coercion",
    "financial",
    "surveillance",
    "censorship",
    "shutdown",
    "doxing",
    "tool_transfer",
    "incident_response",
]
Matter = Literal[
    "elections",
    "political_system",
    "foreign_policy",
    "economic_system",
    "legislation",
    "public_health",
    "security_policy",
    "other",
]
KnowledgeKind = Literal["actual", "constructive"]
KnowledgeSource = Literal["victim_notice", "own_detection", "public_report", "third_party"]
# ``criminal_cooperation`` is the v1 word (a request for cooperation against crime whose form
# is not known); the v2 words name the form.
RequestKind = Literal[
    "assistance",
    "mitigation",
    "information",
    "criminal_cooperation",
    "mla",
    "extradition",
    "preservation",
]
RequestChannel = Literal["poc_directory", "cert", "diplomatic", "mla_authority", "network_24x7"]
Answer = Literal["none", "acknowledged", "acted", "refused"]
RefusalGround = Literal[
    "sovereignty", "political_offence", "essential_interests", "capacity", "other"
]
MeasureKind = Literal["takedown", "blocking", "arrest", "investigation", "advisory", "other"]
ResponseKind = Literal[
    "statement",
    "attribution",
    "retorsion",
    "sanctions",
    "countermeasure",
    "self_defence",
    "indictment",
    "expulsion",
]

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


def _currency(value: object) -> object:
    """An ISO 4217 code (``pycountry``), upper case; unknown words read as ``None``."""
    value = _unknown_to_none(value)
    if value is None:
        return None
    if not isinstance(value, str) or pycountry.currencies.get(alpha_3=value.upper()) is None:
        raise ValueError(f"unknown currency code {value!r} (ISO 4217, e.g. EUR, USD)")
    return value.upper()


T = TypeVar("T")
# An enumerated fact that may be unknown; the words for "not known" read as None.
Opt = Annotated[T | None, BeforeValidator(_unknown_to_none)]
# A set of codes that may be unknown: sorted, without repeats.
CodeSet = Annotated[
    list[T] | None, BeforeValidator(_dedupe_sorted), BeforeValidator(_unknown_to_none)
]
NonNegative = Annotated[int | None, Field(ge=0)]

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
    military: bool | None = None  # +v2: armed forces (use-of-force factors)
    cert_id: str | None = None  # +v2: a CERT misused as initiator (norm k, second limb)


class Claim(_Facts):
    """One attribution statement: who said the operation is whose, how, and how firmly.

    Kept one per statement (never merged into the strongest): a lens may accept only some
    claimants (governments only, or any credible source).
    """

    by_state: State = None  # the claiming government, when a government claims
    by_actor_type: Opt[ClaimantType] = None
    attributed_state: State = None
    link: Opt[AttributionLink] = None  # the link the claim asserts, where it says one
    date: dt.date | None = None
    basis: CodeSet[AttributionBasis] = None
    confidence: Opt[Confidence] = None
    evidence_published: bool | None = None
    public: bool | None = None
    legal_claim: bool | None = None  # asserts state responsibility, not only technical origin


class Attribution(_Facts):
    """To which state the operation is attributed, and on what basis.

    ``level`` follows the law of state responsibility: ``direct`` (state organs),
    ``indirect`` (a state directed, controlled, knowingly supported or sanctioned it),
    ``none_or_negligent``. It is a fact established by attributions, never a coder's verdict.
    ``link`` (v2) says which tie of the ILC Articles it is; ``level`` stays for v1 rules.
    """

    state: State = None
    level: Opt[AttributionLevel] = None
    link: Opt[AttributionLink] = None  # +v2
    basis: CodeSet[AttributionBasis] = None
    attributing_states: StateSet = None
    claims: list[Claim] | None = None  # +v2


class TerritoryRole(_Facts):
    """What a state's territory served for (origin, transit, infrastructure)."""

    state: State = None
    role: Opt[TerritoryRoleKind] = None


class Target(_Facts):
    """One receiver of the operation: whose it is, where it is and what it does.

    ``country`` is the state the receiver belongs to (its nationality: the state whose
    institution, company or people it is); ``location`` (v2) is the state where the affected
    system is. They differ for a network run from abroad. An international organisation is
    named in ``org``, never as a state.
    """

    country: State = None
    category: Opt[TargetCategory] = None
    sector: Opt[Sector] = None
    is_cert: bool | None = None
    name: str | None = None
    org: str | None = None  # +v2
    location: State = None  # +v2
    owner: Opt[Owner] = None  # +v2
    cert_id: str | None = None  # +v2
    entity_ids: list[str] | None = None  # +v2: domains, ASNs, prefixes, LEIs
    function: CodeSet[GovernmentalFunction] = None  # +v2: governmental functions hit


class Effects(_Facts):
    """What the operation did. Each effect is graded by a closed scale."""

    data_theft: Opt[DataTheft] = None
    disruption: Opt[Disruption] = None
    hijacking: Opt[Hijacking] = None
    physical: Opt[Physical] = None
    casualties: NonNegative = None
    ransomware: bool | None = None
    doxing: bool | None = None
    zero_days: bool | None = None
    intrusion: bool | None = None  # +v2: unauthorised access occurred
    data_altered: bool | None = None  # +v2: data modified or destroyed
    loss_of_function: Opt[LossOfFunction] = None  # +v2
    service_to_public_impaired: bool | None = None  # +v2
    duration_hours: NonNegative = None  # +v2: how long the effect lasted
    reversible: bool | None = None  # +v2
    economic_loss_usd: NonNegative = None  # +v2: whole US dollars
    economic_loss_amount: NonNegative = None  # +v2: in the source's currency
    economic_loss_currency: Annotated[str | None, BeforeValidator(_currency)] = None  # +v2
    scope: Opt[EffectScope] = None  # +v2
    gov_function: Opt[GovFunctionEffect] = None  # +v2
    control_deprived: bool | None = None  # +v2
    serious_adverse: bool | None = None  # +v2: a judgement; provenance says who judged
    spillover_states: StateSet = None  # +v2


class Intent(_Facts):
    """What the operation was for, as far as it is known (+v2)."""

    purpose: Opt[Purpose] = None
    matter: Opt[Matter] = None
    compel: bool | None = None
    damage_ci: bool | None = None


class Context(_Facts):
    """The circumstances around the operation."""

    armed_conflict: bool | None = None
    conflict_intensity: Annotated[int | None, Field(ge=1, le=5)] = None
    supply_chain: bool | None = None
    conflict_parties: StateSet = None  # +v2
    consent: bool | None = None  # +v2: the target state consented


class SupplyChain(_Facts):
    """How a product figured in the operation (+v2; norm (i)).

    ``hidden_function`` and ``tampered`` describe a compromised supply chain (a function
    inserted in a product, a product or update altered before delivery); ``product_exploited``
    says a vendor's product was only the access route (a flaw of an untampered product used).
    """

    hidden_function: bool | None = None
    tampered: bool | None = None
    product_exploited: bool | None = None
    vendor_country: State = None
    product: str | None = None


class HumanRights(_Facts):
    """An assessor's judgement of a restriction (+v2; norm (e)); provenance says who judged."""

    lawful_basis: bool | None = None
    necessary: bool | None = None
    proportionate: bool | None = None


class Vulnerability(_Facts):
    """A vulnerability used in the operation and what a state did with it (+v2; norm (j))."""

    cve: str | None = None
    zero_day: bool | None = None
    known_to_state: State = None
    known_since: dt.date | None = None
    disclosed: bool | None = None
    retained: bool | None = None
    leaked: bool | None = None
    exploited_against_others: bool | None = None


class Knowledge(_Facts):
    """That a state knew (or should have known) of the operation, since when, how (+v2)."""

    state: State = None
    kind: Opt[KnowledgeKind] = None
    date: dt.date | None = None
    source: Opt[KnowledgeSource] = None


class Request(_Facts):
    """A request made to a state about the operation, and how it was answered."""

    from_state: State = None
    to_state: State = None
    kind: Opt[RequestKind] = None
    channel: Opt[RequestChannel] = None  # +v2
    date: dt.date | None = None  # +v2
    about_ci: bool | None = None  # v1: about_critical_infrastructure
    appropriate: bool | None = None  # +v2
    answer: Opt[Answer] = None  # v1: answered
    answer_date: dt.date | None = None  # +v2
    refusal_ground: Opt[RefusalGround] = None  # +v2

    @model_validator(mode="after")
    def _coherent(self) -> Request:
        if self.to_state is not None and self.to_state == self.from_state:
            raise ValueError(f"to_state: {self.to_state} cannot send a request to itself")
        if self.answer_date and self.date and self.answer_date < self.date:
            raise ValueError(
                f"answer_date: {self.answer_date} is before the request's date {self.date}"
            )
        return self


class Measure(_Facts):
    """A step a state took against the operation (+v2; due diligence)."""

    state: State = None
    date: dt.date | None = None
    kind: Opt[MeasureKind] = None
    reasonable: bool | None = None


class Capacity(_Facts):
    """Whether a state could act, and sought help where it could not (+v2; norm (c))."""

    state: State = None
    limited: bool | None = None
    assistance_sought: bool | None = None


class Response(_Facts):
    """A state's response to the operation (+v2; norm (b), countermeasures, self-defence)."""

    by_state: State = None
    against_state: State = None
    date: dt.date | None = None
    kind: Opt[ResponseKind] = None
    called_to_comply: bool | None = None
    notified: bool | None = None
    offered_negotiation: bool | None = None
    urgent: bool | None = None
    forcible: bool | None = None
    necessary: bool | None = None
    proportionate: bool | None = None
    reversible: bool | None = None
    act_ceased: bool | None = None
    tribunal_pending: bool | None = None
    reported_to_unsc: bool | None = None


class SourceValue(BaseModel):
    """The value a source gave for a fact, before it was mapped onto the schema."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    field: str
    value: str


# Fields computed from others (never written by hand; a copy of an incident may leave them out).
DERIVED_FIELDS = frozenset({"requested_states"})
# The fact groups that are always present (``effects: null`` reads as an empty group).
GROUPS = (
    "initiator",
    "attribution",
    "effects",
    "intent",
    "context",
    "supply_chain",
    "human_rights",
)


def requested_states_of(requests: list[Request] | None) -> list[str] | None:
    """The states that received a request, sorted, without repeats (``None``: unknown).

    A request whose receiver is unknown adds no state: whoever it is, no known state's answer
    can be judged by it.
    """
    if requests is None:
        return None
    return sorted({r.to_state for r in requests if r.to_state is not None})


class Incident(_Facts):
    """One cyber operation or campaign, described by facts (fact schema v2)."""

    id: str = Field(min_length=1)
    name: str | None = None
    description: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: Opt[IncidentStatus] = None  # +v2
    sources: list[str] = Field(default_factory=list)
    initiator: Initiator = Field(default_factory=Initiator)
    attribution: Attribution = Field(default_factory=Attribution)
    territory_used: StateSet = None
    territory_roles: list[TerritoryRole] | None = None  # +v2
    operators_in_target_territory: bool | None = None  # +v2
    targets: list[Target] | None = None
    effects: Effects = Field(default_factory=Effects)
    intent: Intent = Field(default_factory=Intent)  # +v2
    context: Context = Field(default_factory=Context)
    supply_chain: SupplyChain = Field(default_factory=SupplyChain)  # +v2
    human_rights: HumanRights = Field(default_factory=HumanRights)  # +v2
    vulnerabilities: list[Vulnerability] | None = None  # +v2
    knowledge: list[Knowledge] | None = None  # +v2
    requests: list[Request] | None = None
    # +v2, derived: the receivers of ``requests`` (a list of states, so that a rule can judge
    # each requested state: ``subject: requested_states``). Never written by hand.
    requested_states: StateSet = None
    measures: list[Measure] | None = None  # +v2
    capacity: list[Capacity] | None = None  # +v2
    responses: list[Response] | None = None  # +v2
    provenance: dict[str, SourceValue] = Field(default_factory=dict)
    annotations: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _prepare(cls, data: Any) -> Any:
        """Null groups read as empty; the schema key is checked and dropped; the derived
        ``requested_states`` is computed (and, when a file gives it, must agree)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        schema = data.pop("schema", SCHEMA_VERSION)
        if schema != SCHEMA_VERSION:
            raise ValueError(
                f"schema: {schema!r} is not {SCHEMA_VERSION!r} (files in schema v1 are read "
                "through the incident file loader, which maps them)"
            )
        for group in GROUPS:
            if group in data and data[group] is None:
                data[group] = {}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Incident:
        problems = list(self._problems())
        if problems:
            raise ValueError("; ".join(problems))
        derived = requested_states_of(self.requests)
        given = self.requested_states
        given_set = None if given is None else sorted({s for s in given if s is not None})
        if given_set is not None and given_set != derived:
            raise ValueError(
                f"requested_states: {given} differs from the receivers of requests[*].to_state "
                f"{derived} (it is derived: leave it out)"
            )
        # Set directly: assigning through pydantic would validate (and call this) again.
        self.__dict__["requested_states"] = derived
        return self

    def _problems(self) -> list[str]:
        """The cross-field rules of NORMS section 7, each naming the field path."""
        out: list[str] = []
        if self.start_date and self.end_date and self.end_date < self.start_date:
            out.append(f"end_date {self.end_date} is before start_date {self.start_date}")
        used = set(self.territory_used or ())
        for i, role in enumerate(self.territory_roles or ()):
            if (
                role.state is not None
                and self.territory_used is not None
                and role.state not in used
            ):
                out.append(f"territory_roles[{i}].state: {role.state} is not in territory_used")
        for i, t in enumerate(self.targets or ()):
            if t.country is not None and t.org is not None:
                out.append(
                    f"targets[{i}].org: a target is a state's ({t.country}) or an international "
                    f"organisation's ({t.org!r}), not both (use location for where it is)"
                )
        for i, r in enumerate(self.responses or ()):
            if r.date and self.start_date and r.date < self.start_date:
                out.append(f"responses[{i}].date: {r.date} is before start_date {self.start_date}")
        return out


def enum_values(tp: Any) -> tuple[str, ...]:
    """The closed set of values of a ``Literal`` enumeration, in declaration order."""
    return tuple(str(v) for v in get_args(tp))
