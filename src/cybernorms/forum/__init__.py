"""The forum process: consensus earned on the record, packages adopted whole, treaties in force.

A pure core (no I/O, no clock): acts are strict payload types (``acts``), wrapped with their
verified author as ``Record``s (``authors``); ``fold(records)`` is the state of every forum,
proposal, call, package and treaty (``state``), refusing each bad act with one named
exception (``errors``); decision rules (``decision``) and treaty dates (``treaty``) are data
read in one place each; ``packages_as_of`` and ``basis_of`` (``standing``) are what the engine
reads. ``signed`` is an act as a signed document (author and act in one payload, and whose
root signs it); the store accepts one only if ``fold`` does. ``docs/forum.md`` walks through
it.
"""

from __future__ import annotations

from cybernorms.forum.acts import (
    ACT_KINDS,
    Act,
    Amend,
    Call,
    Close,
    Concern,
    ConsensusRule,
    Counts,
    DaysAfter,
    DecisionRules,
    Declaration,
    Denunciation,
    EntryIntoForceNotice,
    EntryIntoForceRule,
    FirstOfMonthAfter,
    ForumNew,
    Instrument,
    Join,
    Leave,
    PackageTerms,
    Position,
    Propose,
    Ratio,
    Reservation,
    ReservationObjection,
    ReservationPolicy,
    Resolve,
    Revise,
    Statement,
    TreatyTerms,
    Vote,
    VotingRule,
    act_document,
    parse_act,
)
from cybernorms.forum.authors import (
    Author,
    Depositary,
    Record,
    RecordedFromPublicSources,
    Secretariat,
    StateAuthor,
)
from cybernorms.forum.errors import ForumError
from cybernorms.forum.standing import Basis, InForce, basis_of, packages_as_of
from cybernorms.forum.state import ForumState, fold
from cybernorms.forum.treaty import StatusRow

__all__ = [
    "ACT_KINDS",
    "Act",
    "Amend",
    "Author",
    "Basis",
    "Call",
    "Close",
    "Concern",
    "ConsensusRule",
    "Counts",
    "DaysAfter",
    "DecisionRules",
    "Declaration",
    "Denunciation",
    "Depositary",
    "EntryIntoForceNotice",
    "EntryIntoForceRule",
    "FirstOfMonthAfter",
    "ForumError",
    "ForumNew",
    "ForumState",
    "InForce",
    "Instrument",
    "Join",
    "Leave",
    "PackageTerms",
    "Position",
    "Propose",
    "Ratio",
    "Record",
    "RecordedFromPublicSources",
    "Reservation",
    "ReservationObjection",
    "ReservationPolicy",
    "Resolve",
    "Revise",
    "Secretariat",
    "StateAuthor",
    "Statement",
    "StatusRow",
    "TreatyTerms",
    "Vote",
    "VotingRule",
    "act_document",
    "basis_of",
    "fold",
    "packages_as_of",
    "parse_act",
]
