"""Registry store benchmark (SQLite file): appends, proofs read from the database, verification.

``python -m benchmarks store`` (add ``--quick`` to stop at 10^5 entries). What it measures:

* appends per second on a SQLite file with the registry's settings (WAL, ``synchronous=FULL``):
  one log entry per transaction, whole profile publications (signature checks, record and log
  entry in one transaction), and batches of entries per transaction (``logdb.append``);
* inclusion-proof generation from the database at 10^4, 10^5 and 10^6 entries: the time and
  the number of node keys read per proof, which grows with log2(n), not with n;
* verifications per second: inclusion proofs, and whole offline receipts (checkpoint
  signature, inclusion proofs of the document and its root, the document's signatures).

The logs used for proofs are filled in bulk (entries and perfect-subtree nodes computed in
memory, then inserted with one ``executemany`` per table): building 10^6 entries through
the batched append path would take over a minute and measure nothing new. Figures only; the
tests never time anything. Targets (DESIGN.md section 9): 10,000 appends/s batched; a proof
from a 1,000,000-entry log under 1 ms.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cybernorms.log.hashing import leaf_hash
from cybernorms.log.note import NoteVerifier
from cybernorms.log.proofs import verify_inclusion
from cybernorms.log.tree import MemoryTree, inclusion_proof, new_nodes
from cybernorms.store import Receipt, Registry, logdb, verify_receipt
from cybernorms.store.engine import read_transaction, write_transaction
from cybernorms.store.entries import Entry
from cybernorms.store.schema import HEAD_ID, LogEntry, LogHead, TreeNode
from cybernorms.trust import (
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    Root,
    SigningKey,
    sign_document,
)

SINGLE = 500
PROFILES = 300
BATCH = 1_000
BATCHED = 50_000
SIZES = (10_000, 100_000, 1_000_000)
PROOFS = 1_000
RECEIPTS = 200
_LOGGED_AT = "2026-01-01T00:00:00Z"


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f}/s"


def _entries(start: int, count: int) -> list[Entry]:
    return [
        Entry(
            "package",
            "FRA",
            f"1.0.{i}",
            hashlib.sha256(b"package %d" % i).hexdigest(),
            _LOGGED_AT,
            {"name": "bench"},
        )
        for i in range(start, start + count)
    ]


def _append(registry: Registry, entries: list[Entry]) -> None:
    with write_transaction(registry.engine) as conn:
        logdb.append(conn, logdb.lock_head(conn), entries)


def _appends(directory: Path) -> None:
    with Registry.init(f"sqlite:///{directory / 'appends.db'}") as registry:
        t0 = time.perf_counter()
        for i in range(SINGLE):
            _append(registry, _entries(i, 1))
        single_s = time.perf_counter() - t0

        now = datetime.now(UTC).replace(microsecond=0)
        keys = [SigningKey.generate("FRA") for _ in range(2)]
        root = Root.create("FRA", 1, now + timedelta(days=365), [k.public for k in keys], 2)
        registry.publish_root(sign_document(ROOT_PAYLOAD_TYPE, root.to_document(), keys))
        profiles = [
            sign_document(
                PROFILE_PAYLOAD_TYPE,
                {
                    "state": "FRA",
                    "version": v,
                    "effective_from": "2024-01-01",
                    "parameters": {"critical_sectors": ["energy", "health"]},
                },
                keys,
            )
            for v in range(1, PROFILES + 1)
        ]
        t0 = time.perf_counter()
        for envelope in profiles:
            registry.publish_profile(envelope)
        profile_s = time.perf_counter() - t0

        start = registry.head().size
        batches = [_entries(start + i, BATCH) for i in range(0, BATCHED, BATCH)]
        t0 = time.perf_counter()
        for batch in batches:
            _append(registry, batch)
        batched_s = time.perf_counter() - t0

        print("appends, SQLite file (WAL, synchronous=FULL: every commit is on disk)")
        print(f"  one entry per transaction      {_rate(SINGLE, single_s)}   ({SINGLE:,} entries)")
        print(
            f"  profile publications           {_rate(PROFILES, profile_s)}   "
            f"({PROFILES:,}: 2 signatures checked, record + entry, one transaction each)"
        )
        print(
            f"  batches of {BATCH:,} per transaction {_rate(BATCHED, batched_s)}   "
            f"({BATCHED:,} entries; target 10,000/s)"
        )
        _verifications(registry, keys)


def _verifications(registry: Registry, keys: list[SigningKey]) -> None:
    del keys  # the receipts carry everything a verifier needs but the log key
    vkey = NoteVerifier.from_vkey(registry.log_vkey())
    registry.checkpoint()
    receipts = [Receipt.loads(registry.receipt(1 + SINGLE + i).dumps()) for i in range(RECEIPTS)]
    t0 = time.perf_counter()
    for receipt in receipts:
        verify_receipt(receipt, vkey)
    receipt_s = time.perf_counter() - t0
    print(
        f"  offline receipt verification   {_rate(RECEIPTS, receipt_s)}   "
        f"(checkpoint signature, 2 inclusion proofs, root chain, 2 profile signatures)"
    )


def _bulk_fill(registry: Registry, tree: MemoryTree, target: int) -> float:
    """Extend the log to ``target`` entries in one transaction; return the seconds taken."""
    t0 = time.perf_counter()
    start = tree.size
    entries = _entries(start, target - start)
    data = [e.to_bytes() for e in entries]
    hashes = [leaf_hash(d) for d in data]
    nodes = new_nodes(tree, start, hashes)  # what logdb.append would insert
    tree.append_leaf_hashes(hashes)
    with write_transaction(registry.engine) as conn:
        logdb.lock_head(conn)
        conn.exec_driver_sql(
            f"INSERT INTO {LogEntry.__tablename__} "
            "(idx, kind, state, version, digest, leaf_hash, entry, logged_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (start + i, e.kind, e.state, e.version_text, e.digest, h, d, e.logged_at)
                for i, (e, d, h) in enumerate(zip(entries, data, hashes, strict=True))
            ],
        )
        conn.exec_driver_sql(
            f"INSERT INTO {TreeNode.__tablename__} (level, idx, hash) VALUES (?, ?, ?)", nodes
        )
        conn.exec_driver_sql(
            f"UPDATE {LogHead.__tablename__} SET size = ? WHERE id = ?", (target, HEAD_ID)
        )
    return time.perf_counter() - t0


def _proofs(directory: Path, sizes: tuple[int, ...]) -> None:
    rng = random.Random(9162)
    tree = MemoryTree()
    print(f"\ninclusion proofs read from the database ({PROOFS:,} random entries per size)")
    print("     entries   fill s   median µs   p99 µs   keys read   proof hashes   verify/s")
    with Registry.init(f"sqlite:///{directory / 'proofs.db'}") as registry:
        for size in sizes:
            fill_s = _bulk_fill(registry, tree, size)
            root = tree.root()
            timings: list[float] = []
            proofs: list[tuple[int, list[bytes]]] = []
            keys = 0
            with read_transaction(registry.engine) as conn:
                reader = _CountingReader(logdb.DbNodeReader(conn))
                for index in (rng.randrange(size) for _ in range(PROOFS)):
                    t0 = time.perf_counter()
                    proof = logdb.prove_inclusion(conn, index, size)
                    timings.append(time.perf_counter() - t0)
                    proofs.append((index, proof))
                for index, _ in proofs[:100]:
                    inclusion_proof(reader, index, size)
                keys = reader.keys // 100
            leaves = tree.get_nodes([(0, i) for i, _ in proofs])
            t0 = time.perf_counter()
            for index, proof in proofs:
                verify_inclusion(leaves[(0, index)], index, size, proof, root)
            verify_s = time.perf_counter() - t0
            timings.sort()
            print(
                f"  {size:>10,}   {fill_s:>6.1f}   {statistics.median(timings) * 1e6:>9.0f}"
                f"  {timings[int(len(timings) * 0.99)] * 1e6:>7.0f}   {keys:>9}"
                f"   {statistics.mean(len(p) for _, p in proofs):>12.1f}"
                f"   {_rate(PROOFS, verify_s).strip():>8}"
            )
    print("  (target: a proof under 1 ms at 10^6 entries; keys read grow with log2(n))")


class _CountingReader:
    """Counts the node keys a proof asks the database for."""

    def __init__(self, inner: logdb.DbNodeReader) -> None:
        self.inner = inner
        self.keys = 0

    def get_nodes(self, keys: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], bytes]:
        self.keys += len(keys)
        return self.inner.get_nodes(keys)


def run(argv: list[str]) -> None:
    sizes = SIZES[:2] if "--quick" in argv else SIZES
    with tempfile.TemporaryDirectory(prefix="cybernorms-bench-") as tmp:
        _appends(Path(tmp))
        _proofs(Path(tmp), sizes)
