"""Reads of the stored log for the tile endpoints: the latest checkpoint, tile hashes,
entry bundles, inclusion proofs under a stored checkpoint.

Why here and not in ``Registry``: these are range reads the CLI never needs. They read only
what the log already committed (perfect-subtree nodes and entries below the checkpoint's
size, which never change) and never write: a GET signs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from cybernorms.api.tiles import Tile
from cybernorms.store import NotFound, Registry, StoredCheckpoint
from cybernorms.store.engine import read_transaction
from cybernorms.store.logdb import DbNodeReader, checkpoint_at, latest_checkpoint, prove_inclusion
from cybernorms.store.schema import LogEntry


@dataclass(frozen=True)
class Inclusion:
    """Entry ``index`` (its stored bytes) with its proof under ``checkpoint``."""

    index: int
    entry: bytes
    leaf_hash: bytes
    hashes: list[bytes]
    checkpoint: StoredCheckpoint


def latest(registry: Registry) -> StoredCheckpoint:
    """The newest signed checkpoint (``NotFound`` before the first)."""
    with read_transaction(registry.engine) as conn:
        found = latest_checkpoint(conn)
    if found is None:
        raise NotFound("the log has no signed checkpoint yet")
    return found


def tile_hashes(registry: Registry, tile: Tile) -> bytes:
    """The concatenated hashes of a Merkle tile (the caller checked it is available)."""
    keys = tile.node_keys()
    with read_transaction(registry.engine) as conn:
        nodes = DbNodeReader(conn).get_nodes(keys)
    missing = [k for k in keys if k not in nodes]
    if missing:
        from cybernorms.store import LogIntegrityError

        raise LogIntegrityError(f"the stored tree lacks node(s) {missing[:4]} of {tile}")
    return b"".join(nodes[k] for k in keys)


def entry_bundle(registry: Registry, tile: Tile) -> bytes:
    """The tile's entries, each prefixed with its length as a big-endian uint16."""
    with read_transaction(registry.engine) as conn:
        rows = conn.execute(
            select(LogEntry.idx, LogEntry.entry)
            .where(LogEntry.idx >= tile.first, LogEntry.idx < tile.first + tile.width)
            .order_by(LogEntry.idx)
        ).all()
    if [r.idx for r in rows] != list(range(tile.first, tile.first + tile.width)):
        from cybernorms.store import LogIntegrityError

        raise LogIntegrityError(f"the stored log lacks entries of {tile}")
    out = bytearray()
    for row in rows:
        data = bytes(row.entry)
        out += len(data).to_bytes(2, "big") + data
    return bytes(out)


def inclusion(registry: Registry, index: int, size: int | None = None) -> Inclusion:
    """Entry ``index`` and its inclusion proof under the checkpoint of ``size`` (default: the
    latest); ``NotFound`` if that checkpoint does not exist or does not cover the entry."""
    from cybernorms.store.logdb import entry_at

    with read_transaction(registry.engine) as conn:
        stored = latest_checkpoint(conn) if size is None else checkpoint_at(conn, size)
        if stored is None:
            which = "no checkpoint yet" if size is None else f"no checkpoint of size {size}"
            raise NotFound(f"{which}: entry {index} has no proof to give")
        if not 0 <= index < stored.checkpoint.size:
            raise NotFound(
                f"entry {index} is not covered by the checkpoint of size {stored.checkpoint.size}"
            )
        entry, leaf = entry_at(conn, index)
        hashes = prove_inclusion(conn, index, stored.checkpoint.size)
    return Inclusion(index, entry, leaf, hashes, stored)


@dataclass(frozen=True)
class LoggedPosition:
    """A published national position: its signed document, as named by its log entry."""

    state: str
    package: str
    digest: str
    log_index: int
    logged_at: str
    document: dict[str, Any]
    envelope: dict[str, Any]


def positions(registry: Registry, size: int, state: str | None = None) -> list[LoggedPosition]:
    """Positions logged below ``size`` (of ``state``), oldest first, each read from its log
    entry and the signed document that entry names (its SHA-256 checked against the entry):
    every field shown comes from signed bytes.

    TODO(registry): read them through ``service/registry.py`` once it offers positions.
    """
    from cybernorms.store import LogIntegrityError, payload_digest
    from cybernorms.store.records import logged_record

    query = select(LogEntry.idx).where(LogEntry.kind == "position", LogEntry.idx < size)
    if state is not None:
        query = query.where(LogEntry.state == state)
    out: list[LoggedPosition] = []
    with read_transaction(registry.engine) as conn:
        for index in conn.execute(query.order_by(LogEntry.idx)).scalars():
            record = logged_record(conn, index)
            if payload_digest(record.envelope.payload) != record.entry.digest:
                raise LogIntegrityError(
                    f"log entry {index}: the stored position is not the logged one"
                )
            out.append(
                LoggedPosition(
                    record.entry.state or "",
                    record.entry.extra.get("package", ""),
                    record.entry.digest,
                    index,
                    record.entry.logged_at,
                    record.envelope.document(),
                    record.envelope.to_json(),
                )
            )
    return out
