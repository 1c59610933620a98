"""Read models of the forum record: forums, proposals, calls, decisions, treaty status tables.

Why here: the HTTP API and the web pages show the same record, and neither decides anything
itself. Every reading is a pure function of a folded record (``cybernorms.forum.fold``) and
names what it reflects (``Reflects``): the shipped history (our summary of public sources,
``rulebooks/record/history.yaml``, labelled *recorded from public sources*, named by the
SHA-256 of its file) or the acts on a registry's log up to a signed checkpoint
(``registry_record``, reading the store's ``Registry.forum_records``).

What the record keeps apart stays apart here (FORUM.md invariant 5): a ``DecisionView`` holds
the decision (the call's outcome on the revision it pinned, counts when voted, nothing in
free text) and, as separate attributed lists, the statements made beside it and the
disassociations recorded in the call; none is ever part of the decision.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cybernorms.forum import ForumError, ForumState, Record, fold
from cybernorms.forum.acts import (
    ConsensusRule,
    DaysAfter,
    EntryIntoForceRule,
    FirstOfMonthAfter,
    VotingRule,
)
from cybernorms.forum.entities import DecisionCall, Forum, Proposal
from cybernorms.forum.history import load_history
from cybernorms.forum.standing import packages_as_of
from cybernorms.forum.treaty import CONSENT_COLUMN
from cybernorms.service.errors import ServiceError, UnknownName
from cybernorms.trust.encoding import encode_base64

if TYPE_CHECKING:
    from cybernorms.store import Registry, StoredCheckpoint

#: How every output labels the shipped history: nobody it names signed any of it.
SHIPPED_LABEL = "recorded from public sources"

#: The decision outcomes in words (the record's ``Outcome`` names).
OUTCOME_WORDS = {
    "adopted_without_vote": "adopted without a vote",
    "adopted_by_vote": "adopted by vote",
    "rejected": "rejected",
    "no_decision": "no decision",
}

#: The status table's columns, in the UN Treaty Collection's order, then ours.
STATUS_COLUMNS = (
    "Participant",
    "Signature",
    CONSENT_COLUMN,
    "Reservations",
    "Denunciation notified",
    "In force for it from",
    "Recorded from public sources",
)


class BrokenHistory(ServiceError):
    """The history file parses but its acts do not fold (an act the record refuses)."""


def shipped_history_path() -> Path:
    """The history file that travels with the package (``rulebooks/record/history.yaml``)."""
    from cybernorms.rules.catalog import default_rulebooks_dir

    return default_rulebooks_dir() / "record" / "history.yaml"


@dataclass(frozen=True)
class Reflects:
    """What a reading reflects: the shipped history (``version`` = SHA-256 of its file) or a
    registry's log (``version`` = ``<size> <base64 root>`` of the checkpoint)."""

    source: Literal["shipped_history", "registry"]
    label: str
    version: str
    records: int
    recorded_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def words(self) -> str:
        """One line for a page footer or a CSV comment."""
        if self.source == "shipped_history":
            return (
                f"the shipped history ({self.records} acts {self.label}, sha256 "
                f"{self.version[:16]}…)"
            )
        return f"the registry's log at checkpoint {self.version} ({self.records} forum acts)"


