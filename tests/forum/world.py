"""A small forum log that tests write acts into, as states, secretariats and depositaries.

``log.by(FRA).join("oewg")`` reads like the act it records. Each act goes through the strict
parser (``parse_act`` on its JSON, as the store will), gets its author's next sequence number,
the next log index and the log's clock, and is appended to the fold; ``log.refused(...)``
asserts the exact refusal and that the state did not change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from cybernorms.forum import (
    Depositary,
    ForumState,
    Record,
    RecordedFromPublicSources,
    Secretariat,
    StateAuthor,
    parse_act,
)
from cybernorms.forum.authors import Author, signer_key
from cybernorms.forum.errors import ForumError

START = datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC)
CONSENSUS = {"rule": "consensus"}
MAJORITY = {"rule": "majority", "quorum": {"numerator": 1, "denominator": 2}}
TWO_THIRDS = {"rule": "two_thirds", "quorum": {"numerator": 1, "denominator": 2}}
NOT_ALL_NORMS = ["norm_a", "norm_b", "norm_c"]


def content_hash(label: str) -> str:
    """A stand-in for a package version's content hash (SHA-256 hex, as Package.digest)."""
    return hashlib.sha256(label.encode()).hexdigest()


def state(code: str) -> StateAuthor:
    return StateAuthor(author="state", state=code)


def secretariat(forum: str) -> Secretariat:
    return Secretariat(author="secretariat", forum=forum)


def depositary(name: str) -> Depositary:
    return Depositary(author="depositary", depositary=name)


def public(on_behalf_of: Any, source: str, occurred_at: datetime) -> RecordedFromPublicSources:
    return RecordedFromPublicSources(
        author="public_sources",
        on_behalf_of=on_behalf_of,
        by="cybernorms-maintainers",
        source=source,
        occurred_at=occurred_at,
    )


def rules(rule: dict[str, Any]) -> dict[str, Any]:
    return {"new_package": rule, "amendment": rule, "withdrawal": rule}


def norms_terms(package: str) -> dict[str, Any]:
    return {"package": package, "kind": "norms"}


def treaty_terms(
    package: str,
    *,
    instruments: int = 3,
    general_days: int = 90,
    later_days: int = 30,
    reservations: dict[str, Any] | None = None,
    notice_days: int = 365,
) -> dict[str, Any]:
    """Treaty terms with made-up figures (no real treaty's numbers live in tests either)."""
    return {
        "package": package,
        "kind": "treaty",
        "reservations": reservations or {"allowed": "listed", "norms": ["norm_b"]},
        "treaty": {
            "depositary": "depositary-of-" + package,
            "entry_into_force": {
                "instruments": instruments,
                "general": {"delay": "days", "days": general_days},
                "later": {"delay": "days", "days": later_days},
            },
            "denunciation_notice": {"delay": "days", "days": notice_days},
        },
    }


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(repr(value))


