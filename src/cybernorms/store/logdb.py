"""The transparency log in the database: head, entries, perfect-subtree nodes, checkpoints.

The tree arithmetic is ``cybernorms.log.tree`` (pure); this module only stores and reads.
Appends happen inside the caller's write transaction, after ``lock_head``:

* PostgreSQL: ``SELECT ... FROM log_head ... FOR UPDATE`` makes concurrent writers queue on
  one row, so each reads the size its predecessor committed;
* SQLite: the transaction already began with ``BEGIN IMMEDIATE`` (``engine.write_transaction``),
  which is the database-wide write lock; the same ``SELECT`` just reads the size.

Either way the entry, its tree nodes, the new size and the record that caused them commit
together or not at all. Nodes are written once and never updated: a node covering a complete
power-of-two range cannot change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from cybernorms.log.checkpoint import Checkpoint, sign_checkpoint
from cybernorms.log.hashing import leaf_hash
from cybernorms.log.note import NoteSigner
from cybernorms.log.tree import (
    MissingNodes,
    consistency_proof,
    inclusion_proof,
    new_nodes,
    root_hash,
)
from cybernorms.store.entries import Entry
from cybernorms.store.errors import LogIntegrityError, NotFound, NotInitialised
from cybernorms.store.schema import HEAD_ID, CheckpointRow, LogEntry, LogHead, TreeNode

# Keys per query when many nodes are read at once (audits); proofs need far fewer.
_MAX_KEYS_PER_QUERY = 500


@dataclass(frozen=True)
class Head:
    """The log's name (checkpoint origin line) and its number of entries."""

    origin: str
    size: int


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint as signed by the log: the parsed body and the full signed note."""

    checkpoint: Checkpoint
    note: str
    created_at: str


def lock_head(conn: Connection) -> Head:
    """Lock the log head for this write transaction and return it (see module docstring)."""
    return _head(conn, for_update=True)


def read_head(conn: Connection) -> Head:
    """The log head, unlocked (reads)."""
    return _head(conn, for_update=False)


def _head(conn: Connection, *, for_update: bool) -> Head:
    query = select(LogHead.origin, LogHead.size).where(LogHead.id == HEAD_ID)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).one_or_none()
    if row is None:
        raise NotInitialised("the registry has no log yet; run `cybernorms init` first")
    return Head(row.origin, row.size)


class DbNodeReader:
    """``cybernorms.log.tree.NodeReader`` over the ``tree_nodes`` table: one query per call.

    Why hand-written SQL at the driver level: a proof needs a few dozen ``(level, idx)``
    primary-key lookups, and the two obvious SQLAlchemy spellings are slow where it matters.
    ``tuple_(level, idx).in_(...)`` becomes a row-value ``IN (VALUES ...)`` that SQLite answers
    with a full table scan (29 ms at 10^5 nodes), and a compiled ``OR`` of ``and_`` terms costs
    more to build than to run. ``(level = ? AND idx = ?) OR ...`` is a multi-index OR on the
    primary key in SQLite and a bitmap OR in PostgreSQL: about 0.1 ms at any log size.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"

    def get_nodes(self, keys: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], bytes]:
        found: dict[tuple[int, int], bytes] = {}
        unique = list(dict.fromkeys(keys))
        term = f"(level = {self._mark} AND idx = {self._mark})"
        for start in range(0, len(unique), _MAX_KEYS_PER_QUERY):
            chunk = unique[start : start + _MAX_KEYS_PER_QUERY]
            sql = f"SELECT level, idx, hash FROM {TreeNode.__tablename__} WHERE " + " OR ".join(  # noqa: S608 - only the table name and parameter marks are pasted; values are bound
                [term] * len(chunk)
            )
            params = tuple(int(x) for key in chunk for x in key)
            for level, idx, digest in self._conn.exec_driver_sql(sql, params):
                found[(level, idx)] = bytes(digest)
        return found


