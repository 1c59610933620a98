"""A full audit of a registry: recompute the log from its entries and replay every decision.

What it checks, and what each failure means:

* entries are numbered 0..n-1 without gaps, as many as the head says; each entry's bytes hash
  to its stored leaf hash and parse as a canonical entry matching its indexed columns
  (an altered or missing entry);
* every stored tree node equals the node recomputed from the entries, and none is missing or
  extra (an altered tree);
* every checkpoint is signed by the log's key, names its origin, is not beyond the log's size
  (a truncated log) and commits to the root recomputed at its size (a rewritten log); this
  holds for the checkpoints stored in the database AND for every checkpoint in the journal
  kept beside the log's key (``store.logkey``), which someone who can only write the database
  cannot delete: a log truncated together with its newer checkpoints is found;
* every record matches its log entry and every entry has its record (a record smuggled in or
  dropped outside a transaction);
* every root chain, profile, package and position passes the acceptance check again, as of the
  moment the log recorded it, with the version floor it had then (a record altered after it was
  accepted: signatures, rollback order, expiry);
* every indexed column of a record (``roots.threshold``/``expires``, ``profiles.effective_from``
  /``expires``, ``packages.name``/``version``/``publisher``, ``positions.state``/``package``,
  each ``root_version``) equals what the signed document and the log say: queries select by
  these columns, so a column changed by hand must not pass.

Problems are collected, not stopped at, so one run shows the extent of the damage.
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from cybernorms.forum.errors import ForumError
from cybernorms.log.checkpoint import Checkpoint, open_checkpoint
from cybernorms.log.hashing import leaf_hash
from cybernorms.log.note import NoteError, NoteVerifier
from cybernorms.log.tree import MemoryTree
from cybernorms.store import logdb
from cybernorms.store.checks import check_act, check_package, check_position, check_profile
from cybernorms.store.entries import Entry, parse_timestamp
from cybernorms.store.errors import LogIntegrityError
from cybernorms.store.logkey import load_verifier
from cybernorms.store.records import (
    StoredRoot,
    forum_state,
    package_columns_differ,
    profile_columns_differ,
    root_chain,
    root_in_force_at,
)
from cybernorms.store.schema import (
    RECORD_TABLES,
    ActRow,
    CheckpointRow,
    LogEntry,
    PackageRow,
    PositionRow,
    ProfileRow,
    RootRow,
    TreeNode,
)
from cybernorms.trust.envelope import Envelope
from cybernorms.trust.errors import TrustError
from cybernorms.trust.root import Root

_CHUNK = 10_000
MAX_REPORTED = 50


@dataclass
class AuditReport:
    """The outcome of ``audit``: sizes seen, and every problem found (empty: all good)."""

    size: int = 0
    root_hash: bytes = b""
    checkpoints: int = 0
    journalled: int | None = None  # checkpoints checked from the journal (None: no journal)
    records: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(problem)
        elif len(self.problems) == MAX_REPORTED:
            self.problems.append("... (further problems not listed)")


def audit(conn: Connection, journal: list[tuple[int, str]] | None = None) -> AuditReport:
    """Run every check in the module docstring inside one read transaction (``conn``);
    ``journal``: (size, note) of the checkpoints journalled beside the log key, if readable."""
    report = AuditReport()
    head = logdb.read_head(conn)
    tree = _entries(conn, head.size, report)
    report.size = tree.size
    report.root_hash = tree.root()
    _nodes(conn, tree, report)
    _checkpoints(conn, tree, head.origin, report)
    if journal is not None:
        _journal(conn, tree, head.origin, journal, report)
    _records_match_entries(conn, report)
    _replay(conn, report)
    return report


def _entries(conn: Connection, head_size: int, report: AuditReport) -> MemoryTree:
    tree = MemoryTree()
    batch: list[bytes] = []
    expected = 0
    rows = conn.execution_options(stream_results=True, yield_per=_CHUNK).execute(
        select(
            LogEntry.idx,
            LogEntry.entry,
            LogEntry.leaf_hash,
            LogEntry.kind,
            LogEntry.state,
            LogEntry.version,
            LogEntry.digest,
            LogEntry.logged_at,
        ).order_by(LogEntry.idx)
    )
    for row in rows:
        if row.idx != expected:
            report.add(f"log entries jump from index {expected - 1} to {row.idx}")
            expected = row.idx
        data = bytes(row.entry)
        computed = leaf_hash(data)
        if not hmac.compare_digest(computed, bytes(row.leaf_hash)):
            report.add(f"log entry {row.idx}: bytes do not hash to the stored leaf hash")
        try:
            entry = Entry.from_bytes(data)
        except TrustError as exc:
            report.add(f"log entry {row.idx}: unreadable ({exc})")
        else:
            columns = (row.kind, row.state, row.version, row.digest, row.logged_at)
            if columns != (
                entry.kind,
                entry.state,
                entry.version_text,
                entry.digest,
                entry.logged_at,
            ):
                report.add(f"log entry {row.idx}: indexed columns differ from the entry bytes")
        batch.append(computed)
        if len(batch) == _CHUNK:
            tree.append_leaf_hashes(batch)
            batch = []
        expected += 1
    tree.append_leaf_hashes(batch)
    if tree.size != head_size:
        report.add(f"the log head says {head_size} entries, {tree.size} are stored")
    return tree


def _nodes(conn: Connection, tree: MemoryTree, report: AuditReport) -> None:
    counts: dict[int, int] = defaultdict(int)
    pending: list[tuple[int, int, bytes]] = []

    def flush() -> None:
        known = tree.get_nodes([(level, idx) for level, idx, _ in pending])
        for level, idx, digest in pending:
            want = known.get((level, idx))
            if want is None:
                report.add(
                    f"tree node ({level}, {idx}) is not part of a log of {tree.size} entries"
                )
            elif not hmac.compare_digest(want, digest):
                report.add(f"tree node ({level}, {idx}) differs from the hash of its entries")
        pending.clear()

    rows = conn.execution_options(stream_results=True, yield_per=_CHUNK).execute(
        select(TreeNode.level, TreeNode.idx, TreeNode.hash).order_by(TreeNode.level, TreeNode.idx)
    )
    for level, idx, digest in rows:
        counts[level] += 1
        pending.append((level, idx, bytes(digest)))
        if len(pending) == _CHUNK:
            flush()
    flush()
    level = 0
    while tree.size >> level:
        want = tree.size >> level
        if counts.get(level, 0) < want:
            report.add(f"tree level {level}: {want - counts.get(level, 0)} node(s) missing")
        level += 1


def _checkpoints(conn: Connection, tree: MemoryTree, origin: str, report: AuditReport) -> None:
    verifier = load_verifier(conn)
    for size, root_hash, note in conn.execute(
        select(CheckpointRow.size, CheckpointRow.root_hash, CheckpointRow.note).order_by(
            CheckpointRow.size
        )
    ):
        report.checkpoints += 1
        what = f"checkpoint at size {size}"
        checkpoint = _check_signed_checkpoint(note, verifier, origin, tree, what, report)
        if checkpoint is not None and (
            checkpoint.size != size or checkpoint.root_hash != bytes(root_hash)
        ):
            report.add(f"{what}: stored columns differ from the signed note")


def _check_signed_checkpoint(
    note: str,
    verifier: NoteVerifier,
    origin: str,
    tree: MemoryTree,
    what: str,
    report: AuditReport,
) -> Checkpoint | None:
    """One signed checkpoint against the recomputed tree; the checkpoint if it opened."""
    try:
        checkpoint, _ = open_checkpoint(note, [verifier], origin=origin)
    except NoteError as exc:
        report.add(f"{what}: not validly signed by the log ({exc})")
        return None
    if checkpoint.size > tree.size:
        report.add(
            f"{what}: it saw {checkpoint.size} entries, the log now has {tree.size}: "
            f"the log was truncated"
        )
    elif not hmac.compare_digest(tree.root(checkpoint.size), checkpoint.root_hash):
        report.add(
            f"{what}: its root differs from the root recomputed from the entries "
            f"(entries were altered or the log rewritten)"
        )
    return checkpoint


def _journal(
    conn: Connection,
    tree: MemoryTree,
    origin: str,
    journal: list[tuple[int, str]],
    report: AuditReport,
) -> None:
    verifier = load_verifier(conn)
    report.journalled = 0
    for size, note in journal:
        report.journalled += 1
        if size < 0:
            report.add(f"checkpoint journal: unreadable line {note!r}")
            continue
        what = f"journalled checkpoint at size {size}"
        checkpoint = _check_signed_checkpoint(note, verifier, origin, tree, what, report)
        if checkpoint is not None and checkpoint.size != size:
            report.add(f"{what}: the signed note is of size {checkpoint.size}")


def _records_match_entries(conn: Connection, report: AuditReport) -> None:
    for kind, table in RECORD_TABLES.items():
        report.records[kind] = conn.execute(select(func.count()).select_from(table)).scalar_one()
        orphans = conn.execute(
            select(LogEntry.idx)
            .outerjoin(table, table.log_index == LogEntry.idx)
            .where(LogEntry.kind == kind, table.log_index.is_(None))
            .limit(MAX_REPORTED)
        ).scalars()
        for idx in orphans:
            report.add(f"log entry {idx} ({kind}) has no record")
        mismatched = conn.execute(
            select(table.log_index)
            .join(LogEntry, LogEntry.idx == table.log_index)
            .where((LogEntry.kind != kind) | (LogEntry.digest != table.digest))
            .limit(MAX_REPORTED)
        ).scalars()
        for idx in mismatched:
            report.add(
                f"{kind} record of log entry {idx} does not match the entry (kind or digest)"
            )


def _replay(conn: Connection, report: AuditReport) -> None:
    states = set(conn.execute(select(RootRow.state).distinct()).scalars())
    for state in sorted(states):
        try:
            stored_chain = root_chain(conn, state)
        except LogIntegrityError as exc:
            report.add(str(exc))
            continue
        chain = {r.root.version: r.root for r in stored_chain}
        _replay_profiles(conn, state, chain, stored_chain, report)
        _replay_packages_and_positions(conn, state, chain, stored_chain, report)
    chains: dict[str, dict[int, Root]] = {}
    for state in sorted(states):
        try:
            chains[state] = {r.root.version: r.root for r in root_chain(conn, state)}
        except LogIntegrityError:
            continue  # reported above
    _replay_acts(conn, chains, report)
    for table, label in ((ProfileRow, "profile"), (PositionRow, "position")):
        for (state,) in conn.execute(select(table.state).distinct()):
            if state not in states:
                report.add(f"{label} records of {state}, which has no root of trust")
    for (publisher,) in conn.execute(select(PackageRow.publisher).distinct()):
        if publisher not in states:
            report.add(f"package records of {publisher}, which has no root of trust")


def _replay_acts(conn: Connection, chains: dict[str, dict[int, Root]], report: AuditReport) -> None:
    """Every act re-checked under its signer's root as of its log time, then the whole fold
    replayed: an act the fold refuses is a problem, whatever the database says."""
    for row in conn.execute(
        select(
            ActRow.digest,
            ActRow.envelope,
            ActRow.signer,
            ActRow.root_version,
            ActRow.act,
            ActRow.log_index,
            LogEntry.logged_at,
        )
        .join(LogEntry, LogEntry.idx == ActRow.log_index)
        .order_by(ActRow.log_index)
    ):
        what = f"act {row.act} of log entry {row.log_index}"
        try:
            signed = check_act(
                Envelope.from_json(bytes(row.envelope)),
                chains[row.signer][row.root_version],
                parse_timestamp(row.logged_at),
            )
        except (TrustError, ForumError, KeyError) as exc:
            report.add(f"{what}: fails on replay ({exc!r})")
            continue
        if signed.act.kind != row.act:
            report.add(f"{what}: column acts.act differs from the signed act")
    try:
        forum_state(conn)
    except (ForumError, LogIntegrityError) as exc:
        report.add(f"the forum record does not fold: {type(exc).__name__}: {exc}")


def _root_version_problem(
    stored_chain: list[StoredRoot], root_version: int, log_index: int, what: str, column: str
) -> str | None:
    in_force = root_in_force_at(stored_chain, log_index)
    if in_force is None or in_force.root.version != root_version:
        shown = "none" if in_force is None else f"v{in_force.root.version}"
        return (
            f"{what}: column {column}.root_version says v{root_version}, the root in force "
            f"when it was logged is {shown}"
        )
    return None


def _replay_profiles(
    conn: Connection,
    state: str,
    chain: dict[int, Root],
    stored_chain: list[StoredRoot],
    report: AuditReport,
) -> None:
    floor = 0
    for row in conn.execute(
        select(
            ProfileRow.version,
            ProfileRow.envelope,
            ProfileRow.root_version,
            ProfileRow.effective_from,
            ProfileRow.expires,
            ProfileRow.log_index,
            LogEntry.logged_at,
        )
        .join(LogEntry, LogEntry.idx == ProfileRow.log_index)
        .where(ProfileRow.state == state)
        .order_by(ProfileRow.log_index)
    ):
        what = f"{state} profile v{row.version}"
        problem = _root_version_problem(
            stored_chain, row.root_version, row.log_index, what, "profiles"
        )
        if problem:
            report.add(problem)
        try:
            profile = check_profile(
                Envelope.from_json(bytes(row.envelope)),
                chain[row.root_version],
                floor,
                parse_timestamp(row.logged_at),
            )
        except (TrustError, KeyError) as exc:
            report.add(f"{what}: fails its acceptance check on replay ({exc!r})")
            continue
        differ = profile_columns_differ(
            profile, state, row.version, row.effective_from, row.expires
        )
        if differ:
            report.add(f"{what}: column(s) {', '.join(differ)} differ from the signed profile")
        floor = profile.version


def _replay_packages_and_positions(
    conn: Connection,
    state: str,
    chain: dict[int, Root],
    stored_chain: list[StoredRoot],
    report: AuditReport,
) -> None:
    for row in conn.execute(
        select(
            PackageRow.digest,
            PackageRow.envelope,
            PackageRow.root_version,
            PackageRow.name,
            PackageRow.version,
            PackageRow.log_index,
            LogEntry.logged_at,
        )
        .join(LogEntry, LogEntry.idx == PackageRow.log_index)
        .where(PackageRow.publisher == state)
    ):
        what = f"package {row.digest[:12]} of {state}"
        problem = _root_version_problem(
            stored_chain, row.root_version, row.log_index, what, "packages"
        )
        if problem:
            report.add(problem)
        try:
            envelope = Envelope.from_json(bytes(row.envelope))
            info = check_package(envelope, chain[row.root_version], parse_timestamp(row.logged_at))
        except (TrustError, KeyError) as exc:
            report.add(f"{what}: fails on replay ({exc!r})")
            continue
        differ = package_columns_differ(info, row.name, row.version)
        if differ:
            report.add(f"{what}: column(s) {', '.join(differ)} differ from the signed package")
    for pos in conn.execute(
        select(
            PositionRow.digest,
            PositionRow.envelope,
            PositionRow.root_version,
            PositionRow.package,
            PositionRow.log_index,
            LogEntry.logged_at,
        )
        .join(LogEntry, LogEntry.idx == PositionRow.log_index)
        .where(PositionRow.state == state)
    ):
        what = f"position {pos.digest[:12]} of {state}"
        problem = _root_version_problem(
            stored_chain, pos.root_version, pos.log_index, what, "positions"
        )
        if problem:
            report.add(problem)
        try:
            envelope = Envelope.from_json(bytes(pos.envelope))
            position = check_position(
                envelope, chain[pos.root_version], parse_timestamp(pos.logged_at)
            )
        except (TrustError, KeyError) as exc:
            report.add(f"{what}: fails on replay ({exc!r})")
            continue
        if position.package != pos.package:
            report.add(f"{what}: column positions.package differs from the signed position")
