"""One exception type per way the forum record refuses an act.

Why one type per refusal (the ``trust`` layer's model, after python-tuf): the store refuses the
append and names the reason to the user (``refused (ConsensusBlocked): ...``), the CLI and a
receipt verifier react to the reason, and each attack's test asserts the exact refusal rather
than "something failed". Every message names the act (its log index) and what it conflicts
with. All derive from ``ForumError`` and so from ``cybernorms.errors.CybernormsError``.
"""

from __future__ import annotations

from cybernorms.errors import CybernormsError


class ForumError(CybernormsError):
    """Base of every refusal by the forum record; catch this to refuse any forum act."""


# --- the document itself ---------------------------------------------------------------------


class MalformedAct(ForumError):
    """The payload is not a well-formed act (the message names the field)."""


class FreeTextInDecision(ForumError):
    """A decision (``close``) carries a field beyond outcome and counts, e.g. a "view".

    National views are statements, attributed and typed; a decision never holds one."""


# --- the log's order -------------------------------------------------------------------------


class ReplayedAct(ForumError):
    """An author's act sequence number was already used: the same signed act, logged again."""


class OutOfOrder(ForumError):
    """Log index or time goes backwards, an author's sequence skips a number, or a date in the
    act lies after the moment it was logged."""


# --- who acts --------------------------------------------------------------------------------


class WrongAuthor(ForumError):
    """The act's author is not one who may author that kind of act (e.g. a state closing a
    call, a secretariat taking a position, a depositary of another treaty recording)."""


class NotAMember(ForumError):
    """A state that is not a member of the forum (or only an observer) acted as a member."""


class AlreadyMember(ForumError):
    """A state joined a forum it is already in (with the same role)."""


class NotEligible(ForumError):
    """A state joined a forum whose membership is listed and does not list it."""


class ElectorateFrozen(ForumError):
    """A state acted in a call whose electorate was frozen before it joined."""


class ElectorateMismatch(ForumError):
    """A call states an electorate that is not the forum's members when it opens."""


# --- what is acted upon ----------------------------------------------------------------------


class UnknownForum(ForumError):
    """The act names a forum that no ``forum_new`` created."""


class DuplicateForum(ForumError):
    """A second ``forum_new`` for the same forum id."""


class UnknownProposal(ForumError):
    """The act names a proposal the forum has not received."""


class DuplicateProposal(ForumError):
    """A proposal id already used in that forum."""


class UnknownCall(ForumError):
    """The act names a decision call the forum has not opened."""


class DuplicateCall(ForumError):
    """A call id already used in that forum, or a second open call on one proposal."""


class UnknownPackage(ForumError):
    """The act names a package (or package version) the record does not know."""


class NotPackageOwner(ForumError):
    """A forum acted on a package another forum owns: only the owner adopts new versions."""


class NotWholePackage(ForumError):
    """The act names something that is not one whole, adopted package version (a single norm,
    a selection, an amendment text on its own): nothing adopts or ratifies less than a package."""


class RevisionNotPinned(ForumError):
    """A position, vote or concern names another revision than the one its call pinned, or a
    call pins a revision that is not the proposal's current one."""


# --- calls and decisions ---------------------------------------------------------------------


class WrongDecisionRule(ForumError):
    """A call states another decision rule than the forum's rule for that kind of question."""


class WrongProcedure(ForumError):
    """A vote in a consensus call, a position or concern in a voting call."""


class CallClosed(ForumError):
    """The call is closed or ended without decision; nothing more is recorded in it."""


class CallPeriodOver(ForumError):
    """A position, vote or concern arrived after the call's silence or voting period ended."""


class CallStillOpen(ForumError):
    """A close before the call's period ended."""


class AlreadyVoted(ForumError):
    """A second vote by one state in one call: a recorded vote is never corrected."""


class ConcernAlreadyOpen(ForumError):
    """A concern of that name is already open in the call."""


class ConcernNotOpen(ForumError):
    """A resolve names no open concern of that name."""


class NotConcernOwner(ForumError):
    """A concern resolved by someone other than whoever raised it."""


class ConsensusBlocked(ForumError):
    """A close records adoption without a vote while an objection or an open concern is on the
    log: consensus is the absence of blocking acts, and this one is not absent."""


class OutcomeMismatch(ForumError):
    """A close records an outcome (or counts) that does not follow from the call's log."""


# --- treaties --------------------------------------------------------------------------------


class NotATreaty(ForumError):
    """A treaty act (instrument, reservation, denunciation) names a package that is not a
    treaty."""


class NotSignatory(ForumError):
    """Ratification, acceptance or approval by a state that has not signed."""


class DuplicateInstrument(ForumError):
    """A second signature, or a second instrument of consent, by one state for one version."""


class NotAParty(ForumError):
    """A reservation, declaration, objection or denunciation by a state that has neither
    signed nor consented to be bound (denunciation: that is not bound)."""


class ReservationNotAllowed(ForumError):
    """A reservation the package's reservation policy does not allow (or to a norm the package
    does not contain)."""


class UnknownReservation(ForumError):
    """An objection names no reservation on the log."""


class EntryIntoForceMismatch(ForumError):
    """An entry-into-force notice states a date that does not follow from the log."""


# --- proposals and amendments ----------------------------------------------------------------


class ProposalDecided(ForumError):
    """A revision, amendment or call on a proposal that was already adopted."""


class NothingChanged(ForumError):
    """A revision with the content hash the proposal already has."""


class DuplicateAmendment(ForumError):
    """An amendment name already used on that proposal."""


class UnknownAmendment(ForumError):
    """A revision accepts an amendment (by log index) the proposal never received, or one
    already accepted."""


class UnknownNorm(ForumError):
    """A reservation or declaration names a norm the package version does not contain."""
