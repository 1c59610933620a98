"""The acts of a forum's record, as strict payload types.

Every act a state, a forum's secretariat or a treaty's depositary can put on the log is one
frozen pydantic model here, told apart by ``kind`` (a discriminated union, the way python-tuf
dispatches ``Metadata[T]`` on the signed type). The models are strict on purpose: an integer
written as ``"3"``, a date written as ``3``, or a field nobody defined is refused with the
field's name, because a misspelt field that goes into the log as an act is a fact nobody
meant (issue 9: ``package publish`` once logged a misspelt field).

Two shapes are deliberate:

- a decision (``close``) has no free-text field at all: its outcome and counts are all it
  holds. A "view" slipped into it is refused as ``FreeTextInDecision``; views are
  ``statement`` acts, attributed and typed;
- every act that names a package names one content hash of the whole package (``revision``):
  there is no field through which a single norm could be adopted or ratified.

Every act carries ``seq``, its author's own sequence number (1, 2, 3...), so that a signed act
logged twice is a replay and one logged after its successor is out of order, whatever the
registry does.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from cybernorms.errors import LimitExceeded
from cybernorms.forum.errors import FreeTextInDecision, MalformedAct
from cybernorms.limits import LIMITS
from cybernorms.model.states import iso3_codes
from cybernorms.rules.package import PACKAGE_ID, RULE_ID

#: Forum, proposal, call and depositary ids: lower-case words joined by ``-``.
SLUG = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
#: A package version's content hash: hex SHA-256, as ``rules.package.Package.digest``.
CONTENT_HASH = r"^[0-9a-f]{64}$"
#: A paragraph reference inside a package ("25", "25(b)", "III.A.7").
PARAGRAPH = r"^[0-9A-Za-z][0-9A-Za-z.()\-]*$"


def _iso3(value: str) -> str:
    if value not in iso3_codes():
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-3 code")
    return value


def _sorted_unique(values: tuple[str, ...]) -> tuple[str, ...]:
    if list(values) != sorted(set(values)):
        raise ValueError("must be sorted and without duplicates")
    return values


State = Annotated[str, AfterValidator(_iso3)]
Slug = Annotated[str, Field(pattern=SLUG, max_length=100)]
PackageId = Annotated[str, Field(pattern=PACKAGE_ID, max_length=100)]
NormId = Annotated[str, Field(pattern=RULE_ID, max_length=200)]
ContentHash = Annotated[str, Field(pattern=CONTENT_HASH)]
Paragraph = Annotated[str, Field(pattern=PARAGRAPH, max_length=50)]
Text = Annotated[str, Field(min_length=1)]
States = Annotated[tuple[State, ...], AfterValidator(_sorted_unique)]
Norms = Annotated[tuple[NormId, ...], Field(min_length=1), AfterValidator(_sorted_unique)]
Count = Annotated[int, Field(ge=0)]


class Strict(BaseModel):
    """Frozen, no extra field, no coercion: the base of every payload type."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --- decision rules, as data -----------------------------------------------------------------