class ForumRecord:
    """A folded forum record and what it reflects; every read model is read from one."""

    def __init__(self, state: ForumState, reflects: Reflects) -> None:
        self.state = state
        self.reflects = reflects

    # --- forums --------------------------------------------------------------------------

    def forums(self) -> list[ForumSummary]:
        return [_summary(f) for _, f in sorted(self.state.forums.items())]

    def forum(self, forum_id: str) -> ForumView:
        forum = self._forum(forum_id)
        return ForumView(
            summary=_summary(forum),
            decision_rules={
                kind: _rule_words(forum.charter.decision_rules.for_question(kind))
                for kind in ("new_package", "amendment", "withdrawal")
            },
            membership_history=[
                {
                    "state": e.state,
                    "role": e.role or "left",
                    "log_index": e.log_index,
                    "attribution": e.attribution,
                }
                for e in forum.membership_history
            ],
            proposals=[_proposal(p) for _, p in sorted(forum.proposals.items())],
            calls=[self._call_line(forum, c) for c in _calls_in_order(forum)],
            statements=[_statement(s) for s in forum.statements],
        )

    # --- calls and decisions -------------------------------------------------------------

    def call(self, forum_id: str, call_id: str) -> CallView:
        forum = self._forum(forum_id)
        call = self._call(forum, call_id)
        positions = []
        for state in call.electorate:
            history = call.positions.get(state, [])
            latest = history[-1] if history else None
            vote = call.votes.get(state)
            last = latest or vote
            positions.append(
                {
                    "state": state,
                    "position": latest.position if latest else None,
                    "paragraphs": list(latest.paragraphs) if latest else [],
                    "vote": vote.vote if vote else None,
                    "recorded": last is not None,
                    "attribution": last.attribution if last else None,
                    "signed_by_state": last.signed_by_state if last else None,
                    "history": [
                        {
                            "position": p.position,
                            "paragraphs": list(p.paragraphs),
                            "log_index": p.log_index,
                        }
                        for p in history
                    ],
                }
            )
        return CallView(
            line=self._call_line(forum, call),
            rule=call.rule.model_dump(),
            rule_words=_rule_words(call.rule),
            electorate=list(call.electorate),
            period_ends=call.period_ends.isoformat(),
            opened_at=call.opened_at,
            positions=positions,
            concerns=[
                {
                    "name": c.name,
                    "state": c.state,
                    "raised_at": c.raised_at,
                    "resolved_at": c.resolved_at,
                    "open": c.resolved_at is None,
                }
                for c in call.concerns
            ],
        )

    def decisions(self) -> list[dict[str, Any]]:
        """Every call that ended (closed, or ended by a new revision), oldest first."""
        return [
            self._call_line(forum, call)
            for _, forum in sorted(self.state.forums.items())
            for call in _calls_in_order(forum)
            if call.status != "open"
        ]

    def decision(self, forum_id: str, call_id: str) -> DecisionView:
        forum = self._forum(forum_id)
        call = self._call(forum, call_id)
        if call.status == "open":
            raise UnknownName(
                f"call {call_id} of {forum_id} is still open: no decision yet "
                f"(see /v1/forums/{forum_id}/calls/{call_id} for what it still needs)"
            )
        proposal = forum.proposals[call.proposal]
        package = self.state.packages.get(proposal.package)
        adoption = package.adoption(call.revision) if package else None
        outcome = call.outcome or "no_decision"
        decision = {
            "forum": forum.id,
            "forum_name": forum.charter.name,
            "call": call.id,
            "proposal": proposal.id,
            "question": proposal.kind,
            "package": proposal.package,
            "revision": call.revision,
            "norms": list(_revision_norms(proposal, call.revision)),
            "rule": call.rule.model_dump(),
            "outcome": outcome,
            "outcome_words": OUTCOME_WORDS[outcome],
            "counts": None if call.counts is None else call.counts.model_dump(),
            "status": call.status,
            "ended_at": call.ended_at,
            "superseded_by": call.superseded_by,
            "adopted_on": adoption.adopted_on.isoformat() if adoption else None,
            "recorded_by": adoption.attribution if adoption else None,
            "text": _decision_text(forum, call, proposal),
        }
        disassociations = [
            {
                "state": state,
                "paragraphs": list(entry.paragraphs),
                "log_index": entry.log_index,
                "attribution": entry.attribution,
                "signed_by_state": entry.signed_by_state,
            }
            for state in call.electorate
            if (entry := call.latest_position(state)) is not None
            and entry.position == "disassociate"
        ]
        statements = [_statement(s) for s in forum.statements if s.call == call.id]
        return DecisionView(decision, statements, disassociations)

    # --- packages and treaties -----------------------------------------------------------

    def treaties(self) -> list[dict[str, Any]]:
        return [
            {
                "package": p.id,
                "owner": p.owner,
                "versions": [a.content_hash for a in p.adoptions],
                "depositary": p.terms.treaty.depositary,
            }
            for _, p in sorted(self.state.packages.items())
            if p.terms.treaty is not None
        ]

    def treaty_status(self, package_id: str, revision: str | None = None) -> TreatyStatus:
        """The status table of one adopted version (default: the latest adopted)."""
        package = self.state.packages.get(package_id)
        if package is None or package.terms.treaty is None:
            known = ", ".join(t["package"] for t in self.treaties()) or "none"
            raise UnknownName(f"no treaty package {package_id!r} on the record (treaties: {known})")
        treaty = package.terms.treaty
        if not package.adoptions:
            raise UnknownName(f"treaty {package_id} has no adopted version on the record")
        chosen = revision or package.adoptions[-1].content_hash
        adoption = package.adoption(chosen)
        if adoption is None:
            versions = ", ".join(a.content_hash for a in package.adoptions)
            raise UnknownName(
                f"{chosen[:64]!r} is no adopted version of {package_id} (adopted: {versions})"
            )
        rule = treaty.entry_into_force
        counted = [d for d in package.deposits.get(chosen, []) if d.instrument in rule.counted]
        rows = []
        for row in self.state.status_table(package_id, chosen):
            cells = row.cells()
            reservations = [
                r.text
                for r in package.reservations
                if r.state == row.participant and r.content_hash == chosen
            ]
            rows.append(
                {
                    "participant": row.participant,
                    "signature": _iso(row.signature),
                    "consent": _iso(row.consent),
                    "consent_instrument": row.consent_instrument,
                    "reservations": reservations,
                    "denunciation": _iso(row.denunciation),
                    "denunciation_effective": _iso(row.denunciation_effective),
                    "in_force_from": _iso(row.in_force_from),
                    "recorded_from_public_sources": row.recorded_from_public_sources,
                    "cells": {
                        **cells,
                        "Reservations": "; ".join(reservations),
                        "Recorded from public sources": "yes"
                        if row.recorded_from_public_sources
                        else "",
                    },
                }
            )
        general = self.state.entry_into_force(package_id, chosen)
        return TreatyStatus(
            package=package_id,
            revision=chosen,
            owner=package.owner,
            depositary=treaty.depositary,
            adopted_on=adoption.adopted_on.isoformat(),
            adopted_by=f"{adoption.forum} call {adoption.call}",
            entry_into_force_rule=_entry_rule_words(rule),
            instruments_counted=len(counted),
            instruments_required=rule.instruments,
            in_force_from=_iso(general),
            reservation_policy=package.terms.reservations.model_dump(),
            rows=rows,
        )

    def packages_as_of(self, on: date, state: str) -> list[dict[str, Any]]:
        """The package versions in force for ``state`` on ``on`` (``forum.packages_as_of``)."""
        return [
            {
                **asdict(found),
                "adopted_on": found.adopted_on.isoformat(),
                "in_force_from": found.in_force_from.isoformat(),
                "disassociated": list(found.disassociated),
                "reserved": list(found.reserved),
            }
            for found in packages_as_of(self.state, on, state)
        ]

    # --- lookups -------------------------------------------------------------------------

    def _forum(self, forum_id: str) -> Forum:
        found = self.state.forums.get(forum_id)
        if found is None:
            known = ", ".join(sorted(self.state.forums)) or "none"
            raise UnknownName(f"no forum {forum_id[:100]!r} on the record (forums: {known})")
        return found

    def _call(self, forum: Forum, call_id: str) -> DecisionCall:
        found = forum.calls.get(call_id)
        if found is None:
            known = ", ".join(sorted(forum.calls)) or "none"
            raise UnknownName(f"forum {forum.id} has no call {call_id[:100]!r} (calls: {known})")
        return found

    def _call_line(self, forum: Forum, call: DecisionCall) -> dict[str, Any]:
        """One call as a list shows it: what it decides, its state, what it still needs."""
        proposal = forum.proposals[call.proposal]
        outcome = call.outcome
        return {
            "forum": forum.id,
            "call": call.id,
            "proposal": call.proposal,
            "question": proposal.kind,
            "package": proposal.package,
            "revision": call.revision,
            "rule": call.rule.rule,
            "status": call.status,
            "outcome": outcome,
            "outcome_words": OUTCOME_WORDS[outcome] if outcome else None,
            "counts": None if call.counts is None else call.counts.model_dump(),
            "still_needs": self.state.what_it_still_needs(forum.id, call.id),
            "opened_at": call.opened_at,
            "ended_at": call.ended_at,
        }


