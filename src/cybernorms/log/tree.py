"""A storage-agnostic RFC 9162 Merkle tree that stores only perfect subtrees.

Why only perfect subtrees: a node covering a power-of-two aligned range of leaves never changes
once its last leaf is appended, so it can be written once and never updated (append-only
storage, safe caching, no rewrites under concurrency). Node key ``(level, index)`` covers leaves
``[index * 2**level, (index + 1) * 2**level)``; level 0 holds the leaf hashes.

Any other hash the RFC needs (the root of a size that is not a power of two, the right border
of a proof) is the hash of a range whose decomposition into perfect subtrees has at most
log2(n) parts, folded from the right. So every function below first computes *which* keys it
needs, asks the ``NodeReader`` for all of them in one ``get_nodes`` call (one database query of
O(log n) keys), then hashes in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from cybernorms.log.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash

NodeKey = tuple[int, int]
Range = tuple[int, int]


class NodeReader(Protocol):
    """Where perfect-subtree hashes live: memory, SQLite, PostgreSQL."""

    def get_nodes(self, keys: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], bytes]:
        """Hashes of the requested ``(level, index)`` keys, in one read; absent keys omitted."""
        ...


class MissingNodes(LookupError):
    """The reader lacks nodes the tree of that size must have: storage is incomplete."""


def root_hash(reader: NodeReader, size: int) -> bytes:
    """Root of the first ``size`` leaves (``EMPTY_ROOT`` for 0), from at most log2(n) nodes."""
    _check_size(size)
    if size == 0:
        return EMPTY_ROOT
    keys = perfect_cover(0, size)
    return _fold(keys, _read(reader, keys))


def inclusion_proof(reader: NodeReader, index: int, size: int) -> list[bytes]:
    """RFC 9162 inclusion proof (leaf to root order) for leaf ``index`` in a ``size`` tree."""
    _check_size(size)
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    return _range_hashes(reader, inclusion_ranges(index, size))


def consistency_proof(reader: NodeReader, size1: int, size2: int) -> list[bytes]:
    """RFC 9162 consistency proof that the ``size1`` tree is a prefix of the ``size2`` tree.

    Equal sizes give the empty proof. Size 0 is refused: verifiers reject it (it proves nothing).
    """
    _check_size(size2)
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    return _range_hashes(reader, consistency_ranges(size1, size2))


def new_nodes(
    reader: NodeReader, size: int, leaf_hashes: Sequence[bytes]
) -> list[tuple[int, int, bytes]]:
    """Every perfect node completed by appending ``leaf_hashes`` to a tree of ``size`` leaves.

    Returns ``(level, index, hash)`` for the new leaves and the new interior nodes, in an order
    where children come before parents. Only the old tree's frontier (its perfect
    decomposition, at most log2(n) nodes) is read, in one call: a batch of k leaves costs one
    read and about 2k hashes.
    """
    _check_size(size)
    for i, h in enumerate(leaf_hashes):
        if len(h) != HASH_SIZE:
            raise ValueError(f"leaf hash {i} is {len(h)} bytes, expected {HASH_SIZE}")
    if not leaf_hashes:
        return []
    frontier = perfect_cover(0, size)
    known = _read(reader, frontier) if frontier else {}
    stack: list[tuple[int, int, bytes]] = [(lv, ix, known[(lv, ix)]) for lv, ix in frontier]
    out: list[tuple[int, int, bytes]] = []
    for index, h in enumerate(leaf_hashes, start=size):
        node = (0, index, h)
        out.append(node)
        # Like incrementing a binary counter: equal levels on top of the stack merge.
        while stack and stack[-1][0] == node[0]:
            level, left_index, left = stack.pop()
            node = (level + 1, left_index >> 1, node_hash(left, node[2]))
            out.append(node)
        stack.append(node)
    return out


def perfect_cover(start: int, end: int) -> list[NodeKey]:
    """The perfect subtrees, left to right, whose fold is the RFC hash of leaves [start, end).

    The RFC splits n leaves into the largest power of two below n and the rest, so the parts
    are the largest powers of two that fit, left to right. Each part must be an aligned (hence
    stored) node; the ranges the RFC's recursion produces always are, others raise.
    """
    keys: list[NodeKey] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start & ((1 << level) - 1):
            raise ValueError(f"range [{start}, {end}) is not an RFC 9162 subtree")
        keys.append((level, start >> level))
        start += 1 << level
    return keys


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """Leaf ranges whose hashes form the inclusion proof, leaf to root (RFC 9162 PATH)."""
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(size1: int, size2: int) -> list[Range]:
    """Leaf ranges whose hashes form the consistency proof (RFC 9162 SUBPROOF, b = true)."""
    siblings: list[Range] = []
    start, end = 0, size2
    whole_old_tree = True  # b in the RFC: still on the path of the old tree's own root
    while end != size1:
        k = _split(end - start)
        if size1 - start <= k:
            siblings.append((start + k, end))
            end = start + k
        else:
            siblings.append((start, start + k))
            start += k
            whole_old_tree = False
    siblings.reverse()
    return siblings if whole_old_tree else [(start, end), *siblings]


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (n >= 2): the RFC's left subtree size."""
    return 1 << ((n - 1).bit_length() - 1)


