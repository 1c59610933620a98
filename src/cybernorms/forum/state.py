"""The forum record as a state machine: ``ForumState = fold(records)``.

Every forum, proposal, call, package and treaty is a pure, deterministic function of the log's
forum records (FORUM.md section 2): no I/O, no clock, no randomness. The store keeps tables as
caches of this fold and refuses an append exactly when ``ForumState.append`` refuses it; an
auditor recomputes any outcome or entry-into-force date offline from a log prefix.

Each act is checked completely before anything changes (so a refused act leaves the state as
it was: nothing half-written), in this order:

1. the log's order: ``log_index`` increases, ``logged_at`` never goes back, the act did not
   take place after it was logged (``OutOfOrder``);
2. the author's sequence number: already used (``ReplayedAct``) or skipping one
   (``OutOfOrder``);
3. the act's own checks, author first (``WrongAuthor``, ``NotAMember``...), then the objects
   it names, then the invariants it could break.

The eight invariants of FORUM.md section 2, and where each is held:

1. balanced package: a proposal, call, decision, instrument and reservation name one content
   hash of a whole package; instruments and reservations only an *adopted* version
   (``NotWholePackage``); reservations only as the package's policy allows
   (``ReservationNotAllowed``);
2. a call decides only its pinned revision (``RevisionNotPinned``); a revision during a call
   ends it without decision;
3. the electorate is frozen at opening (``ElectorateMismatch``, ``ElectorateFrozen``);
4. consensus is the absence of blocking acts (``decision.outcome``; ``ConsensusBlocked``);
5. national views are never consensus: a decision has no free text (``FreeTextInDecision``,
   in ``acts``); statements are separate and attributed;
6. only the owning forum adopts a new version of its package (``NotPackageOwner``);
7. determinism: this module;
8. non-repudiation: signatures are verified before the fold (``authors``); the fold checks
   that the verified author may author the act (``WrongAuthor``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date, datetime
from typing import TypeVar

from cybernorms.forum import errors as refuse
from cybernorms.forum.acts import (
    Amend,
    Call,
    Close,
    Concern,
    ConsensusRule,
    Declaration,
    Denunciation,
    EntryIntoForceNotice,
    ForumNew,
    Instrument,
    Join,
    Leave,
    Position,
    Propose,
    Reservation,
    ReservationObjection,
    Resolve,
    Revise,
    Statement,
    TreatyTerms,
    Vote,
    VotingRule,
)
from cybernorms.forum.authors import (
    Depositary,
    Record,
    Secretariat,
    StateAuthor,
    acting_for,
    signer_key,
)
from cybernorms.forum.decision import outcome, still_needs
from cybernorms.forum.entities import (
    Adoption,
    AmendmentText,
    ConcernEntry,
    DecisionCall,
    DeclarationEntry,
    DenunciationEntry,
    Forum,
    MembershipEvent,
    ObjectionEntry,
    PackageRecord,
    PositionEntry,
    Proposal,
    ReservationEntry,
    Revision,
    StatementEntry,
    VoteEntry,
    Withdrawal,
)
from cybernorms.forum.treaty import (
    Deposit,
    StatusRow,
    add_delay,
    entry_into_force_for,
    general_entry_into_force,
)

_A = TypeVar("_A")


# --- the state -------------------------------------------------------------------------------


class ForumState:
    """Every forum, package and treaty as the log prefix makes them. Read it; never mutate it:
    ``append`` returns a new state and leaves this one as it was."""

    def __init__(self) -> None:
        self.forums: dict[str, Forum] = {}
        self.packages: dict[str, PackageRecord] = {}
        self.sequences: dict[str, int] = {}
        self.last_index: int | None = None
        self.last_logged_at: datetime | None = None
        self.records: int = 0

    # --- appending ---------------------------------------------------------------------------

    def append(self, record: Record) -> ForumState:
        """The state after ``record``, or the refusal (this state is unchanged either way)."""
        after = copy.deepcopy(self)
        after.apply(record)
        return after

    def apply(self, record: Record) -> None:
        """Apply ``record`` in place, for a caller that owns this state (``fold``, a store's
        cache): copying is linear in the state, applying is not. A refusal leaves the state
        exactly as it was, because every check runs before anything changes."""
        self._check_order(record)
        handler = _HANDLERS[type(record.act)]
        handler(self, record)
        self.sequences[signer_key(record.author)] = record.act.seq
        self.last_index = record.log_index
        self.last_logged_at = record.logged_at
        self.records += 1

    def _check_order(self, record: Record) -> None:
        where = f"log entry {record.log_index}"
        if self.last_index is not None and record.log_index <= self.last_index:
            raise refuse.OutOfOrder(
                f"{where}: log index does not follow the last forum record ({self.last_index})"
            )
        if self.last_logged_at is not None and record.logged_at < self.last_logged_at:
            raise refuse.OutOfOrder(
                f"{where}: logged at {record.logged_at.isoformat()}, before the previous record "
                f"({self.last_logged_at.isoformat()})"
            )
        if record.acted_at > record.logged_at:
            raise refuse.OutOfOrder(
                f"{where}: the act took place ({record.acted_at.isoformat()}) after it was "
                f"logged ({record.logged_at.isoformat()})"
            )
        key = signer_key(record.author)
        last = self.sequences.get(key, 0)
        if record.act.seq <= last:
            raise refuse.ReplayedAct(
                f"{where}: {key} already logged its act number {record.act.seq} "
                f"(last was {last}): a replay"
            )
        if record.act.seq != last + 1:
            raise refuse.OutOfOrder(
                f"{where}: {key}'s act number {record.act.seq} skips "
                f"{last + 1}..{record.act.seq - 1}: an earlier act is missing or reordered"
            )

    # --- reading -----------------------------------------------------------------------------

    def forum(self, forum_id: str) -> Forum:
        found = self.forums.get(forum_id)
        if found is None:
            raise refuse.UnknownForum(f"no forum {forum_id!r} on the log")
        return found

    def call(self, forum_id: str, call_id: str) -> DecisionCall:
        found = self.forum(forum_id).calls.get(call_id)
        if found is None:
            raise refuse.UnknownCall(f"forum {forum_id} has no call {call_id!r}")
        return found

    def package(self, package_id: str) -> PackageRecord:
        found = self.packages.get(package_id)
        if found is None:
            raise refuse.UnknownPackage(f"no forum owns a package {package_id!r}")
        return found

    def adoption_of(self, content_hash: str) -> Adoption | None:
        """The decision adopting exactly this package version, if one is on the log."""
        for package in self.packages.values():
            found = package.adoption(content_hash)
            if found is not None:
                return found
        return None

    def what_it_still_needs(self, forum_id: str, call_id: str) -> str:
        """The call's standing in words ("Consensus blocked: objection by IRN")."""
        call = self.call(forum_id, call_id)
        if call.status == "superseded":
            return (
                f"Ended without decision at log index {call.ended_at}: revision "
                f"{_short(call.superseded_by)} replaced the pinned revision "
                f"{_short(call.revision)}"
            )
        if call.status == "closed":
            return f"Closed at log index {call.ended_at}: {_outcome_words(call)}"
        words = still_needs(call.rule, call.tally())
        return f"{words} (period ends {call.period_ends.isoformat()})"

    def entry_into_force(self, package_id: str, content_hash: str) -> date | None:
        """When this treaty version enters into force generally (None: not yet)."""
        package = self.package(package_id)
        treaty = _treaty_terms(package)
        return general_entry_into_force(
            treaty.entry_into_force, package.deposits.get(content_hash, [])
        )

    def in_force_for(self, package_id: str, content_hash: str, state: str) -> date | None:
        """When this treaty version enters into force for ``state`` (None: not bound)."""
        package = self.package(package_id)
        treaty = _treaty_terms(package)
        return entry_into_force_for(
            treaty.entry_into_force, package.deposits.get(content_hash, []), state
        )

    def status_table(self, package_id: str, content_hash: str) -> list[StatusRow]:
        """The treaty version's status table, participants in alphabetical order."""
        package = self.package(package_id)
        _treaty_terms(package)
        signatures = package.signatures.get(content_hash, {})
        deposits = {d.state: d for d in package.deposits.get(content_hash, [])}
        rows = []
        for state in sorted(set(signatures) | set(deposits)):
            consent = deposits.get(state)
            denounced = package.denunciations.get(state)
            indexes = {d.log_index for d in (signatures.get(state), consent) if d is not None}
            rows.append(
                StatusRow(
                    participant=state,
                    signature=signatures[state].deposited_on if state in signatures else None,
                    consent=consent.deposited_on if consent else None,
                    consent_instrument=consent.instrument if consent else None,
                    denunciation=denounced.notified_on if denounced else None,
                    denunciation_effective=denounced.effective_on if denounced else None,
                    in_force_from=self.in_force_for(package_id, content_hash, state),
                    recorded_from_public_sources=bool(
                        indexes & package.recorded_from_public_sources
                    ),
                )
            )
        return rows