class Log:
    """The forum records of one log, and the state they fold to."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start
        self.index = 100  # forum records are a subsequence of a log holding other entries
        self.sequences: dict[str, int] = {}
        self.records: list[Record] = []
        self.state = ForumState()

    # --- time --------------------------------------------------------------------------------

    def tick(self, **delta: float) -> datetime:
        self.now += timedelta(**delta) if delta else timedelta(minutes=1)
        return self.now

    # --- building records --------------------------------------------------------------------

    def record(self, author: Author, kind: str, *, seq: int | None = None, **fields: Any) -> Record:
        """A record of this act as the next log entry (not appended)."""
        if kind == "close" and "revision" not in fields:
            fields["revision"] = self._pinned(fields.get("forum"), fields.get("call"))
        key = signer_key(author)
        number = self.sequences.get(key, 0) + 1 if seq is None else seq
        payload = json.dumps({"kind": kind, "seq": number, **fields}, default=_json)
        return Record(parse_act(payload), author, self.index + 1, self.now)

    def _pinned(self, forum: Any, call: Any) -> str:
        """A close names the revision its call pinned; tests that do not say it get that one
        (``test_attacks`` names another, explicitly)."""
        try:
            return self.state.call(forum, call).revision
        except ForumError:
            return "0" * 64

    def append(self, record: Record) -> Record:
        self.state.apply(record)
        self.records.append(record)
        self.index = record.log_index
        self.sequences[signer_key(record.author)] = record.act.seq
        return record

    def add(self, author: Author, kind: str, **fields: Any) -> Record:
        self.tick()
        return self.append(self.record(author, kind, **fields))

    def refused(
        self, error: type[ForumError], author: Author, kind: str, **fields: Any
    ) -> ForumError:
        """Assert that this act is refused, when parsed or appended, with exactly ``error``
        and that the state did not change."""
        self.tick()
        return self.refused_record(error, lambda: self.record(author, kind, **fields))

    def refused_record(
        self, error: type[ForumError], record: Record | Callable[[], Record]
    ) -> ForumError:
        before = fingerprint(self.state)
        with pytest.raises(ForumError) as caught:
            # in place: a refusal must leave the state exactly as it was (checks come first)
            self.state.apply(record if isinstance(record, Record) else record())
        assert type(caught.value) is error, f"refused as {caught.value!r}, not {error.__name__}"
        assert fingerprint(self.state) == before
        return caught.value

    # --- speaking as someone -----------------------------------------------------------------

    def by(self, author: Author) -> Acting:
        return Acting(self, author)


class Acting:
    """``log.by(author).kind(**fields)`` appends; ``.refuses(Error).kind(...)`` asserts."""

    def __init__(self, log: Log, author: Author, error: type[ForumError] | None = None) -> None:
        self._log = log
        self._author = author
        self._error = error

    def refuses(self, error: type[ForumError]) -> Acting:
        return Acting(self._log, self._author, error)

    def __getattr__(self, kind: str) -> Callable[..., Any]:
        def act(**fields: Any) -> Any:
            if self._error is None:
                return self._log.add(self._author, kind, **fields)
            return self._log.refused(self._error, self._author, kind, **fields)

        return act


def fingerprint(record: ForumState) -> str:
    """Everything a state holds, as text: equal fingerprints, equal states."""
    return repr(
        (
            record.forums,
            record.packages,
            sorted(record.sequences.items()),
            record.last_index,
            record.last_logged_at,
            record.records,
        )
    )


# --- a forum that has done its first steps ---------------------------------------------------

HASH_V1 = content_hash("norms-package v1")
HASH_V2 = content_hash("norms-package v2")


def consensus_forum(
    log: Log, members: tuple[str, ...] = ("BRA", "DEU", "FRA"), forum: str = "oewg"
) -> None:
    """Forum ``oewg`` (consensus for every question, open membership) with ``members``, and a
    proposal ``p1`` of a new package ``norms-package`` at revision ``HASH_V1``."""
    log.by(secretariat(forum)).forum_new(
        forum=forum,
        name="Open-ended working group",
        mandate="Develop rules of responsible state behaviour",
        membership="open",
        decision_rules=rules(CONSENSUS),
    )
    for code in members:
        log.by(state(code)).join(forum=forum, state=code, role="member")
    log.by(state(members[0])).propose(
        forum=forum,
        proposal="p1",
        proposal_kind="new_package",
        package="norms-package",
        revision=HASH_V1,
        norms=NOT_ALL_NORMS,
        terms=norms_terms("norms-package"),
    )


def open_call(
    log: Log,
    call: str = "c1",
    *,
    forum: str = "oewg",
    proposal: str = "p1",
    revision: str = HASH_V1,
    rule: dict[str, Any] | None = None,
    days: int = 7,
) -> datetime:
    """Open a call on the proposal's revision with the forum's current members; return its end."""
    ends = log.now + timedelta(days=days)
    log.by(secretariat(forum)).call(
        forum=forum,
        call=call,
        proposal=proposal,
        revision=revision,
        rule=rule or CONSENSUS,
        electorate=list(log.state.forum(forum).voting_members()),
        period_ends=ends,
    )
    return ends


def position(
    log: Log, code: str, kind: str, *, call: str = "c1", revision: str = HASH_V1, **more: Any
) -> Record:
    return log.by(state(code)).position(
        forum="oewg", call=call, revision=revision, state=code, position=kind, **more
    )


def close(log: Log, outcome: str, *, call: str = "c1", forum: str = "oewg", **more: Any) -> Record:
    return log.by(secretariat(forum)).close(forum=forum, call=call, outcome=outcome, **more)