def append(conn: Connection, head: Head, entries: Sequence[Entry]) -> list[int]:
    """Append ``entries`` after ``head`` (which the caller locked); return their indexes.

    One read of the old tree's frontier, then bulk inserts of the entries and of every
    perfect node they complete, and the new size.
    """
    if not entries:
        return []
    data = [entry.to_bytes() for entry in entries]
    hashes = [leaf_hash(d) for d in data]
    nodes = new_nodes(DbNodeReader(conn), head.size, hashes)
    indexes = list(range(head.size, head.size + len(entries)))
    conn.execute(
        insert(LogEntry),
        [
            {
                "idx": idx,
                "kind": entry.kind,
                "state": entry.state,
                "version": entry.version_text,
                "digest": entry.digest,
                "leaf_hash": h,
                "entry": d,
                "logged_at": entry.logged_at,
            }
            for idx, entry, d, h in zip(indexes, entries, data, hashes, strict=True)
        ],
    )
    conn.execute(insert(TreeNode), [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in nodes])
    new_size = head.size + len(entries)
    result = conn.execute(
        update(LogHead)
        .where(LogHead.id == HEAD_ID, LogHead.size == head.size)
        .values(size=new_size)
    )
    if result.rowcount != 1:  # the head moved under us: the caller did not lock it
        raise RuntimeError("log head changed during an append; lock_head was not called")
    return indexes


def entry_at(conn: Connection, index: int) -> tuple[bytes, bytes]:
    """The stored bytes and leaf hash of entry ``index`` (``NotFound`` if absent)."""
    row = conn.execute(
        select(LogEntry.entry, LogEntry.leaf_hash).where(LogEntry.idx == index)
    ).one_or_none()
    if row is None:
        raise NotFound(f"no log entry {index}")
    return bytes(row.entry), bytes(row.leaf_hash)


def tree_root(conn: Connection, size: int) -> bytes:
    with _intact():
        return root_hash(DbNodeReader(conn), size)


def prove_inclusion(conn: Connection, index: int, size: int) -> list[bytes]:
    """RFC 9162 inclusion proof of entry ``index`` in the tree of ``size`` entries."""
    with _intact():
        return inclusion_proof(DbNodeReader(conn), index, size)


def prove_consistency(conn: Connection, size1: int, size2: int) -> list[bytes]:
    """RFC 9162 consistency proof from the ``size1`` tree to the ``size2`` tree."""
    with _intact():
        return consistency_proof(DbNodeReader(conn), size1, size2)


@contextmanager
def _intact() -> Iterator[None]:
    """A node the tree must have is missing: the database was altered (``log verify`` says
    more), which is an integrity failure, not a programming error."""
    try:
        yield
    except MissingNodes as exc:
        raise LogIntegrityError(f"the stored tree is incomplete: {exc}") from exc


def add_checkpoint(
    conn: Connection, head: Head, signer: NoteSigner, created_at: str
) -> StoredCheckpoint:
    """Sign and store a checkpoint of the whole log (the caller locked ``head``).

    One checkpoint per size: if one exists it is returned, never re-signed. Two checkpoints
    of the same size are identical anyway (deterministic root and Ed25519), and a log must
    never sign two different heads it could not prove consistent.
    """
    existing = checkpoint_at(conn, head.size)
    if existing is not None:
        return existing
    checkpoint = Checkpoint(head.origin, head.size, tree_root(conn, head.size))
    note = sign_checkpoint(checkpoint, [signer])
    conn.execute(
        insert(CheckpointRow).values(
            size=head.size, root_hash=checkpoint.root_hash, note=note, created_at=created_at
        )
    )
    return StoredCheckpoint(checkpoint, note, created_at)


def checkpoint_at(conn: Connection, size: int) -> StoredCheckpoint | None:
    row = conn.execute(
        select(CheckpointRow.note, CheckpointRow.created_at).where(CheckpointRow.size == size)
    ).one_or_none()
    return None if row is None else _stored(row.note, row.created_at)


def latest_checkpoint(conn: Connection) -> StoredCheckpoint | None:
    row = conn.execute(
        select(CheckpointRow.note, CheckpointRow.created_at)
        .order_by(CheckpointRow.size.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else _stored(row.note, row.created_at)


def checkpoint_sizes(conn: Connection) -> list[int]:
    return list(conn.execute(select(CheckpointRow.size).order_by(CheckpointRow.size)).scalars())


def _stored(note: str, created_at: str) -> StoredCheckpoint:
    # The parsed body comes from the note itself (what was signed), not from other columns;
    # whoever relies on it checks the signature (``open_checkpoint``).
    body = note[: note.rfind("\n\n") + 1]
    return StoredCheckpoint(Checkpoint.parse(body), note, created_at)