def fold(records: Iterable[Record]) -> ForumState:
    """The state the records make, applied in order; the first refusal is raised."""
    state = ForumState()
    for record in records:
        state.apply(record)
    return state


# --- one handler per act ---------------------------------------------------------------------


def _forum_new(s: ForumState, r: Record) -> None:
    act = _as(r, ForumNew)
    _require_secretariat(r, act.forum)
    if act.forum in s.forums:
        raise refuse.DuplicateForum(f"log entry {r.log_index}: forum {act.forum} already exists")
    for terms in act.packages:
        _check_unowned(s, terms.package, act.forum, r)
    s.forums[act.forum] = Forum(act.forum, act, r.log_index)
    for terms in act.packages:
        s.packages[terms.package] = PackageRecord(terms.package, act.forum, terms)


def _join(s: ForumState, r: Record) -> None:
    act = _as(r, Join)
    _require_state(r, act.state)
    forum = s.forum(act.forum)
    charter = forum.charter
    if charter.membership == "listed" and act.state not in charter.eligible:
        raise refuse.NotEligible(
            f"log entry {r.log_index}: forum {act.forum} admits only {', '.join(charter.eligible)}"
        )
    if forum.members.get(act.state) == act.role:
        raise refuse.AlreadyMember(
            f"log entry {r.log_index}: {act.state} is already a {act.role} of {act.forum}"
        )
    forum.members[act.state] = act.role
    forum.joined_at[act.state] = r.log_index
    forum.membership_history.append(
        MembershipEvent(act.state, act.role, r.log_index, r.attribution)
    )


