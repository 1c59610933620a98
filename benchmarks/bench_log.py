"""Merkle log benchmark (in memory): appends, proof generation with node reads, verification.

``python -m benchmarks log`` (add ``--quick`` to stop at 10^5 entries). Figures are for the
pure-Python tree over ``MemoryTree``; database-backed figures live in the store's benchmark.
The node-read counts show the design property that matters for a database: every proof is one
batched read of O(log n) perfect-subtree keys, whatever the log's size.

Targets (DESIGN.md section 9): 10,000 appends/s batched; a proof from a 1,000,000-entry log
under 1 ms.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import time
from collections.abc import Mapping, Sequence

from cybernorms.log import (
    MemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

BATCH = 1_000
SIZES = (10_000, 100_000, 1_000_000)
PROOF_SAMPLES = 2_000


class _CountingReader:
    """Counts keys per ``get_nodes`` call (the number of node reads a proof costs)."""

    def __init__(self, tree: MemoryTree) -> None:
        self.tree = tree
        self.calls = 0
        self.keys = 0

    def get_nodes(self, keys: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], bytes]:
        self.calls += 1
        self.keys += len(keys)
        return self.tree.get_nodes(keys)


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>12,.0f}/s"


def _leaves(start: int, count: int) -> list[bytes]:
    return [hashlib.sha256(b"\x00entry %d" % i).digest() for i in range(start, start + count)]


def run(argv: list[str]) -> None:
    quick = "--quick" in argv
    sizes = SIZES[:2] if quick else SIZES
    rng = random.Random(9162)

    # Appends: one entry per call (every call reads the frontier), then batches of 1,000.
    single = MemoryTree()
    entries = [b"act %d" % i for i in range(20_000)]
    t0 = time.perf_counter()
    for entry in entries:
        single.append([entry])
    single_s = time.perf_counter() - t0
    batched = MemoryTree()
    t0 = time.perf_counter()
    for start in range(0, 200_000, BATCH):
        batched.append([b"act %d" % i for i in range(start, start + BATCH)])
    batched_s = time.perf_counter() - t0
    print("in-memory appends (entries hashed in the loop)")
    print(f"  single appends       {_rate(len(entries), single_s)}   ({len(entries):,} entries)")
    print(f"  batches of {BATCH:,}     {_rate(200_000, batched_s)}   (200,000 entries)")

    # Build the big log once; a proof for size n only reads nodes of the first n leaves.
    tree = MemoryTree()
    leaves = _leaves(0, sizes[-1])
    t0 = time.perf_counter()
    for start in range(0, len(leaves), BATCH):
        tree.append_leaf_hashes(leaves[start : start + BATCH])
    build_s = time.perf_counter() - t0
    print(
        f"  build {tree.size:,} from precomputed leaf hashes, batches of {BATCH:,}: "
        f"{build_s:.1f} s ({_rate(tree.size, build_s).strip()})"
    )

    reader = _CountingReader(tree)
    print(f"\ninclusion proofs ({PROOF_SAMPLES:,} random leaves per size)")
    print("    entries   median µs    p99 µs   get_nodes calls x keys   proof hashes")
    samples: dict[int, list[tuple[int, list[bytes]]]] = {}
    for size in sizes:
        indexes = [rng.randrange(size) for _ in range(PROOF_SAMPLES)]
        timings: list[float] = []
        proofs: list[tuple[int, list[bytes]]] = []
        reader.calls = reader.keys = 0
        for index in indexes:
            t0 = time.perf_counter()
            proof = inclusion_proof(reader, index, size)
            timings.append(time.perf_counter() - t0)
            proofs.append((index, proof))
        samples[size] = proofs
        timings.sort()
        median_us = statistics.median(timings) * 1e6
        p99_us = timings[int(len(timings) * 0.99)] * 1e6
        print(
            f"  {size:>9,}   {median_us:>9.1f}  {p99_us:>8.1f}   "
            f"{reader.calls / len(indexes):>6.0f} x {reader.keys / len(indexes):>5.1f}"
            f"{statistics.mean(len(p) for _, p in proofs):>24.1f}"
        )

    size = sizes[-1]
    root = tree.root(size)
    proofs = samples[size]
    t0 = time.perf_counter()
    for index, proof in proofs:
        verify_inclusion(leaves[index], index, size, proof, root)
    incl_s = time.perf_counter() - t0

    pairs = [(rng.randrange(1, size), size) for _ in range(PROOF_SAMPLES)]
    cons = [(s1, consistency_proof(reader, s1, s2), tree.root(s1)) for s1, s2 in pairs]
    t0 = time.perf_counter()
    for s1, proof, root1 in cons:
        verify_consistency(s1, size, proof, root1, root)
    cons_s = time.perf_counter() - t0
    print(f"\nverification at {size:,} entries")
    print(f"  inclusion            {_rate(len(proofs), incl_s)}")
    print(f"  consistency          {_rate(len(cons), cons_s)}")

    assert leaf_hash(b"act 0") == single.get_nodes([(0, 0)])[(0, 0)]  # sanity, not a timing
