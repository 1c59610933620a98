"""The registry: states' roots, profiles, packages and positions, each act on the log.

Every write is one transaction that (1) locks the log head, (2) checks the document against
what the registry holds (the state's current root, the highest version so far), (3) appends
the log entry and its tree nodes, and (4) inserts the record pointing at that entry. A refusal
at any step raises before anything is written, and the transaction rolls back: the registry is
unchanged, and the caller gets the exception that names the reason. A crash at any point
leaves either the whole act or none of it (the database's atomic commit).

``now`` is a parameter everywhere (default: the clock) so that tests and audits can state the
moment a check is made; the moment of every accepted act is recorded in its log entry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError

from cybernorms.forum.authors import Record
from cybernorms.log.checkpoint import Checkpoint, open_checkpoint
from cybernorms.log.note import NoteError
from cybernorms.log.proofs import ProofError, verify_consistency
from cybernorms.store import logdb, records
from cybernorms.store.audit import AuditReport, audit
from cybernorms.store.documents import KIND_BY_NAME, Context, DocumentKind, document_kind
from cybernorms.store.engine import (
    create_store_engine,
    read_transaction,
    resolve_url,
    sqlite_file,
    write_transaction,
)
from cybernorms.store.entries import Entry, payload_digest, timestamp
from cybernorms.store.errors import (
    AlreadyPublished,
    LogIntegrityError,
    NoRootOfTrust,
    NotFound,
    NotInitialised,
    StoreError,
)
from cybernorms.store.logdb import Head, StoredCheckpoint
from cybernorms.store.logkey import (
    create_log_key,
    journal_checkpoint,
    journal_path,
    key_path_for,
    load_signer,
    load_verifier,
    load_vkey,
    read_journal,
)
from cybernorms.store.migrate import current_revision, head_revision, upgrade
from cybernorms.store.receipt import LoggedRoot, Receipt, TlogProof
from cybernorms.store.records import StoredPackage, StoredProfile, StoredRoot
from cybernorms.store.schema import HEAD_ID, LogHead
from cybernorms.trust.envelope import Envelope
from cybernorms.trust.root import Root

DEFAULT_ORIGIN = "cybernorms.local/log"


@dataclass(frozen=True)
class Published:
    """What an accepted act became: its log entry and index."""

    entry: Entry
    log_index: int

    @property
    def label(self) -> str:
        version = "" if self.entry.version is None else f" v{self.entry.version}"
        name = self.entry.extra.get("name", "")
        who = f"{name} " if name else ""
        return f"{self.entry.kind} {who}{self.entry.state or ''}{version}".strip()


@dataclass(frozen=True)
class Consistency:
    """A verified consistency proof from an older checkpoint to the log's current one."""

    old: StoredCheckpoint | None
    old_size: int
    new: StoredCheckpoint
    proof: list[bytes]


def _now(now: datetime | None) -> datetime:
    moment = datetime.now(UTC) if now is None else now
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return moment