def _leave(s: ForumState, r: Record) -> None:
    act = _as(r, Leave)
    _require_state(r, act.state)
    forum = s.forum(act.forum)
    if act.state not in forum.members:
        raise refuse.NotAMember(f"log entry {r.log_index}: {act.state} is not in {act.forum}")
    del forum.members[act.state]
    del forum.joined_at[act.state]
    forum.membership_history.append(MembershipEvent(act.state, None, r.log_index, r.attribution))


def _propose(s: ForumState, r: Record) -> None:
    act = _as(r, Propose)
    forum = s.forum(act.forum)
    _require_member_or_secretariat(r, forum)
    if act.proposal in forum.proposals:
        raise refuse.DuplicateProposal(
            f"log entry {r.log_index}: forum {act.forum} already has a proposal {act.proposal!r}"
        )
    where = f"log entry {r.log_index}: proposal {act.proposal}"
    owned = s.packages.get(act.package)
    if owned is not None and owned.owner != act.forum:
        raise refuse.NotPackageOwner(
            f"{where}: package {act.package} belongs to forum {owned.owner}; only it may adopt "
            f"a new version (an act of {act.forum} about it can only be a statement)"
        )
    if act.proposal_kind == "new_package":
        if owned is not None and owned.adoptions:
            raise refuse.WrongProcedure(
                f"{where}: package {act.package} is already adopted; propose an amendment"
            )
        if (owned is None) != (act.terms is not None):
            raise refuse.MalformedAct(
                f"{where}: terms are declared exactly for a package the forum does not yet own"
            )
        if act.terms is not None and act.terms.package != act.package:
            raise refuse.MalformedAct(
                f"{where}: terms are for {act.terms.package}, not {act.package}"
            )
    else:
        if owned is None or not owned.adoptions:
            raise refuse.UnknownPackage(f"{where}: package {act.package} has no adopted version")
        if act.terms is not None:
            raise refuse.MalformedAct(f"{where}: only a new package declares terms")
        if act.proposal_kind == "amendment" and owned.adoption(act.revision) is not None:
            raise refuse.NothingChanged(
                f"{where}: {_short(act.revision)} is an adopted version of {act.package} already"
            )
        if act.proposal_kind == "withdrawal" and act.revision != _current(owned).content_hash:
            raise refuse.NotWholePackage(
                f"{where}: a withdrawal names the adopted version "
                f"{_short(_current(owned).content_hash)}, not {_short(act.revision)}"
            )
    if act.terms is not None:
        s.packages[act.package] = PackageRecord(act.package, act.forum, act.terms)
    forum.proposals[act.proposal] = Proposal(
        forum=act.forum,
        id=act.proposal,
        kind=act.proposal_kind,
        package=act.package,
        revisions=[Revision(act.revision, act.norms, r.log_index)],
        amendments={},
        log_index=r.log_index,
        attribution=r.attribution,
    )


