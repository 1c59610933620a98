"""Reading records back, and re-checking them on the way out.

Why re-check what the registry itself accepted: the database is a file or a server that other
programs can write. A record read for a decision (the profile an evaluation uses, a root a new
document is checked against) is therefore compared with its log entry and its signatures are
checked again, as of the time the log recorded it (``cybernorms.store.checks``). A record that
fails is reported as ``LogIntegrityError``, never silently skipped: skipping would let whoever
altered the database choose which older version stands in.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from cybernorms.forum.authors import Record
from cybernorms.forum.signed import parse_signed_act
from cybernorms.forum.state import ForumState
from cybernorms.log.hashing import leaf_hash
from cybernorms.model.profile import Profile
from cybernorms.store.checks import PackageInfo, check_profile, check_root, package_info
from cybernorms.store.entries import Entry, parse_timestamp, payload_digest, timestamp
from cybernorms.store.errors import LogIntegrityError, NotFound
from cybernorms.store.schema import (
    RECORD_TABLES,
    ActRow,
    LogEntry,
    PackageRow,
    PositionRow,
    ProfileRow,
    RootRow,
)
from cybernorms.trust.envelope import Envelope
from cybernorms.trust.errors import TrustError
from cybernorms.trust.root import Root


@dataclass(frozen=True)
class StoredRoot:
    """One version of a state's root as recorded, with the log entry that published it."""

    root: Root
    envelope: Envelope
    digest: str
    log_index: int
    logged_at: str


@dataclass(frozen=True)
class StoredProfile:
    """One version of a state's profile as recorded."""

    profile: Profile
    envelope: Envelope
    digest: str
    root_version: int
    log_index: int
    logged_at: str


@dataclass(frozen=True)
class StoredPackage:
    info: PackageInfo
    publisher: str
    root_version: int
    envelope: Envelope
    digest: str
    log_index: int
    logged_at: str


def _envelope(data: bytes, what: str) -> Envelope:
    try:
        return Envelope.from_json(bytes(data))
    except TrustError as exc:
        raise LogIntegrityError(f"{what}: stored envelope is unreadable ({exc})") from exc


def check_entry(
    conn: Connection, index: int, kind: str, state: str | None, version: str | None, digest: str
) -> str:
    """Compare a record with its log entry; return the entry's ``logged_at``."""
    row = conn.execute(
        select(LogEntry.entry, LogEntry.leaf_hash).where(LogEntry.idx == index)
    ).one_or_none()
    what = f"{kind} {state or ''} {version or digest[:12]}".replace("  ", " ")
    if row is None:
        raise LogIntegrityError(f"{what}: its log entry {index} is missing")
    data = bytes(row.entry)
    if not hmac.compare_digest(leaf_hash(data), bytes(row.leaf_hash)):
        raise LogIntegrityError(f"log entry {index}: bytes do not match the stored leaf hash")
    try:
        entry = Entry.from_bytes(data)
    except TrustError as exc:
        raise LogIntegrityError(f"log entry {index}: unreadable ({exc})") from exc
    if (entry.kind, entry.state, entry.version_text, entry.digest) != (
        kind,
        state,
        version,
        digest,
    ):
        raise LogIntegrityError(
            f"{what}: record does not match log entry {index} "
            f"({entry.kind} {entry.state} {entry.version_text} {entry.digest[:12]})"
        )
    return entry.logged_at


def root_chain(conn: Connection, state: str) -> list[StoredRoot]:
    """Every recorded root of ``state``, oldest first, each re-verified against its
    predecessor as of the moment it was logged (``LogIntegrityError`` if any fails)."""
    rows = conn.execute(
        select(
            RootRow.version,
            RootRow.digest,
            RootRow.envelope,
            RootRow.log_index,
            RootRow.threshold,
            RootRow.expires,
        )
        .where(RootRow.state == state)
        .order_by(RootRow.version)
    ).all()
    chain: list[StoredRoot] = []
    trusted: Root | None = None
    for row in rows:
        what = f"{state} root v{row.version}"
        envelope = _envelope(row.envelope, what)
        if payload_digest(envelope.payload) != row.digest:
            raise LogIntegrityError(f"{what}: stored envelope does not match its digest")
        logged_at = check_entry(conn, row.log_index, "root", state, str(row.version), row.digest)
        try:
            root = check_root(envelope, trusted, parse_timestamp(logged_at))
        except TrustError as exc:
            raise LogIntegrityError(f"{what}: stored root fails its checks ({exc})") from exc
        columns = {
            "state": (state, root.state),
            "version": (row.version, root.version),
            "threshold": (row.threshold, root.threshold),
            "expires": (row.expires, timestamp(root.expires)),
        }
        differ = [name for name, (stored, signed) in columns.items() if stored != signed]
        if differ:
            raise LogIntegrityError(
                f"{what}: column(s) {', '.join(f'roots.{n}' for n in differ)} differ from the "
                f"signed root"
            )
        chain.append(StoredRoot(root, envelope, row.digest, row.log_index, logged_at))
        trusted = root
    return chain