class Ratio(Strict):
    """A fraction of the frozen electorate, kept exact (no floats in a decision)."""

    numerator: Count
    denominator: Annotated[int, Field(ge=1)]

    @model_validator(mode="after")
    def _at_most_one(self) -> Self:
        if self.numerator > self.denominator:
            raise ValueError("a ratio of the electorate is at most 1")
        return self

    def of(self, electorate: int) -> int:
        """The smallest whole number of members that is at least this fraction of them."""
        return -(-electorate * self.numerator // self.denominator)


class ConsensusRule(Strict):
    """Adopted without a vote iff, at the close of the silence period, no member of the frozen
    electorate has ``object`` as its latest position and no concern is open."""

    rule: Literal["consensus"]


class VotingRule(Strict):
    """Adopted by vote: ``majority`` (yes > no) or ``two_thirds`` (yes >= 2 x no) of the
    members present and voting; abstentions are not votes. ``quorum``: the fraction of the
    electorate that must cast a vote (abstentions included) for any decision at all."""

    rule: Literal["majority", "two_thirds"]
    quorum: Ratio


DecisionRule = Annotated[ConsensusRule | VotingRule, Field(discriminator="rule")]
QuestionKind = Literal["new_package", "amendment", "withdrawal"]


class DecisionRules(Strict):
    """The forum's rule for each kind of question it decides."""

    new_package: DecisionRule
    amendment: DecisionRule
    withdrawal: DecisionRule

    def for_question(self, question: QuestionKind) -> ConsensusRule | VotingRule:
        rule: ConsensusRule | VotingRule = getattr(self, question)
        return rule


# --- treaty terms ----------------------------------------------------------------------------

ConsentKind = Literal["ratification", "acceptance", "approval", "accession", "succession"]
InstrumentKind = Literal[
    "signature", "ratification", "acceptance", "approval", "accession", "succession"
]
CONSENT_KINDS: tuple[ConsentKind, ...] = (
    "ratification",
    "acceptance",
    "approval",
    "accession",
    "succession",
)


class DaysAfter(Strict):
    """``days`` days after the date it counts from (day 0)."""

    delay: Literal["days"]
    days: Count


class FirstOfMonthAfter(Strict):
    """The first day of the month following ``months`` months after the date it counts from."""

    delay: Literal["first_of_month_after_months"]
    months: Count


Delay = Annotated[DaysAfter | FirstOfMonthAfter, Field(discriminator="delay")]


class EntryIntoForceRule(Strict):
    """When a treaty version enters into force, and for whom, as parameters.

    In general: ``general`` after the deposit of the ``instruments``-th instrument of one of
    the ``counted`` kinds. For a state consenting after that instrument: ``later`` after its own
    deposit, and (``later_not_before_general``) never before the general date. No real
    treaty's figures live in code: they are data on the record, with their source.
    """

    instruments: Annotated[int, Field(ge=1)]
    counted: Annotated[tuple[ConsentKind, ...], Field(min_length=1)] = (
        "ratification",
        "acceptance",
        "approval",
        "accession",
    )
    general: Delay
    later: Delay
    later_not_before_general: bool = True


class TreatyTerms(Strict):
    """Who keeps the treaty's instruments, when it enters into force, and the notice a
    denunciation takes to have effect."""

    depositary: Slug
    entry_into_force: EntryIntoForceRule
    denunciation_notice: Delay


class ReservationPolicy(Strict):
    """Which reservations a package allows: ``none``; ``listed`` (only to the norms named);
    ``any`` (to any norm of the package). Partial effect exists only through this clause."""

    allowed: Literal["none", "listed", "any"] = "none"
    norms: Annotated[tuple[NormId, ...], AfterValidator(_sorted_unique)] = ()

    @model_validator(mode="after")
    def _norms_iff_listed(self) -> Self:
        if (self.allowed == "listed") != bool(self.norms):
            raise ValueError("norms are listed exactly when allowed is 'listed'")
        return self


class PackageTerms(Strict):
    """What a forum declares about a package it owns: political (``norms``) or ``treaty``,
    its reservation policy and, for a treaty, its treaty terms."""

    package: PackageId
    kind: Literal["norms", "treaty"]
    reservations: ReservationPolicy = ReservationPolicy()
    treaty: TreatyTerms | None = None

    @model_validator(mode="after")
    def _treaty_terms(self) -> Self:
        if (self.kind == "treaty") != (self.treaty is not None):
            raise ValueError("treaty terms are given exactly when kind is 'treaty'")
        if self.kind == "norms" and self.reservations.allowed != "none":
            raise ValueError("only a treaty package admits reservations")
        return self


# --- the acts --------------------------------------------------------------------------------


class _Act(Strict):
    seq: Annotated[int, Field(ge=1)]


class ForumNew(_Act):
    """A forum comes into being: its mandate, who may join, its decision rules, the packages
    it alone may amend. Authored by the forum's own secretariat."""

    kind: Literal["forum_new"]
    forum: Slug
    name: Text
    mandate: Text
    membership: Literal["open", "listed"]
    eligible: States = ()
    decision_rules: DecisionRules
    packages: tuple[PackageTerms, ...] = ()

    @model_validator(mode="after")
    def _eligible_iff_listed(self) -> Self:
        if (self.membership == "listed") != bool(self.eligible):
            raise ValueError("eligible states are listed exactly when membership is 'listed'")
        ids = [p.package for p in self.packages]
        if len(ids) != len(set(ids)):
            raise ValueError("packages: a package is listed twice")
        return self


class Join(_Act):
    """A state joins a forum as member or observer; observers speak but do not decide."""

    kind: Literal["join"]
    forum: Slug
    state: State
    role: Literal["member", "observer"]


class Leave(_Act):
    """A state leaves a forum; calls it was frozen into still count it (it stays silent)."""

    kind: Literal["leave"]
    forum: Slug
    state: State


class Propose(_Act):
    """A proposal: a new package, an amendment of an adopted one, or its withdrawal.

    ``revision`` is the content hash of the WHOLE package as proposed (for a withdrawal: the
    adopted version withdrawn) and ``norms`` every norm id it contains. ``terms`` declares a
    new package the forum did not list at creation (and so claims it); nothing else has terms.
    """

    kind: Literal["propose"]
    forum: Slug
    proposal: Slug
    proposal_kind: QuestionKind
    package: PackageId
    revision: ContentHash
    norms: Norms
    terms: PackageTerms | None = None


class Revise(_Act):
    """A new revision of a proposal: again the content hash of the whole package. Accepting
    amendment texts means listing them here (by log index): an amendment is never adopted
    alone, it becomes part of a whole revision. A revision during a call ends that call."""

    kind: Literal["revise"]
    forum: Slug
    proposal: Slug
    revision: ContentHash
    norms: Norms
    accepts: tuple[Annotated[int, Field(ge=0)], ...] = ()


class Amend(_Act):
    """An amendment text against one revision of a proposal (a draft until a revision
    accepts it)."""

    kind: Literal["amend"]
    forum: Slug
    proposal: Slug
    against: ContentHash
    amendment: Slug
    text: Text


class Call(_Act):
    """A decision call: pins one revision, states the rule it decides by, freezes the
    electorate (the forum's members at opening, sorted) and when its silence or voting
    period ends."""

    kind: Literal["call"]
    forum: Slug
    call: Slug
    proposal: Slug
    revision: ContentHash
    rule: DecisionRule
    electorate: States
    period_ends: AwareDatetime


PositionKind = Literal[
    "join", "no_objection", "abstain", "disassociate", "object", "not_participating"
]


class Position(_Act):
    """A member's position in a consensus call. Latest wins; history is kept. Only
    ``object`` blocks; ``disassociate`` names the paragraphs and is recorded, not blocking."""

    kind: Literal["position"]
    forum: Slug
    call: Slug
    revision: ContentHash
    state: State
    position: PositionKind
    paragraphs: Annotated[tuple[Paragraph, ...], AfterValidator(_sorted_unique)] = ()

    @model_validator(mode="after")
    def _paragraphs_iff_disassociate(self) -> Self:
        if (self.position == "disassociate") != bool(self.paragraphs):
            raise ValueError("paragraphs are named exactly when the position is 'disassociate'")
        return self


class Vote(_Act):
    """A member's vote in a voting call: once, never corrected."""

    kind: Literal["vote"]
    forum: Slug
    call: Slug
    revision: ContentHash
    state: State
    vote: Literal["yes", "no", "abstain"]


class Concern(_Act):
    """A named, blocking concern in a consensus call, resolved only by whoever raised it."""

    kind: Literal["concern"]
    forum: Slug
    call: Slug
    revision: ContentHash
    state: State
    concern: Slug


class Resolve(_Act):
    """The state that raised a concern lifts it."""

    kind: Literal["resolve"]
    forum: Slug
    call: Slug
    state: State
    concern: Slug


Outcome = Literal["adopted_without_vote", "adopted_by_vote", "rejected", "no_decision"]


class Counts(Strict):
    """A recorded vote's counts; non-voting members of the electorate are the rest."""

    yes: Count
    no: Count
    abstain: Count


class Close(_Act):
    """The secretariat closes a call and records its outcome (with counts after a vote).

    ``revision`` repeats the content hash the call pinned, so that the decision, read alone
    (in a receipt), names the one whole package version it decides. No other field exists: a
    decision holds no view, summary or comment."""

    kind: Literal["close"]
    forum: Slug
    call: Slug
    revision: ContentHash
    outcome: Outcome
    counts: Counts | None = None


StatementKind = Literal[
    "explanation_of_position", "national_view", "chairs_summary", "interpretive_declaration"
]


class Statement(_Act):
    """Words beside a decision, never part of it: attributed to a state (or, for a chair's
    summary, to the forum's secretariat, with no state) and typed."""

    kind: Literal["statement"]
    forum: Slug
    statement: StatementKind
    state: State | None = None
    call: Slug | None = None
    text: Text

    @model_validator(mode="after")
    def _attributed(self) -> Self:
        if (self.statement == "chairs_summary") != (self.state is None):
            raise ValueError("a chair's summary names no state; every other statement names one")
        return self


class Instrument(_Act):
    """The depositary records a state's instrument for one whole treaty version, with the
    date of signature or deposit."""

    kind: Literal["instrument"]
    package: PackageId
    revision: ContentHash
    state: State
    instrument: InstrumentKind
    deposited_on: date


class Reservation(_Act):
    """A state's reservation to norms of one treaty version, checked against the package's
    reservation policy."""

    kind: Literal["reservation"]
    package: PackageId
    revision: ContentHash
    state: State
    norms: Norms
    text: Text
    made_on: date


class Declaration(_Act):
    """A state's declaration on a treaty version (optionally about some of its norms)."""

    kind: Literal["declaration"]
    package: PackageId
    revision: ContentHash
    state: State
    norms: Annotated[tuple[NormId, ...], AfterValidator(_sorted_unique)] = ()
    text: Text
    made_on: date


class ReservationObjection(_Act):
    """A state objects to another state's reservation (named by its log index)."""

    kind: Literal["reservation_objection"]
    package: PackageId
    revision: ContentHash
    state: State
    reservation: Annotated[int, Field(ge=0)]
    made_on: date


class Denunciation(_Act):
    """A state denounces a treaty; it takes effect after the treaty's notice period."""

    kind: Literal["denunciation"]
    package: PackageId
    state: State
    notified_on: date


class EntryIntoForceNotice(_Act):
    """The depositary notifies the date a treaty version enters into force generally; the
    record refuses a date that does not follow from the instruments on the log."""

    kind: Literal["entry_into_force"]
    package: PackageId
    revision: ContentHash
    enters_into_force_on: date


Act = Annotated[
    ForumNew
    | Join
    | Leave
    | Propose
    | Revise
    | Amend
    | Call
    | Position
    | Vote
    | Concern
    | Resolve
    | Close
    | Statement
    | Instrument
    | Reservation
    | Declaration
    | ReservationObjection
    | Denunciation
    | EntryIntoForceNotice,
    Field(discriminator="kind"),
]
ACT_KINDS: tuple[str, ...] = (
    "forum_new",
    "join",
    "leave",
    "propose",
    "revise",
    "amend",
    "call",
    "position",
    "vote",
    "concern",
    "resolve",
    "close",
    "statement",
    "instrument",
    "reservation",
    "declaration",
    "reservation_objection",
    "denunciation",
    "entry_into_force",
)
_ACT = TypeAdapter[Act](Act)


def parse_act(payload: bytes | str) -> Act:
    """Parse one act from its JSON payload (the signed bytes); refuse anything not exactly an
    act, naming the field (``MalformedAct``), or a decision with an extra field
    (``FreeTextInDecision``); a payload over ``LIMITS.document_bytes`` is ``LimitExceeded``."""
    size = len(payload.encode() if isinstance(payload, str) else payload)
    if size > LIMITS.document_bytes:
        raise LimitExceeded("document_bytes", LIMITS.document_bytes, "act", f"{size} bytes")
    try:
        return _ACT.validate_json(payload)
    except ValidationError as exc:
        raise _refusal(exc) from None


def act_document(act: Act) -> dict[str, object]:
    """The act as the JSON object that is signed and logged (``parse_act`` reads it back)."""
    document: dict[str, object] = json.loads(act.model_dump_json(exclude_defaults=False))
    return document


def _refusal(exc: ValidationError) -> MalformedAct | FreeTextInDecision:
    errors = exc.errors(include_url=False)
    # errors of a tagged union are located under the tag: ("close", "view")
    extra = [
        ".".join(str(p) for p in e["loc"][1:])
        for e in errors
        if e["type"] == "extra_forbidden" and e["loc"][:1] == ("close",)
    ]
    if extra:
        return FreeTextInDecision(
            f"a decision holds its outcome and counts only; field(s) {sorted(extra)} refused "
            f"(a view is a separate, attributed statement)"
        )
    described = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'act'}: {e['msg']}" for e in errors[:10]
    )
    more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
    return MalformedAct(f"not a valid act: {described}{more}")