class Registry:
    """An open registry on one database (SQLite file or PostgreSQL), ready for acts and reads.

    Use ``Registry.init(url)`` once to create it (idempotent: it also upgrades the schema),
    ``Registry.open(url)`` afterwards; close it (or use ``with``) to release connections.

    ``log_key_file``: the log's private key file (``cybernorms.store.logkey``: default beside
    a SQLite file, or ``$CYBERNORMS_LOG_KEY_FILE``); only acts that sign a checkpoint read it.
    """

    def __init__(self, engine: Engine, key_path: Path | None = None) -> None:
        self.engine = engine
        self.key_path = key_path

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def init(
        cls,
        url: str | None = None,
        *,
        origin: str = DEFAULT_ORIGIN,
        now: datetime | None = None,
        log_key_file: Path | str | None = None,
    ) -> Registry:
        """Create (or upgrade) the schema; on first use create the log head and the log key
        (its private half in ``log_key_file``, see the class docstring).

        A new SQLite file is created mode 0600 (the registry is not secret, but nothing in it
        is for other local users to change or to read before publication). If anything fails,
        a file this call created (database, key) is removed again."""
        resolved = resolve_url(url)
        key_path = key_path_for(resolved, log_key_file)
        created_db = _create_private_file(sqlite_file(resolved))
        created_key: Path | None = None
        engine = create_store_engine(resolved)
        try:
            with write_transaction(engine) as conn:
                upgrade(conn, key_path)
                exists = conn.execute(
                    select(LogHead.origin).where(LogHead.id == HEAD_ID)
                ).scalar_one_or_none()
                if exists is None:
                    conn.execute(insert(LogHead).values(id=HEAD_ID, origin=origin, size=0))
                    created_key = create_log_key(conn, origin, timestamp(_now(now)), key_path)
        except BaseException:
            engine.dispose()
            if created_key is not None:
                created_key.unlink(missing_ok=True)
                journal_path(created_key).unlink(missing_ok=True)
            if created_db is not None:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{created_db}{suffix}").unlink(missing_ok=True)
            raise
        return cls(engine, key_path)

    @classmethod
    def open(cls, url: str | None = None, *, log_key_file: Path | str | None = None) -> Registry:
        """Open an initialised registry; ``NotInitialised`` if there is none at ``url`` or its
        schema is not the one this program expects. A SQLite file that does not exist is
        refused without creating it."""
        resolved = resolve_url(url)
        database = sqlite_file(resolved)
        if database is not None and not database.exists():
            raise NotInitialised(f"no registry at {database}; run `cybernorms init` first")
        engine = create_store_engine(resolved)
        try:
            with read_transaction(engine) as conn:
                revision = current_revision(conn)
            expected = head_revision()
            shown = engine.url.render_as_string(hide_password=True)
            if revision is None:
                raise NotInitialised(f"no registry at {shown}; run `cybernorms init` first")
            if revision != expected:
                raise NotInitialised(
                    f"registry at {shown} has schema {revision}, this program needs "
                    f"{expected}; run `cybernorms init` to upgrade it"
                )
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, key_path_for(resolved, log_key_file))

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _act(self) -> Iterator[tuple[Connection, Head]]:
        """A write transaction with the log head locked; integrity errors become refusals."""
        try:
            with write_transaction(self.engine) as conn:
                yield conn, logdb.lock_head(conn)
        except IntegrityError as exc:
            # Only reachable if a check above was bypassed by a concurrent writer that did not
            # lock the head; report it as a refusal rather than a crash.
            raise AlreadyPublished(f"the database refused the write: {exc.orig}") from exc

    def _record(
        self,
        conn: Connection,
        head: Head,
        entry: Entry,
        insert_record: Callable[[int], None],
    ) -> Published:
        [index] = logdb.append(conn, head, [entry])
        insert_record(index)
        return Published(entry, index)

    # -- acts --------------------------------------------------------------------------------

    def publish(
        self, envelope: Envelope, *, publisher: str | None = None, now: datetime | None = None
    ) -> Published:
        """Accept any signed document the registry knows, dispatched on its payload type
        (``store.documents``: one check per kind); ``UnsupportedDocument`` otherwise.
        ``publisher``: for a package, the state whose root signs it."""
        return self._publish(document_kind(envelope), envelope, publisher, now)

    def _publish(
        self,
        kind: DocumentKind,
        envelope: Envelope,
        publisher: str | None,
        now: datetime | None,
    ) -> Published:
        """The one way a document is accepted (module docstring): lock, check, log, record."""
        moment = _now(now)
        holder = kind.holder(envelope, publisher)
        digest = payload_digest(envelope.payload)
        with self._act() as (conn, head):
            root = records.latest_root_unchecked(conn, holder)
            if root is None and kind.needs_root:
                self._current_root(conn, holder)  # raises NoRootOfTrust, naming the holder
            ctx = Context(conn, moment, head.size, digest, publisher)
            accepted = kind.accept(envelope, root, ctx)
            entry = Entry(
                kind.kind,
                accepted.state,
                accepted.version,
                digest,
                timestamp(moment),
                dict(accepted.extra),
            )

            def insert_record(index: int) -> None:
                conn.execute(
                    insert(kind.table).values(
                        **accepted.row,
                        digest=digest,
                        envelope=envelope.to_bytes(),
                        log_index=index,
                    )
                )

            return self._record(conn, head, entry, insert_record)

    def publish_root(self, envelope: Envelope, *, now: datetime | None = None) -> Published:
        """Accept a state's first root (self-signed) or its next version (rotation: signed by
        the thresholds of the current root and of the new one)."""
        return self._publish(KIND_BY_NAME["root"], envelope, None, now)

    def publish_profile(self, envelope: Envelope, *, now: datetime | None = None) -> Published:
        """Accept a profile version signed by its state's threshold, above every earlier one."""
        return self._publish(KIND_BY_NAME["profile"], envelope, None, now)

    def publish_package(
        self, envelope: Envelope, publisher: str, *, now: datetime | None = None
    ) -> Published:
        """Accept a package signed by the threshold of ``publisher``'s root (an ISO3 state;
        see ``cybernorms.store.checks``). Its identity is the SHA-256 of its canonical form:
        the same content twice, or another content under a published name and version, is
        refused."""
        return self._publish(KIND_BY_NAME["package"], envelope, publisher, now)

    def publish_position(self, envelope: Envelope, *, now: datetime | None = None) -> Published:
        """Accept a national position signed by the threshold of the state it names."""
        return self._publish(KIND_BY_NAME["position"], envelope, None, now)

    def publish_act(self, envelope: Envelope, *, now: datetime | None = None) -> Published:
        """Accept a forum or treaty act signed by its signer's threshold, if the fold of the
        log's acts accepts it (else the fold's named ``ForumError``; nothing is written)."""
        return self._publish(KIND_BY_NAME["act"], envelope, None, now)

    def checkpoint(self, *, now: datetime | None = None) -> StoredCheckpoint:
        """Sign (or return the existing) checkpoint of the log at its current size."""
        moment = _now(now)
        with self._act() as (conn, head):
            if head.size == 0:
                raise StoreError("the log is empty: there is nothing to checkpoint yet")
            existing = logdb.checkpoint_at(conn, head.size)
            if existing is not None:
                return existing
            signer = load_signer(conn, self.key_path)
            stored = logdb.add_checkpoint(conn, head, signer, timestamp(moment))
            # Journalled before the commit: a journalled checkpoint whose row is lost still
            # commits to the tree of a size already committed (logkey module docstring).
            assert self.key_path is not None  # noqa: S101 - invariant that narrows a type, never input checking; load_signer refuses a registry without one
            journal_checkpoint(self.key_path, stored.checkpoint.size, stored.note)
            return stored

    def require_signer(self) -> None:
        """Refuse now (``LogKeyUnavailable``) if this registry cannot sign a checkpoint: for
        callers that must know before an act commits that its receipt can be written."""
        with read_transaction(self.engine) as conn:
            load_signer(conn, self.key_path)

    @staticmethod
    def _current_root(conn: Connection, state: str) -> Root:
        root = records.latest_root_unchecked(conn, state)
        if root is None:
            raise NoRootOfTrust(
                f"{state} has no root of trust in this registry; publish its root first "
                f"(cybernorms root publish)"
            )
        return root

    # -- reads -------------------------------------------------------------------------------

    def head(self) -> Head:
        with read_transaction(self.engine) as conn:
            return logdb.read_head(conn)

    def log_vkey(self) -> str:
        """The log's verifier key (``name+id+base64``), for offline verification."""
        with read_transaction(self.engine) as conn:
            return load_vkey(conn)

    def roots(self, state: str) -> list[StoredRoot]:
        """Every root version of ``state``, oldest first, re-verified as a chain."""
        with read_transaction(self.engine) as conn:
            return records.root_chain(conn, state)

    def profile(self, state: str, version: int | None = None) -> StoredProfile:
        """One profile version of ``state`` (default: the highest), re-checked."""
        with read_transaction(self.engine) as conn:
            keys = records.profile_versions(conn, state, version=version)
            if not keys:
                which = f"version {version}" if version is not None else "any version"
                raise NotFound(f"no profile of {state} ({which}) in the registry")
            return records.ProfileReader(conn).read(*keys[-1])

    def profile_history(self, state: str) -> list[StoredProfile]:
        """Every profile version of ``state``, oldest first, re-checked."""
        with read_transaction(self.engine) as conn:
            reader = records.ProfileReader(conn)
            return [reader.read(s, v) for s, v in records.profile_versions(conn, state)]

    def profiles_as_of(self, as_of: dt.date, state: str | None = None) -> dict[str, StoredProfile]:
        """For each state (or just ``state``), the highest version in force on ``as_of``.

        Decided on the verified, signed documents (``Profile.in_force``), never on the
        indexed date columns: a date changed in the database cannot pick another version
        (every version is read and re-checked; a state has few)."""
        with read_transaction(self.engine) as conn:
            reader = records.ProfileReader(conn)
            chosen: dict[str, StoredProfile] = {}
            for s, v in records.profile_versions(conn, state):
                stored = reader.read(s, v)
                current = chosen.get(s)
                if stored.profile.in_force(as_of) and (
                    current is None or stored.profile.version > current.profile.version
                ):
                    chosen[s] = stored
            return chosen

    def packages(self, name: str | None = None) -> list[StoredPackage]:
        with read_transaction(self.engine) as conn:
            return records.package_rows(conn, name)

    def forum_records(self, *, up_to: int | None = None) -> list[Record]:
        """The forum and treaty acts on the log, in log order (entries before ``up_to``), as
        ``forum.state.fold`` reads them."""
        with read_transaction(self.engine) as conn:
            return records.act_records(conn, up_to=up_to)

    def checkpoints(self) -> list[int]:
        """Sizes at which the log signed a checkpoint, ascending."""
        with read_transaction(self.engine) as conn:
            return logdb.checkpoint_sizes(conn)

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        with read_transaction(self.engine) as conn:
            return logdb.latest_checkpoint(conn)

    def consistency(self, old_note: str, *, now: datetime | None = None) -> Consistency:
        """Prove and check that the log today extends the log an old checkpoint saw.

        The old checkpoint must be signed by this log's key and name its origin. A log that was
        truncated below the old size, or rewritten (a fork), fails with ``LogIntegrityError``
        and nothing is written. Only once the check passes is a current checkpoint signed (if
        the log grew since the last one), so the caller can keep it for the next check.
        """
        with read_transaction(self.engine) as conn:
            verifier, origin = load_verifier(conn), logdb.read_head(conn).origin
        try:
            old, _ = open_checkpoint(old_note, [verifier], origin=origin)
        except NoteError as exc:
            raise LogIntegrityError(f"the old checkpoint is not one of this log: {exc}") from exc
        with read_transaction(self.engine) as conn:
            size = logdb.read_head(conn).size
            self._check_extends(conn, old, size, logdb.tree_root(conn, size))
        new = self.latest_checkpoint()
        if new is None or new.checkpoint.size != self.head().size:
            new = self.checkpoint(now=now)
        with read_transaction(self.engine) as conn:
            # The log may have grown meanwhile: prove against the checkpoint actually returned.
            proof = self._check_extends(conn, old, new.checkpoint.size, new.checkpoint.root_hash)
            stored_old = logdb.checkpoint_at(conn, old.size)
        return Consistency(stored_old, old.size, new, proof)

    @staticmethod
    def _check_extends(conn: Connection, old: Checkpoint, size: int, root: bytes) -> list[bytes]:
        """The consistency proof from ``old`` to the tree of ``size`` with ``root``, verified."""
        if old.size > size:
            raise LogIntegrityError(
                f"the old checkpoint saw {old.size} entries, the log now has {size}: "
                f"the log was truncated"
            )
        proof = logdb.prove_consistency(conn, old.size, size) if old.size else []
        try:
            verify_consistency(old.size, size, proof, old.root_hash, root)
        except ProofError as exc:
            raise LogIntegrityError(
                f"the log at size {size} is not consistent with the checkpoint at size "
                f"{old.size}: {exc} (the log was rewritten, or the checkpoint is from a fork)"
            ) from exc
        return proof

    # -- proofs and audits -------------------------------------------------------------------

    def receipt(
        self, index: int, *, size: int | None = None, now: datetime | None = None
    ) -> Receipt:
        """An offline-verifiable receipt for log entry ``index`` (see ``store.receipt``).

        Under the checkpoint of ``size`` if given (it must exist and cover the entry), else
        under the latest checkpoint, signing a new one if the latest does not cover the entry.
        """
        with read_transaction(self.engine) as conn:
            record = records.logged_record(conn, index)
            if size is None:
                stored = logdb.latest_checkpoint(conn)
            else:
                stored = logdb.checkpoint_at(conn, size)
                if stored is None:
                    sizes = logdb.checkpoint_sizes(conn)
                    raise NotFound(
                        f"no checkpoint of size {size}; checkpoints exist at sizes "
                        f"{sizes or 'none'} (sign one with `cybernorms log checkpoint`)"
                    )
        if stored is not None and stored.checkpoint.size <= index:
            if size is not None:
                raise NotFound(f"the checkpoint of size {size} does not cover entry {index}")
            stored = None
        if stored is None:
            stored = self.checkpoint(now=now)
        tree_size = stored.checkpoint.size
        with read_transaction(self.engine) as conn:
            proof = TlogProof(index, logdb.prove_inclusion(conn, index, tree_size), stored.note)
            roots = [
                LoggedRoot(
                    Envelope.from_json(envelope),
                    entry,
                    root_index,
                    logdb.prove_inclusion(conn, root_index, tree_size),
                )
                for root_index, envelope, entry in record.chain
            ]
        return Receipt(record.envelope, record.entry.to_bytes(), proof, roots)

    def verify_log(self) -> AuditReport:
        """Recompute the log from its entries and replay every decision (``store.audit``),
        against every checkpoint the log signed: those in the database and those in the
        journal beside its key (when this process can read it)."""
        journal = read_journal(self.key_path)
        with read_transaction(self.engine) as conn:
            return audit(conn, journal)


def _create_private_file(path: Path | None) -> Path | None:
    """Create ``path`` empty with mode 0600 if it does not exist; return it if created.

    An existing file that others may read or write (a registry made before this rule) is
    narrowed to 0600, with its WAL and shared-memory files."""
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for existing in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            with contextlib.suppress(OSError):
                if existing.stat().st_mode & 0o077:
                    existing.chmod(0o600)
        return None
    except OSError as exc:
        raise StoreError(f"cannot create the registry database {path}: {exc.strerror}") from exc
    os.close(fd)
    return path