def latest_root_unchecked(conn: Connection, state: str) -> Root | None:
    """The newest root of ``state`` as stored (no re-check): for publishing, where the
    new document is about to be checked against it inside the same locked transaction."""
    data = conn.execute(
        select(RootRow.envelope)
        .where(RootRow.state == state)
        .order_by(RootRow.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    if data is None:
        return None
    envelope = _envelope(data, f"{state} root")
    try:
        return Root.from_document(envelope.document())
    except TrustError as exc:
        raise LogIntegrityError(f"{state} root: stored root is unreadable ({exc})") from exc


def root_of_version(conn: Connection, state: str, version: int) -> Root:
    """``state``'s root ``version`` as stored (no re-check), for publishing."""
    data = conn.execute(
        select(RootRow.envelope).where(RootRow.state == state, RootRow.version == version)
    ).scalar_one()
    return Root.from_document(_envelope(data, f"{state} root v{version}").document())


def highest_profile_version(conn: Connection, state: str) -> int | None:
    return conn.execute(
        select(func.max(ProfileRow.version)).where(ProfileRow.state == state)
    ).scalar_one_or_none()


def profile_versions(
    conn: Connection,
    state: str | None = None,
    *,
    version: int | None = None,
    as_of: dt.date | None = None,
) -> list[tuple[str, int]]:
    """(state, version) keys of stored profiles, filtered; with ``as_of`` only those in force
    that day (``effective_from <= as_of < expires``, by the document's own dates)."""
    query = select(ProfileRow.state, ProfileRow.version).order_by(
        ProfileRow.state, ProfileRow.version
    )
    if state is not None:
        query = query.where(ProfileRow.state == state)
    if version is not None:
        query = query.where(ProfileRow.version == version)
    if as_of is not None:
        query = query.where(
            ProfileRow.effective_from <= as_of,
            (ProfileRow.expires.is_(None)) | (ProfileRow.expires > as_of),
        )
    return [(row.state, row.version) for row in conn.execute(query)]


class ProfileReader:
    """Reads profiles re-checked against their log entries and their state's root chain.

    Root chains are verified once per state per reader (one reader per transaction).
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._chains: dict[str, dict[int, StoredRoot]] = {}

    def _roots(self, state: str) -> dict[int, StoredRoot]:
        if state not in self._chains:
            self._chains[state] = {r.root.version: r for r in root_chain(self._conn, state)}
        return self._chains[state]

    def read(self, state: str, version: int) -> StoredProfile:
        row = self._conn.execute(
            select(
                ProfileRow.digest,
                ProfileRow.envelope,
                ProfileRow.effective_from,
                ProfileRow.expires,
                ProfileRow.root_version,
                ProfileRow.log_index,
            ).where(ProfileRow.state == state, ProfileRow.version == version)
        ).one()
        what = f"{state} profile v{version}"
        envelope = _envelope(row.envelope, what)
        if payload_digest(envelope.payload) != row.digest:
            raise LogIntegrityError(f"{what}: stored envelope does not match its digest")
        logged_at = check_entry(
            self._conn, row.log_index, "profile", state, str(version), row.digest
        )
        roots = self._roots(state)
        stored_root = roots.get(row.root_version)
        if stored_root is None:
            raise LogIntegrityError(f"{what}: its root v{row.root_version} is not recorded")
        in_force = root_in_force_at(roots.values(), row.log_index)
        if in_force is not stored_root:
            raise LogIntegrityError(
                f"{what}: column profiles.root_version says v{row.root_version}, but the root "
                f"in force when it was logged is {_root_label(in_force)}"
            )
        try:
            profile = check_profile(envelope, stored_root.root, None, parse_timestamp(logged_at))
        except TrustError as exc:
            raise LogIntegrityError(f"{what}: stored profile fails its checks ({exc})") from exc
        differ = profile_columns_differ(profile, state, version, row.effective_from, row.expires)
        if differ:
            raise LogIntegrityError(
                f"{what}: column(s) {', '.join(differ)} differ from the signed profile"
            )
        return StoredProfile(
            profile, envelope, row.digest, row.root_version, row.log_index, logged_at
        )


def root_in_force_at(roots: Iterable[StoredRoot], log_index: int) -> StoredRoot | None:
    """The newest root logged before entry ``log_index``: the one that accepted it."""
    earlier = [r for r in roots if r.log_index < log_index]
    return max(earlier, key=lambda r: r.log_index) if earlier else None


def _root_label(root: StoredRoot | None) -> str:
    return "none" if root is None else f"v{root.root.version}"


def profile_columns_differ(
    profile: Profile,
    state: str,
    version: int,
    effective_from: dt.date,
    expires: dt.date | None,
) -> list[str]:
    """The indexed ``profiles`` columns whose value is not the signed document's."""
    columns = {
        "state": (state, profile.state),
        "version": (version, profile.version),
        "effective_from": (effective_from, profile.effective_from),
        "expires": (expires, profile.expires),
    }
    return [f"profiles.{n}" for n, (stored, signed) in columns.items() if stored != signed]


def package_rows(conn: Connection, name: str | None = None) -> list[StoredPackage]:
    """Stored packages, by name and version. Name and version come from the signed document
    (a ``packages`` column that differs from it is a ``LogIntegrityError``); the full audit of
    signatures is ``verify_log``."""
    query = select(
        PackageRow.name,
        PackageRow.version,
        PackageRow.publisher,
        PackageRow.root_version,
        PackageRow.envelope,
        PackageRow.digest,
        PackageRow.log_index,
        LogEntry.logged_at,
    ).join(LogEntry, LogEntry.idx == PackageRow.log_index)
    out: list[StoredPackage] = []
    for row in conn.execute(query.order_by(PackageRow.log_index)):
        what = f"package of log entry {row.log_index}"
        envelope = _envelope(row.envelope, what)
        if payload_digest(envelope.payload) != row.digest:
            raise LogIntegrityError(f"{what}: stored envelope does not match its digest")
        try:
            info = package_info(envelope)
        except TrustError as exc:
            raise LogIntegrityError(f"{what}: stored package is unreadable ({exc})") from exc
        differ = package_columns_differ(info, row.name, row.version)
        if differ:
            raise LogIntegrityError(
                f"{what}: column(s) {', '.join(differ)} differ from the signed package"
            )
        if name is None or info.name == name:
            out.append(
                StoredPackage(
                    info,
                    row.publisher,
                    row.root_version,
                    envelope,
                    row.digest,
                    row.log_index,
                    row.logged_at,
                )
            )
    return sorted(out, key=lambda p: (p.info.name, p.log_index))


def package_columns_differ(info: PackageInfo, name: str, version: str) -> list[str]:
    """The indexed ``packages`` columns whose value is not the signed document's."""
    columns = {"name": (name, info.name), "version": (version, info.version)}
    return [f"packages.{n}" for n, (stored, signed) in columns.items() if stored != signed]


# The root version that accepted each kind of non-root record.
_ROOT_VERSION = {
    "profile": ProfileRow.root_version,
    "package": PackageRow.root_version,
    "position": PositionRow.root_version,
    "act": ActRow.root_version,
}


def act_records(conn: Connection, *, up_to: int | None = None) -> list[Record]:
    """The forum records on the log, in log order (entries ``< up_to`` if given), read from
    the signed payloads (the ``acts`` columns are never trusted for meaning) and stamped with
    the log entry's index and time: what ``forum.state.fold`` reads. Signatures were checked
    on the way in; ``verify_log`` re-checks them."""
    query = (
        select(ActRow.envelope, ActRow.digest, ActRow.log_index, LogEntry.logged_at)
        .join(LogEntry, LogEntry.idx == ActRow.log_index)
        .order_by(ActRow.log_index)
    )
    if up_to is not None:
        query = query.where(ActRow.log_index < up_to)
    out: list[Record] = []
    for row in conn.execute(query):
        what = f"act of log entry {row.log_index}"
        envelope = _envelope(row.envelope, what)
        if payload_digest(envelope.payload) != row.digest:
            raise LogIntegrityError(f"{what}: stored envelope does not match its digest")
        signed = parse_signed_act(envelope.payload)
        out.append(Record(signed.act, signed.author, row.log_index, parse_timestamp(row.logged_at)))
    return out


def forum_state(conn: Connection) -> ForumState:
    """The fold of every forum record on the log (``forum.state.fold``), applied in place."""
    state = ForumState()
    for record in act_records(conn):
        state.apply(record)
    return state


@dataclass(frozen=True)
class LoggedRecord:
    """A log entry with the signed document it names and the root chain that vouched for it
    (``chain``: (log index, envelope bytes, entry bytes) of each root version, oldest first)."""

    entry: Entry
    envelope: Envelope
    chain: list[tuple[int, bytes, bytes]]


def logged_record(conn: Connection, index: int) -> LoggedRecord:
    """The record published by log entry ``index`` (``NotFound`` / ``LogIntegrityError``)."""
    row = conn.execute(select(LogEntry.entry).where(LogEntry.idx == index)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no log entry {index}")
    try:
        entry = Entry.from_bytes(bytes(row))
    except TrustError as exc:
        raise LogIntegrityError(f"log entry {index}: unreadable ({exc})") from exc
    table = RECORD_TABLES[entry.kind]
    found = conn.execute(
        select(table.envelope).where(table.log_index == index)
    ).scalar_one_or_none()
    if found is None:
        raise LogIntegrityError(f"log entry {index} ({entry.kind}) has no record")
    if isinstance(entry.version, int) and entry.kind == "root":
        chain_filter = RootRow.version < entry.version
    else:
        column = _ROOT_VERSION[entry.kind]
        root_version = conn.execute(select(column).where(table.log_index == index)).scalar_one()
        chain_filter = RootRow.version <= root_version
    chain = conn.execute(
        select(RootRow.log_index, RootRow.envelope, LogEntry.entry)
        .join(LogEntry, LogEntry.idx == RootRow.log_index)
        .where(RootRow.state == entry.state, chain_filter)
        .order_by(RootRow.version)
    ).all()
    return LoggedRecord(
        entry,
        _envelope(found, f"record of log entry {index}"),
        [(r.log_index, bytes(r.envelope), bytes(r.entry)) for r in chain],
    )