def _revise(s: ForumState, r: Record) -> None:
    act = _as(r, Revise)
    forum = s.forum(act.forum)
    _require_member_or_secretariat(r, forum)
    proposal = _open_proposal(forum, act.proposal, r)
    where = f"log entry {r.log_index}: proposal {act.proposal}"
    if proposal.kind == "withdrawal":
        raise refuse.WrongProcedure(f"{where}: a withdrawal names the adopted version; no revision")
    if act.revision == proposal.current.content_hash:
        raise refuse.NothingChanged(f"{where}: {_short(act.revision)} is already its revision")
    for index in act.accepts:
        amendment = proposal.amendments.get(index)
        if amendment is None or amendment.accepted_in is not None:
            raise refuse.UnknownAmendment(
                f"{where}: log entry {index} is no pending amendment of this proposal"
            )
    for index in act.accepts:
        proposal.amendments[index].accepted_in = act.revision
    proposal.revisions.append(Revision(act.revision, act.norms, r.log_index, act.accepts))
    for call in forum.calls.values():
        if call.proposal == act.proposal and call.status == "open":
            call.status = "superseded"
            call.outcome = "no_decision"
            call.ended_at = r.log_index
            call.superseded_by = act.revision


def _amend(s: ForumState, r: Record) -> None:
    act = _as(r, Amend)
    forum = s.forum(act.forum)
    _require_member_or_secretariat(r, forum)
    proposal = _open_proposal(forum, act.proposal, r)
    where = f"log entry {r.log_index}: amendment {act.amendment}"
    if act.against != proposal.current.content_hash:
        raise refuse.RevisionNotPinned(
            f"{where}: against {_short(act.against)}, but proposal {act.proposal}'s revision is "
            f"{_short(proposal.current.content_hash)}"
        )
    if any(a.name == act.amendment for a in proposal.amendments.values()):
        raise refuse.DuplicateAmendment(f"{where}: the name is already used on {act.proposal}")
    proposal.amendments[r.log_index] = AmendmentText(
        act.amendment, act.against, act.text, r.log_index, r.attribution
    )


def _call(s: ForumState, r: Record) -> None:
    act = _as(r, Call)
    _require_secretariat(r, act.forum)
    forum = s.forum(act.forum)
    where = f"log entry {r.log_index}: call {act.call}"
    if act.call in forum.calls:
        raise refuse.DuplicateCall(f"{where}: forum {act.forum} already has that call")
    proposal = _open_proposal(forum, act.proposal, r)
    busy = [
        c.id
        for c in forum.calls.values()
        if c.status == "open" and forum.proposals[c.proposal].package == proposal.package
    ]
    if busy:
        raise refuse.DuplicateCall(
            f"{where}: call {busy[0]} on package {proposal.package} is still open; one call "
            f"at a time decides a package"
        )
    if act.revision != proposal.current.content_hash:
        raise refuse.RevisionNotPinned(
            f"{where}: pins {_short(act.revision)}, but proposal {act.proposal}'s revision is "
            f"{_short(proposal.current.content_hash)} (a call decides the whole current revision)"
        )
    package = s.package(proposal.package)
    if package.owner != act.forum:
        raise refuse.NotPackageOwner(
            f"{where}: package {proposal.package} belongs to {package.owner}"
        )
    if proposal.kind == "new_package" and package.adoptions:
        raise refuse.WrongProcedure(
            f"{where}: package {proposal.package} was adopted since; propose an amendment"
        )
    if proposal.kind == "withdrawal" and act.revision != _current(package).content_hash:
        raise refuse.NotWholePackage(
            f"{where}: {_short(act.revision)} is no longer the adopted version of "
            f"{proposal.package} ({_short(_current(package).content_hash)})"
        )
    expected = forum.charter.decision_rules.for_question(proposal.kind)
    if act.rule != expected:
        raise refuse.WrongDecisionRule(
            f"{where}: states rule {act.rule.rule!r}; forum {act.forum} decides "
            f"{proposal.kind} questions by {expected.rule!r} ({expected.model_dump()})"
        )
    members = forum.voting_members()
    if act.electorate != members or not members:
        raise refuse.ElectorateMismatch(
            f"{where}: states electorate {list(act.electorate)}; the members of {act.forum} now "
            f"are {list(members)} (a call needs at least one)"
        )
    if act.period_ends <= r.acted_at:
        raise refuse.CallPeriodOver(f"{where}: its period ends before it opens")
    forum.calls[act.call] = DecisionCall(
        forum=act.forum,
        id=act.call,
        proposal=act.proposal,
        revision=act.revision,
        rule=act.rule,
        electorate=act.electorate,
        period_ends=act.period_ends,
        opened_at=r.log_index,
    )


def _position(s: ForumState, r: Record) -> None:
    act = _as(r, Position)
    call = _participate(s, r, act.forum, act.call, act.state, act.revision, consensus=True)
    call.positions.setdefault(act.state, []).append(
        PositionEntry(
            act.state,
            act.position,
            act.paragraphs,
            r.log_index,
            r.attribution,
            r.signed_by_principal,
        )
    )