# --- the read models -----------------------------------------------------------------------


@dataclass(frozen=True)
class ForumSummary:
    id: str
    name: str
    mandate: str
    membership: str
    members: dict[str, str]
    packages: list[dict[str, str]]
    proposals: int
    calls: int
    log_index: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ForumView:
    summary: ForumSummary
    decision_rules: dict[str, str]
    membership_history: list[dict[str, Any]]
    proposals: list[dict[str, Any]]
    calls: list[dict[str, Any]]
    statements: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "forum": self.summary.to_json(),
            "decision_rules": self.decision_rules,
            "membership_history": self.membership_history,
            "proposals": self.proposals,
            "calls": self.calls,
            "statements": self.statements,
        }


@dataclass(frozen=True)
class CallView:
    line: dict[str, Any]
    rule: dict[str, Any]
    rule_words: str
    electorate: list[str]
    period_ends: str
    opened_at: int
    positions: list[dict[str, Any]]
    concerns: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "call": {
                **self.line,
                "rule": self.rule,
                "rule_words": self.rule_words,
                "electorate": self.electorate,
                "period_ends": self.period_ends,
            },
            "still_needs": self.line["still_needs"],
            "positions": self.positions,
            "concerns": self.concerns,
        }


@dataclass(frozen=True)
class DecisionView:
    """A decision and, apart from it, what states said beside it."""

    decision: dict[str, Any]
    statements: list[dict[str, Any]] = field(default_factory=list)
    disassociations: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "national_statements": {
                "note": "not part of the decision: attributed statements and disassociations "
                "recorded beside it",
                "statements": self.statements,
                "disassociations": self.disassociations,
            },
        }


