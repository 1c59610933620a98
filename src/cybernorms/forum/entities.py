"""What the forum record holds, as the fold builds it: forums, memberships, proposals and
their revisions and amendment texts, calls with their positions, votes and concerns,
statements, packages with their adoptions, and treaty instruments.

These are plain dataclasses owned by one ``ForumState``; readers treat them as read-only
(``ForumState.append`` works on a copy, so a state once returned never changes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from cybernorms.forum.acts import (
    ConsensusRule,
    Counts,
    ForumNew,
    Outcome,
    PackageTerms,
    QuestionKind,
    VotingRule,
)
from cybernorms.forum.decision import Tally
from cybernorms.forum.treaty import Deposit

# --- what the record holds -------------------------------------------------------------------


@dataclass
class MembershipEvent:
    """A join (role ``member`` or ``observer``) or leave (role ``None``), by log index."""

    state: str
    role: str | None
    log_index: int
    attribution: str


@dataclass
class Revision:
    """One revision of a proposal: the content hash of the whole package and its norm ids."""

    content_hash: str
    norms: tuple[str, ...]
    log_index: int
    accepts: tuple[int, ...] = ()


@dataclass
class AmendmentText:
    """An amendment text against one revision; ``accepted_in`` is the revision that took it
    in (an amendment is never adopted on its own)."""

    name: str
    against: str
    text: str
    log_index: int
    attribution: str
    accepted_in: str | None = None


@dataclass
class Proposal:
    forum: str
    id: str
    kind: QuestionKind
    package: str
    revisions: list[Revision]
    amendments: dict[int, AmendmentText]
    log_index: int
    attribution: str
    adopted_by: str | None = None  # call id

    @property
    def current(self) -> Revision:
        return self.revisions[-1]


@dataclass
class PositionEntry:
    state: str
    position: str
    paragraphs: tuple[str, ...]
    log_index: int
    attribution: str
    signed_by_state: bool


@dataclass
class VoteEntry:
    state: str
    vote: str
    log_index: int
    attribution: str
    signed_by_state: bool


@dataclass
class ConcernEntry:
    name: str
    state: str
    raised_at: int
    resolved_at: int | None = None


@dataclass
class DecisionCall:
    """A call: pinned revision, rule, frozen electorate, period; its record and outcome."""

    forum: str
    id: str
    proposal: str
    revision: str
    rule: ConsensusRule | VotingRule
    electorate: tuple[str, ...]
    period_ends: datetime
    opened_at: int
    positions: dict[str, list[PositionEntry]] = field(default_factory=dict)
    votes: dict[str, VoteEntry] = field(default_factory=dict)
    concerns: list[ConcernEntry] = field(default_factory=list)
    status: str = "open"  # open | closed | superseded
    outcome: Outcome | None = None
    counts: Counts | None = None
    ended_at: int | None = None
    superseded_by: str | None = None

    def latest_position(self, state: str) -> PositionEntry | None:
        history = self.positions.get(state)
        return history[-1] if history else None

    def open_concerns(self) -> list[ConcernEntry]:
        return [c for c in self.concerns if c.resolved_at is None]

    def tally(self) -> Tally:
        """The call's record so far, as the decision rules read it."""
        objections = tuple(
            s for s in self.electorate if (p := self.latest_position(s)) and p.position == "object"
        )
        disassociations = {
            s: p.paragraphs
            for s in self.electorate
            if (p := self.latest_position(s)) and p.position == "disassociate"
        }
        votes = [v.vote for v in self.votes.values()]
        return Tally(
            electorate=len(self.electorate),
            objections=objections,
            open_concerns=tuple((c.name, c.state) for c in self.open_concerns()),
            disassociations=disassociations,
            counts=Counts(
                yes=votes.count("yes"), no=votes.count("no"), abstain=votes.count("abstain")
            ),
        )


@dataclass
class StatementEntry:
    """Words beside a decision: typed, attributed, never part of it."""

    forum: str
    kind: str
    state: str | None
    call: str | None
    text: str
    log_index: int
    attribution: str
    signed_by_author: bool


@dataclass
class Forum:
    id: str
    charter: ForumNew
    log_index: int
    members: dict[str, str] = field(default_factory=dict)  # state -> member | observer
    joined_at: dict[str, int] = field(default_factory=dict)
    membership_history: list[MembershipEvent] = field(default_factory=list)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    calls: dict[str, DecisionCall] = field(default_factory=dict)
    statements: list[StatementEntry] = field(default_factory=list)

    def voting_members(self) -> tuple[str, ...]:
        return tuple(sorted(s for s, role in self.members.items() if role == "member"))


@dataclass
class Adoption:
    """A decision adopting one whole package version: the fact behind ``consensus``."""

    package: str
    content_hash: str
    norms: tuple[str, ...]
    forum: str
    call: str
    outcome: Outcome
    counts: Counts | None
    log_index: int
    adopted_on: date
    disassociations: Mapping[str, tuple[str, ...]]
    attribution: str  # who recorded the decision; says so when from public sources
    signed_by_author: bool


@dataclass
class Withdrawal:
    package: str
    content_hash: str
    forum: str
    call: str
    log_index: int
    withdrawn_on: date


@dataclass
class ReservationEntry:
    state: str
    content_hash: str
    norms: tuple[str, ...]
    text: str
    made_on: date
    log_index: int
    attribution: str


@dataclass
class DeclarationEntry:
    state: str
    content_hash: str
    norms: tuple[str, ...]
    text: str
    made_on: date
    log_index: int
    attribution: str


@dataclass
class ObjectionEntry:
    state: str
    reservation: int
    made_on: date
    log_index: int
    attribution: str


@dataclass
class DenunciationEntry:
    state: str
    notified_on: date
    effective_on: date
    log_index: int
    attribution: str


@dataclass
class PackageRecord:
    """A package owned by one forum: its terms, adopted versions, and (treaty) instruments."""

    id: str
    owner: str
    terms: PackageTerms
    adoptions: list[Adoption] = field(default_factory=list)
    withdrawals: list[Withdrawal] = field(default_factory=list)
    signatures: dict[str, dict[str, Deposit]] = field(default_factory=dict)  # hash -> state
    deposits: dict[str, list[Deposit]] = field(default_factory=dict)  # hash -> in log order
    recorded_from_public_sources: set[int] = field(default_factory=set)  # log indexes
    reservations: list[ReservationEntry] = field(default_factory=list)
    declarations: list[DeclarationEntry] = field(default_factory=list)
    objections: list[ObjectionEntry] = field(default_factory=list)
    denunciations: dict[str, DenunciationEntry] = field(default_factory=dict)
    notices: list[tuple[str, date, int]] = field(default_factory=list)

    def adoption(self, content_hash: str) -> Adoption | None:
        return next((a for a in self.adoptions if a.content_hash == content_hash), None)

    def is_party(self, state: str) -> bool:
        return any(d.state == state for ds in self.deposits.values() for d in ds)

    def took_part(self, state: str, content_hash: str) -> bool:
        """Signed or consented to this version: may reserve, declare or object."""
        return state in self.signatures.get(content_hash, {}) or any(
            d.state == state for d in self.deposits.get(content_hash, [])
        )