def _vote(s: ForumState, r: Record) -> None:
    act = _as(r, Vote)
    call = _participate(s, r, act.forum, act.call, act.state, act.revision, consensus=False)
    if act.state in call.votes:
        raise refuse.AlreadyVoted(
            f"log entry {r.log_index}: {act.state} voted in {act.call} at log index "
            f"{call.votes[act.state].log_index}; a recorded vote is never corrected"
        )
    call.votes[act.state] = VoteEntry(
        act.state, act.vote, r.log_index, r.attribution, r.signed_by_principal
    )


def _concern(s: ForumState, r: Record) -> None:
    act = _as(r, Concern)
    call = _participate(s, r, act.forum, act.call, act.state, act.revision, consensus=True)
    if any(c.name == act.concern for c in call.open_concerns()):
        raise refuse.ConcernAlreadyOpen(
            f"log entry {r.log_index}: concern {act.concern!r} is already open in {act.call}"
        )
    call.concerns.append(ConcernEntry(act.concern, act.state, r.log_index))


def _resolve(s: ForumState, r: Record) -> None:
    act = _as(r, Resolve)
    _require_state(r, act.state)
    call = s.call(act.forum, act.call)
    _require_open(call, r)
    concern = next((c for c in call.open_concerns() if c.name == act.concern), None)
    if concern is None:
        raise refuse.ConcernNotOpen(
            f"log entry {r.log_index}: no open concern {act.concern!r} in {act.call}"
        )
    if concern.state != act.state:
        raise refuse.NotConcernOwner(
            f"log entry {r.log_index}: concern {act.concern!r} was raised by {concern.state}; "
            f"only it may resolve it, not {act.state}"
        )
    _require_within_period(call, r)
    concern.resolved_at = r.log_index


def _close(s: ForumState, r: Record) -> None:
    act = _as(r, Close)
    _require_secretariat(r, act.forum)
    forum = s.forum(act.forum)
    call = s.call(act.forum, act.call)
    _require_open(call, r)
    where = f"log entry {r.log_index}: close of {act.call}"
    if act.revision != call.revision:
        raise refuse.RevisionNotPinned(
            f"{where}: names revision {_short(act.revision)}; the call pinned "
            f"{_short(call.revision)} and decides nothing else"
        )
    if r.acted_at < call.period_ends:
        raise refuse.CallStillOpen(
            f"{where}: the period ends {call.period_ends.isoformat()}, it is "
            f"{r.acted_at.isoformat()}"
        )
    tally = call.tally()
    computed = outcome(call.rule, tally)
    if act.outcome != computed:
        if act.outcome == "adopted_without_vote" and tally.objections + tuple(
            state for _, state in tally.open_concerns
        ):
            raise refuse.ConsensusBlocked(f"{where}: {still_needs(call.rule, tally)}")
        raise refuse.OutcomeMismatch(
            f"{where}: records {act.outcome!r}; the log gives {computed!r} "
            f"({still_needs(call.rule, tally)})"
        )
    expected_counts = tally.counts if isinstance(call.rule, VotingRule) else None
    if act.counts != expected_counts:
        raise refuse.OutcomeMismatch(
            f"{where}: records counts {act.counts}; the log gives {expected_counts}"
        )
    proposal = forum.proposals[call.proposal]
    if computed in ("adopted_without_vote", "adopted_by_vote"):
        package = s.package(proposal.package)
        revision = proposal.current
        decided_on = r.acted_at.date()
        if proposal.kind == "withdrawal":
            package.withdrawals.append(
                Withdrawal(package.id, call.revision, act.forum, act.call, r.log_index, decided_on)
            )
        else:
            package.adoptions.append(
                Adoption(
                    package=package.id,
                    content_hash=call.revision,
                    norms=revision.norms,
                    forum=act.forum,
                    call=act.call,
                    outcome=computed,
                    counts=expected_counts,
                    log_index=r.log_index,
                    adopted_on=decided_on,
                    disassociations=dict(tally.disassociations),
                    attribution=r.attribution,
                    signed_by_author=r.signed_by_principal,
                )
            )
        proposal.adopted_by = act.call
    call.status = "closed"
    call.outcome = computed
    call.counts = expected_counts
    call.ended_at = r.log_index


def _statement(s: ForumState, r: Record) -> None:
    act = _as(r, Statement)
    forum = s.forum(act.forum)
    if act.statement == "chairs_summary":
        _require_secretariat(r, act.forum)
    else:
        assert act.state is not None  # noqa: S101 - invariant that narrows a type, never input checking; the act's validator: every other statement names one
        _require_state(r, act.state)
        if act.state not in forum.members:
            raise refuse.NotAMember(
                f"log entry {r.log_index}: {act.state} is neither member nor observer of "
                f"{act.forum}"
            )
    if act.call is not None:
        s.call(act.forum, act.call)
    forum.statements.append(
        StatementEntry(
            act.forum,
            act.statement,
            act.state,
            act.call,
            act.text,
            r.log_index,
            r.attribution,
            r.signed_by_principal,
        )
    )