@dataclass(frozen=True)
class TreatyStatus:
    package: str
    revision: str
    owner: str
    depositary: str
    adopted_on: str
    adopted_by: str
    entry_into_force_rule: str
    instruments_counted: int
    instruments_required: int
    in_force_from: str | None
    reservation_policy: dict[str, Any]
    rows: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in asdict(self).items() if k != "rows"},
            "columns": list(STATUS_COLUMNS),
            "participants": [{k: v for k, v in r.items() if k != "cells"} for r in self.rows],
        }

    def to_csv(self, reflects: Reflects) -> str:
        """The table as the Collection prints it, one participant a line; a first comment
        line names the treaty version and what the table reflects."""
        out = io.StringIO()
        out.write(f"# {self.package} {self.revision}; reflects {reflects.words}\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(STATUS_COLUMNS)
        for row in self.rows:
            writer.writerow([_csv_cell(row["cells"][c]) for c in STATUS_COLUMNS])
        return out.getvalue()


# --- where the record comes from -----------------------------------------------------------


def record_of(records: Iterable[Record], reflects: Reflects) -> ForumRecord:
    """The record these forum acts make (a registry's, up to its checkpoint)."""
    return ForumRecord(fold(records), reflects)


#: The registry's record, folded once per checkpoint (the log only grows: a checkpoint's
#: prefix never changes). Keyed by the registry object's id and the checkpoint's size.
_LOGGED: dict[tuple[int, int], ForumRecord] = {}
_LOGGED_LOCK = threading.Lock()
_KEEP_LOGGED = 4


def registry_record(registry: Registry, checkpoint: StoredCheckpoint) -> ForumRecord | None:
    """The forum acts on ``registry``'s log that ``checkpoint`` covers, folded; None when it
    covers none (the caller shows the shipped history and says so)."""
    size = checkpoint.checkpoint.size
    key = (id(registry), size)
    with _LOGGED_LOCK:
        found = _LOGGED.get(key)
    if found is not None:
        return found
    records = registry.forum_records(up_to=size)
    if not records:
        return None
    root = encode_base64(checkpoint.checkpoint.root_hash)
    reflects = Reflects("registry", "acts signed and logged", f"{size} {root}", len(records))
    found = record_of(records, reflects)
    with _LOGGED_LOCK:
        _LOGGED[key] = found
        while len(_LOGGED) > _KEEP_LOGGED:
            del _LOGGED[next(iter(_LOGGED))]
    return found


def shipped_history(path: Path | None = None) -> ForumRecord:
    """The shipped history, folded once per file content (the answer never changes)."""
    chosen = path or shipped_history_path()
    data = chosen.read_bytes()
    return _shipped(str(chosen), hashlib.sha256(data).hexdigest())


@functools.lru_cache(maxsize=4)
def _shipped(path: str, digest: str) -> ForumRecord:
    from cybernorms.forum.history import RECORDER

    records = load_history(path)
    try:
        state = fold(records)
    except ForumError as exc:  # a broken shipped file: say which, never a traceback
        raise BrokenHistory(f"{path}: the history does not fold: {exc}") from exc
    at = records[0].logged_at.isoformat() if records else None
    label = f"{SHIPPED_LABEL} by {RECORDER}"
    return ForumRecord(state, Reflects("shipped_history", label, digest, len(records), at))


# --- words ---------------------------------------------------------------------------------


def _summary(forum: Forum) -> ForumSummary:
    charter = forum.charter
    owned = [{"package": t.package, "kind": t.kind} for t in charter.packages]
    owned += [
        {"package": p.package, "kind": "claimed by proposal"}
        for p in forum.proposals.values()
        if p.kind == "new_package" and p.package not in {t.package for t in charter.packages}
    ]
    return ForumSummary(
        id=forum.id,
        name=charter.name,
        mandate=charter.mandate,
        membership=charter.membership,
        members=dict(sorted(forum.members.items())),
        packages=owned,
        proposals=len(forum.proposals),
        calls=len(forum.calls),
        log_index=forum.log_index,
    )


def _proposal(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "question": p.kind,
        "package": p.package,
        "adopted_by": p.adopted_by,
        "attribution": p.attribution,
        "log_index": p.log_index,
        "revisions": [
            {
                "content_hash": r.content_hash,
                "norms": list(r.norms),
                "log_index": r.log_index,
                "accepts": list(r.accepts),
            }
            for r in p.revisions
        ],
        "amendments": [
            {
                "name": a.name,
                "against": a.against,
                "text": a.text,
                "log_index": a.log_index,
                "attribution": a.attribution,
                "accepted_in": a.accepted_in,
            }
            for _, a in sorted(p.amendments.items())
        ],
    }


def _statement(s: Any) -> dict[str, Any]:
    return {
        "kind": s.kind,
        "state": s.state,
        "call": s.call,
        "text": s.text,
        "log_index": s.log_index,
        "attribution": s.attribution,
        "signed_by_author": s.signed_by_author,
    }


def _calls_in_order(forum: Forum) -> list[DecisionCall]:
    return sorted(forum.calls.values(), key=lambda c: c.opened_at)


def _revision_norms(proposal: Proposal, content_hash: str) -> tuple[str, ...]:
    found = next((r for r in proposal.revisions if r.content_hash == content_hash), None)
    return () if found is None else found.norms


def _decision_text(forum: Forum, call: DecisionCall, proposal: Proposal) -> str:
    """The decision in words, made only of the record's fields (it has no free text)."""
    outcome = OUTCOME_WORDS[call.outcome or "no_decision"]
    counts = ""
    if call.counts is not None:
        c = call.counts
        counts = f" ({c.yes} in favour, {c.no} against, {c.abstain} abstaining)"
    ended = (
        f", the call ended when revision {(call.superseded_by or '')[:12]} replaced it"
        if call.status == "superseded"
        else ""
    )
    return (
        f"{forum.charter.name}, call {call.id} on proposal {proposal.id} "
        f"({proposal.kind.replace('_', ' ')} of package {proposal.package}, version "
        f"{call.revision[:12]}): {outcome}{counts}{ended}."
    )


def _rule_words(rule: ConsensusRule | VotingRule) -> str:
    if isinstance(rule, ConsensusRule):
        return "consensus: adopted without a vote when no member objects and no concern is open"
    which = "a simple majority" if rule.rule == "majority" else "two thirds"
    q = rule.quorum
    return (
        f"vote: {which} of members present and voting (abstentions not counted), quorum "
        f"{q.numerator}/{q.denominator} of the members"
    )


def _delay_words(delay: DaysAfter | FirstOfMonthAfter) -> str:
    if isinstance(delay, DaysAfter):
        return f"{delay.days} days after"
    return f"the first day of the month after {delay.months} months following"


def _entry_rule_words(rule: EntryIntoForceRule) -> str:
    kinds = ", ".join(rule.counted)
    later = _delay_words(rule.later)
    floor = ", not before the general date" if rule.later_not_before_general else ""
    return (
        f"{_delay_words(rule.general)} the deposit of instrument number {rule.instruments} "
        f"({kinds}); for a state consenting later, {later} its own deposit{floor}"
    )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _csv_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
