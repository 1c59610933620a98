"""The log in the database computes exactly what the in-memory tree computes (the latter is
property-tested against the RFC in tests/log), reading only O(log n) nodes per proof."""

from __future__ import annotations

import hashlib

from cybernorms.log import MemoryTree, verify_consistency, verify_inclusion
from cybernorms.store import Entry, Registry, logdb
from cybernorms.store.engine import read_transaction, write_transaction


def _entries(start: int, count: int) -> list[Entry]:
    return [
        Entry("package", "FRA", f"1.0.{i}", hashlib.sha256(b"%d" % i).hexdigest(),
              "2026-01-01T00:00:00Z", {"name": "p"})
        for i in range(start, start + count)
    ]  # fmt: skip


def test_database_proofs_match_the_memory_tree(registry: Registry) -> None:
    memory = MemoryTree()
    for batch in (1, 1, 5, 16, 1, 40, 3):
        entries = _entries(memory.size, batch)
        with write_transaction(registry.engine) as conn:
            logdb.append(conn, logdb.lock_head(conn), entries)
        memory.append([e.to_bytes() for e in entries])
    size = memory.size
    with read_transaction(registry.engine) as conn:
        assert logdb.read_head(conn).size == size
        for n in (1, 2, 7, 8, 33, size):
            root = logdb.tree_root(conn, n)
            assert root == memory.root(n)
            for index in range(n):
                proof = logdb.prove_inclusion(conn, index, n)
                assert proof == memory.inclusion_proof(index, n)
                leaf = logdb.entry_at(conn, index)[1]
                verify_inclusion(leaf, index, n, proof, root)
            for m in range(1, n + 1):
                proof = logdb.prove_consistency(conn, m, n)
                assert proof == memory.consistency_proof(m, n)
                verify_consistency(m, n, proof, memory.root(m), root)