def _instrument(s: ForumState, r: Record) -> None:
    act = _as(r, Instrument)
    package, _ = _treaty_version(s, r, act.package, act.revision)
    _require_depositary(r, package)
    where = f"log entry {r.log_index}: {act.instrument} by {act.state}"
    _require_dated(act.deposited_on, r, where)
    deposits = package.deposits.get(act.revision, [])
    signatures = package.signatures.get(act.revision, {})
    recorded = [*deposits, *signatures.values()]
    latest = max((d.deposited_on for d in recorded), default=None)
    if latest is not None and act.deposited_on < latest:
        raise refuse.OutOfOrder(
            f"{where}: dated {act.deposited_on}, before an instrument already recorded for this "
            f"version ({latest}); the depositary records in date order"
        )
    entry = Deposit(act.state, act.instrument, act.deposited_on, r.log_index)
    if act.instrument == "signature":
        if act.state in signatures:
            raise refuse.DuplicateInstrument(
                f"{where}: it signed at log index {signatures[act.state].log_index}"
            )
        package.signatures.setdefault(act.revision, {})[act.state] = entry
    else:
        if any(d.state == act.state for d in deposits):
            raise refuse.DuplicateInstrument(f"{where}: it already consented to this version")
        needs_signature = act.instrument in ("ratification", "acceptance", "approval")
        if needs_signature and act.state not in signatures:
            raise refuse.NotSignatory(
                f"{where}: {act.instrument} follows a signature; a state that did not sign accedes"
            )
        package.deposits.setdefault(act.revision, []).append(entry)
    if not r.signed_by_principal:
        package.recorded_from_public_sources.add(r.log_index)


def _reservation(s: ForumState, r: Record) -> None:
    act = _as(r, Reservation)
    package, adoption = _treaty_version(s, r, act.package, act.revision)
    _require_state_or_depositary(r, act.state, package)
    where = f"log entry {r.log_index}: reservation by {act.state}"
    _require_dated(act.made_on, r, where)
    _require_took_part(package, act.state, act.revision, where)
    _require_norms(act.norms, adoption, where)
    policy = package.terms.reservations
    refused = (
        act.norms
        if policy.allowed == "none"
        else tuple(n for n in act.norms if n not in policy.norms)
        if policy.allowed == "listed"
        else ()
    )
    if refused:
        allowed = "none" if policy.allowed == "none" else ", ".join(policy.norms)
        raise refuse.ReservationNotAllowed(
            f"{where}: package {act.package} allows no reservation to {', '.join(refused)} "
            f"(its policy allows reservations to: {allowed})"
        )
    package.reservations.append(
        ReservationEntry(
            act.state, act.revision, act.norms, act.text, act.made_on, r.log_index, r.attribution
        )
    )


def _declaration(s: ForumState, r: Record) -> None:
    act = _as(r, Declaration)
    package, adoption = _treaty_version(s, r, act.package, act.revision)
    _require_state_or_depositary(r, act.state, package)
    where = f"log entry {r.log_index}: declaration by {act.state}"
    _require_dated(act.made_on, r, where)
    _require_took_part(package, act.state, act.revision, where)
    _require_norms(act.norms, adoption, where)
    package.declarations.append(
        DeclarationEntry(
            act.state, act.revision, act.norms, act.text, act.made_on, r.log_index, r.attribution
        )
    )


def _reservation_objection(s: ForumState, r: Record) -> None:
    act = _as(r, ReservationObjection)
    package, _ = _treaty_version(s, r, act.package, act.revision)
    _require_state_or_depositary(r, act.state, package)
    where = f"log entry {r.log_index}: objection by {act.state}"
    _require_dated(act.made_on, r, where)
    _require_took_part(package, act.state, act.revision, where)
    target = next(
        (
            x
            for x in package.reservations
            if x.log_index == act.reservation and x.content_hash == act.revision
        ),
        None,
    )
    if target is None:
        raise refuse.UnknownReservation(
            f"{where}: log entry {act.reservation} is no reservation to this version"
        )
    if target.state == act.state:
        raise refuse.WrongAuthor(f"{where}: a state does not object to its own reservation")
    package.objections.append(
        ObjectionEntry(act.state, act.reservation, act.made_on, r.log_index, r.attribution)
    )