def _range_hashes(reader: NodeReader, ranges: Sequence[Range]) -> list[bytes]:
    covers = [perfect_cover(a, b) for a, b in ranges]
    wanted = [key for cover in covers for key in cover]
    if not wanted:
        return []
    nodes = _read(reader, wanted)
    return [_fold(cover, nodes) for cover in covers]


def _fold(keys: Sequence[NodeKey], nodes: Mapping[NodeKey, bytes]) -> bytes:
    """Hash of consecutive perfect subtrees: MTH(A || B || C) = H(A, H(B, C)), from the right."""
    acc = nodes[keys[-1]]
    for key in reversed(keys[:-1]):
        acc = node_hash(nodes[key], acc)
    return acc


def _read(reader: NodeReader, keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
    nodes = reader.get_nodes(keys)
    missing = [key for key in keys if key not in nodes]
    if missing:
        raise MissingNodes(f"the node store lacks perfect-subtree node(s) {missing[:8]}")
    return nodes


def _check_size(size: int) -> None:
    if size < 0:
        raise ValueError(f"tree size must not be negative, got {size}")


class MemoryTree:
    """An in-memory log for tests and benchmarks; a ``NodeReader`` over its own nodes.

    Nodes are kept per level in lists: perfect nodes are appended in index order, so
    ``(level, index)`` is simply ``levels[level][index]`` (far less memory than a dict of
    tuples at a million entries).
    """

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = []

    @property
    def size(self) -> int:
        return len(self._levels[0]) if self._levels else 0

    def get_nodes(self, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        found: dict[tuple[int, int], bytes] = {}
        for level, index in keys:
            if level < len(self._levels) and 0 <= index < len(self._levels[level]):
                found[(level, index)] = self._levels[level][index]
        return found

    def append(self, entries: Sequence[bytes]) -> list[int]:
        """Append entries (raw bytes, hashed here); return their indexes."""
        return self.append_leaf_hashes([leaf_hash(e) for e in entries])

    def append_leaf_hashes(self, leaf_hashes: Sequence[bytes]) -> list[int]:
        """Append already-hashed leaves; return their indexes."""
        start = self.size
        for level, index, h in new_nodes(self, start, leaf_hashes):
            if level == len(self._levels):
                self._levels.append([])
            row = self._levels[level]
            if index != len(row):  # cannot happen unless new_nodes is wrong: never store a gap
                raise AssertionError(f"node ({level}, {index}) out of order")
            row.append(h)
        return list(range(start, self.size))

    def root(self, size: int | None = None) -> bytes:
        """Root hash of the first ``size`` leaves (default: all)."""
        return root_hash(self, self.size if size is None else self._bounded(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(self, index, self.size if size is None else self._bounded(size))

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        return consistency_proof(self, size1, self.size if size2 is None else self._bounded(size2))

    def _bounded(self, size: int) -> int:
        if size > self.size:
            raise ValueError(f"size {size} is beyond the log's {self.size} entries")
        return size
