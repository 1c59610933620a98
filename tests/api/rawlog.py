"""Logs of any size for the tile tests: entries appended straight to the stored tree.

Why not through ``Registry.publish_*``: a log of 70,000 signed acts would take minutes of
signing; the tile endpoints read only entries and tree nodes, which this writes exactly as
``store.logdb.append`` does (same leaf hashing, same perfect-subtree nodes), in one
transaction. Entries here are raw bytes (e.g. the shared reference tree's leaf inputs).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, update

from cybernorms.log.hashing import leaf_hash
from cybernorms.log.tree import new_nodes
from cybernorms.store import Registry
from cybernorms.store.engine import write_transaction
from cybernorms.store.logdb import DbNodeReader, lock_head
from cybernorms.store.schema import HEAD_ID, LogEntry, LogHead, TreeNode


def append_raw(registry: Registry, entries: Sequence[bytes]) -> None:
    with write_transaction(registry.engine) as conn:
        head = lock_head(conn)
        hashes = [leaf_hash(e) for e in entries]
        nodes = new_nodes(DbNodeReader(conn), head.size, hashes)
        rows = [
            {
                "idx": head.size + i,
                "kind": "root",
                "state": None,
                "version": None,
                "digest": "0" * 64,
                "leaf_hash": h,
                "entry": e,
                "logged_at": "2026-01-01T00:00:00Z",
            }
            for i, (e, h) in enumerate(zip(entries, hashes, strict=True))
        ]
        for start in range(0, len(rows), 5000):
            conn.execute(insert(LogEntry), rows[start : start + 5000])
        node_rows = [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in nodes]
        for start in range(0, len(node_rows), 5000):
            conn.execute(insert(TreeNode), node_rows[start : start + 5000])
        conn.execute(
            update(LogHead).where(LogHead.id == HEAD_ID).values(size=head.size + len(entries))
        )