def _denunciation(s: ForumState, r: Record) -> None:
    act = _as(r, Denunciation)
    package = s.package(act.package)
    treaty = _treaty_terms(package)
    _require_state_or_depositary(r, act.state, package)
    where = f"log entry {r.log_index}: denunciation by {act.state}"
    _require_dated(act.notified_on, r, where)
    if not package.is_party(act.state):
        raise refuse.NotAParty(f"{where}: it never consented to be bound by {act.package}")
    if act.state in package.denunciations:
        raise refuse.DuplicateInstrument(f"{where}: it already denounced {act.package}")
    package.denunciations[act.state] = DenunciationEntry(
        act.state,
        act.notified_on,
        add_delay(act.notified_on, treaty.denunciation_notice),
        r.log_index,
        r.attribution,
    )


def _entry_into_force(s: ForumState, r: Record) -> None:
    act = _as(r, EntryIntoForceNotice)
    package, _ = _treaty_version(s, r, act.package, act.revision)
    _require_depositary(r, package)
    computed = s.entry_into_force(act.package, act.revision)
    if computed != act.enters_into_force_on:
        follows = (
            f"the log gives {computed}"
            if computed
            else "too few instruments are on the log for any date"
        )
        raise refuse.EntryIntoForceMismatch(
            f"log entry {r.log_index}: notice of entry into force on "
            f"{act.enters_into_force_on}; {follows}"
        )
    package.notices.append((act.revision, act.enters_into_force_on, r.log_index))


_HANDLERS = {
    ForumNew: _forum_new,
    Join: _join,
    Leave: _leave,
    Propose: _propose,
    Revise: _revise,
    Amend: _amend,
    Call: _call,
    Position: _position,
    Vote: _vote,
    Concern: _concern,
    Resolve: _resolve,
    Close: _close,
    Statement: _statement,
    Instrument: _instrument,
    Reservation: _reservation,
    Declaration: _declaration,
    ReservationObjection: _reservation_objection,
    Denunciation: _denunciation,
    EntryIntoForceNotice: _entry_into_force,
}


# --- shared checks ---------------------------------------------------------------------------


def _as(r: Record, kind: type[_A]) -> _A:
    assert isinstance(r.act, kind)  # noqa: S101 - invariant that narrows a type, never input checking
    return r.act


def _require_secretariat(r: Record, forum: str) -> None:
    principal = acting_for(r.author)
    if not (isinstance(principal, Secretariat) and principal.forum == forum):
        raise refuse.WrongAuthor(
            f"log entry {r.log_index}: a {r.act.kind} of forum {forum} is authored by its "
            f"secretariat, not {r.attribution}"
        )


def _require_state(r: Record, state: str) -> None:
    principal = acting_for(r.author)
    if not (isinstance(principal, StateAuthor) and principal.state == state):
        raise refuse.WrongAuthor(
            f"log entry {r.log_index}: a {r.act.kind} of {state} is authored by {state} "
            f"itself, not {r.attribution}"
        )


def _require_member_or_secretariat(r: Record, forum: Forum) -> None:
    principal = acting_for(r.author)
    if isinstance(principal, Secretariat) and principal.forum == forum.id:
        return
    if not isinstance(principal, StateAuthor):
        raise refuse.WrongAuthor(
            f"log entry {r.log_index}: a {r.act.kind} in {forum.id} comes from a member or its "
            f"secretariat, not {r.attribution}"
        )
    _require_member(forum, principal.state, r)


def _require_member(forum: Forum, state: str, r: Record) -> None:
    role = forum.members.get(state)
    if role != "member":
        what = "only an observer" if role == "observer" else "not a member"
        raise refuse.NotAMember(
            f"log entry {r.log_index}: {state} is {what} of {forum.id}; it cannot {r.act.kind}"
        )


def _participate(
    s: ForumState,
    r: Record,
    forum_id: str,
    call_id: str,
    state: str,
    revision: str,
    *,
    consensus: bool,
) -> DecisionCall:
    """Checks shared by position, vote and concern, in order: author, membership, call,
    procedure, pinned revision, frozen electorate, period."""
    _require_state(r, state)
    forum = s.forum(forum_id)
    _require_member(forum, state, r)
    call = s.call(forum_id, call_id)
    _require_open(call, r)
    where = f"log entry {r.log_index}: {r.act.kind} of {state} in {call_id}"
    if isinstance(call.rule, ConsensusRule) != consensus:
        raise refuse.WrongProcedure(
            f"{where}: the call decides by {call.rule.rule}; "
            + ("positions and concerns are for consensus" if consensus else "votes are for votes")
        )
    if revision != call.revision:
        raise refuse.RevisionNotPinned(
            f"{where}: names revision {_short(revision)}; the call pinned {_short(call.revision)}"
        )
    if state not in call.electorate:
        raise refuse.ElectorateFrozen(
            f"{where}: the electorate was frozen when the call opened (log index "
            f"{call.opened_at}); {state} joined at {forum.joined_at[state]} and takes part in "
            f"the next call"
        )
    _require_within_period(call, r)
    return call


def _require_open(call: DecisionCall, r: Record) -> None:
    if call.status != "open":
        raise refuse.CallClosed(
            f"log entry {r.log_index}: call {call.id} ended at log index {call.ended_at} "
            f"({call.status})"
        )


def _require_within_period(call: DecisionCall, r: Record) -> None:
    if r.acted_at > call.period_ends:
        raise refuse.CallPeriodOver(
            f"log entry {r.log_index}: call {call.id}'s period ended "
            f"{call.period_ends.isoformat()}; this act is of {r.acted_at.isoformat()}"
        )


def _open_proposal(forum: Forum, proposal_id: str, r: Record) -> Proposal:
    proposal = forum.proposals.get(proposal_id)
    if proposal is None:
        raise refuse.UnknownProposal(
            f"log entry {r.log_index}: forum {forum.id} has no proposal {proposal_id!r}"
        )
    if proposal.adopted_by is not None:
        raise refuse.ProposalDecided(
            f"log entry {r.log_index}: proposal {proposal_id} was adopted in call "
            f"{proposal.adopted_by}; a change is a new proposal"
        )
    return proposal


def _check_unowned(s: ForumState, package: str, forum: str, r: Record) -> None:
    owned = s.packages.get(package)
    if owned is not None:
        raise refuse.NotPackageOwner(
            f"log entry {r.log_index}: package {package} already belongs to forum {owned.owner}; "
            f"{forum} cannot claim it"
        )


def _current(package: PackageRecord) -> Adoption:
    return package.adoptions[-1]


def _treaty_terms(package: PackageRecord) -> TreatyTerms:
    if package.terms.treaty is None:
        raise refuse.NotATreaty(f"package {package.id} is not a treaty")
    return package.terms.treaty


def _treaty_version(
    s: ForumState, r: Record, package_id: str, content_hash: str
) -> tuple[PackageRecord, Adoption]:
    """A treaty package and the adoption of exactly this whole version, or the refusal."""
    package = s.package(package_id)
    _treaty_terms(package)
    adoption = package.adoption(content_hash)
    if adoption is None:
        raise refuse.NotWholePackage(
            f"log entry {r.log_index}: {_short(content_hash)} is no adopted version of "
            f"{package_id}; instruments and reservations name one whole adopted version, never "
            f"a single norm or a selection"
        )
    return package, adoption


def _require_depositary(r: Record, package: PackageRecord) -> None:
    treaty = _treaty_terms(package)
    principal = acting_for(r.author)
    if not (isinstance(principal, Depositary) and principal.depositary == treaty.depositary):
        raise refuse.WrongAuthor(
            f"log entry {r.log_index}: the depositary of {package.id} is {treaty.depositary}; "
            f"a {r.act.kind} is not recorded by {r.attribution}"
        )


def _require_state_or_depositary(r: Record, state: str, package: PackageRecord) -> None:
    principal = acting_for(r.author)
    if isinstance(principal, Depositary):
        _require_depositary(r, package)
    else:
        _require_state(r, state)


def _require_took_part(package: PackageRecord, state: str, content_hash: str, where: str) -> None:
    if not package.took_part(state, content_hash):
        raise refuse.NotAParty(
            f"{where}: it has neither signed nor consented to this version of {package.id}"
        )


def _require_norms(norms: tuple[str, ...], adoption: Adoption, where: str) -> None:
    unknown = [n for n in norms if n not in adoption.norms]
    if unknown:
        raise refuse.UnknownNorm(
            f"{where}: {', '.join(unknown)} not in {adoption.package} "
            f"{_short(adoption.content_hash)}"
        )


def _require_dated(day: date, r: Record, where: str) -> None:
    if day > r.acted_at.date():
        raise refuse.OutOfOrder(f"{where}: dated {day}, after the act itself ({r.acted_at.date()})")


def _short(content_hash: str | None) -> str:
    return (content_hash or "")[:12]


def _outcome_words(call: DecisionCall) -> str:
    words = {
        "adopted_without_vote": "adopted without a vote",
        "adopted_by_vote": "adopted by vote",
        "rejected": "rejected",
        "no_decision": "no decision",
    }[call.outcome or "no_decision"]
    if call.counts is not None:
        c = call.counts
        words += f" ({c.yes} yes, {c.no} no, {c.abstain} abstaining)"
    return words
