"""The perfect-subtree Merkle tree against a naive RFC 9162 oracle, plus tamper properties.

The oracle below is the RFC's recursive definition (MTH, PATH, SUBPROOF) written as directly as
possible; the tree under test never recurses over leaves, so agreement is meaningful.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cybernorms.log import (
    EMPTY_ROOT,
    MemoryTree,
    MissingNodes,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    new_nodes,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 300


def _k(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def mth(leaves: Sequence[bytes]) -> bytes:
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _k(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _k(len(leaves))
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def _entries(n: int) -> list[bytes]:
    return [b"entry %d" % i for i in range(n)]


def _tree(n: int) -> MemoryTree:
    tree = MemoryTree()
    tree.append(_entries(n))
    return tree


def _flip(data: bytes, bit: int) -> bytes:
    bit %= len(data) * 8
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


class CountingReader:
    """Records every ``get_nodes`` call, to show one batched read of O(log n) keys."""

    def __init__(self, inner: MemoryTree) -> None:
        self.inner = inner
        self.calls: list[int] = []

    def get_nodes(self, keys: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], bytes]:
        self.calls.append(len(keys))
        return self.inner.get_nodes(keys)


def test_small_trees_agree_with_the_oracle_exhaustively() -> None:
    n_max = 40
    tree = _tree(n_max)
    leaves = [leaf_hash(e) for e in _entries(n_max)]
    for n in range(n_max + 1):
        assert tree.root(n) == mth(leaves[:n])
        for m in range(n):
            assert tree.inclusion_proof(m, n) == path(m, leaves[:n])
        for m in range(1, n + 1):
            assert tree.consistency_proof(m, n) == subproof(m, leaves[:n], True)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, MAX_SIZE), st.data())
def test_inclusion_proofs_verify_and_tampering_fails(size: int, data: st.DataObject) -> None:
    tree = _tree(size)
    index = data.draw(st.integers(0, size - 1), label="index")
    leaf = leaf_hash(_entries(size)[index])
    root = tree.root()
    proof = tree.inclusion_proof(index)
    verify_inclusion(leaf, index, size, proof, root)

    bit = data.draw(st.integers(0, 255), label="bit")
    with pytest.raises(ProofError):
        verify_inclusion(_flip(leaf, bit), index, size, proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, proof, _flip(root, bit))
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1), label="proof element")
        bad = [*proof]
        bad[which] = _flip(bad[which], bit)
        with pytest.raises(ProofError):
            verify_inclusion(leaf, index, size, bad, root)
        with pytest.raises(ProofError):
            verify_inclusion(leaf, index, size, proof[:-1], root)
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, [*proof, root], root)
    other = data.draw(st.integers(0, size).filter(lambda i: i != index), label="wrong index")
    with pytest.raises(ProofError):
        verify_inclusion(leaf, other, size, proof, root)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, MAX_SIZE), st.data())
def test_consistency_proofs_verify_and_tampering_fails(size2: int, data: st.DataObject) -> None:
    tree = _tree(size2)
    size1 = data.draw(st.integers(1, size2), label="size1")
    root1, root2 = tree.root(size1), tree.root(size2)
    proof = tree.consistency_proof(size1, size2)
    verify_consistency(size1, size2, proof, root1, root2)

    bit = data.draw(st.integers(0, 255), label="bit")
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, proof, _flip(root1, bit), root2)
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, proof, root1, _flip(root2, bit))
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1), label="proof element")
        bad = [*proof]
        bad[which] = _flip(bad[which], bit)
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, bad, root1, root2)
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, proof[:-1], root1, root2)
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, [*proof, root1], root1, root2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=12))
def test_batched_appends_store_the_same_nodes(batches: list[int]) -> None:
    total = sum(batches)
    one_by_one = MemoryTree()
    for entry in _entries(total):
        assert one_by_one.append([entry]) == [one_by_one.size - 1]
    batched = MemoryTree()
    start = 0
    for count in batches:
        assert batched.append(_entries(total)[start : start + count]) == list(
            range(start, start + count)
        )
        start += count
        assert batched.root() == mth([leaf_hash(e) for e in _entries(start)])
    keys = [(lv, ix) for lv in range(10) for ix in range(total)]
    assert batched.get_nodes(keys) == one_by_one.get_nodes(keys)


def test_new_nodes_lists_children_before_parents() -> None:
    tree = _tree(5)
    leaves = [leaf_hash(b"x%d" % i) for i in range(3)]
    nodes = new_nodes(tree, 5, leaves)
    order = [(0, 5), (1, 2), (0, 6), (0, 7), (1, 3), (2, 1), (3, 0)]
    assert [(lv, ix) for lv, ix, _ in nodes] == order
    all_leaves = [leaf_hash(e) for e in _entries(5)] + leaves
    assert dict(((lv, ix), h) for lv, ix, h in nodes)[(3, 0)] == mth(all_leaves)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 9, 255, 256, 257, 1000, 4097])
def test_every_operation_is_one_read_of_logarithmic_keys(size: int) -> None:
    reader = CountingReader(_tree(size))
    bound = 2 * size.bit_length()
    operations: list[Callable[[], object]] = [
        lambda: root_hash(reader, size),
        lambda: inclusion_proof(reader, 0, size),
        lambda: inclusion_proof(reader, size - 1, size),
        lambda: inclusion_proof(reader, size // 2, size),
        lambda: consistency_proof(reader, max(1, size // 3), size),
        lambda: new_nodes(reader, size, [leaf_hash(b"next")] * 5),
    ]
    for operation in operations:
        reader.calls.clear()
        operation()
        assert len(reader.calls) <= 1
        assert all(n <= bound for n in reader.calls), (reader.calls, bound)


def test_empty_tree_and_trivial_proofs_read_nothing() -> None:
    reader = CountingReader(MemoryTree())
    assert root_hash(reader, 0) == EMPTY_ROOT
    assert new_nodes(reader, 0, []) == []
    assert reader.calls == []
    tree = _tree(6)
    assert tree.consistency_proof(6, 6) == []


def test_missing_nodes_are_reported() -> None:
    class Holey:
        def get_nodes(self, keys: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], bytes]:
            return {}

    with pytest.raises(MissingNodes, match=r"\(2, 0\)"):
        root_hash(Holey(), 5)
    with pytest.raises(MissingNodes):
        new_nodes(Holey(), 5, [leaf_hash(b"x")])


def test_bad_arguments_are_refused() -> None:
    tree = _tree(5)
    with pytest.raises(ValueError, match="not in a tree of size 5"):
        tree.inclusion_proof(5)
    with pytest.raises(ValueError, match="from size 0"):
        tree.consistency_proof(0, 5)
    with pytest.raises(ValueError, match="from size 4 to size 3"):
        tree.consistency_proof(4, 3)
    with pytest.raises(ValueError, match="beyond the log"):
        tree.root(6)
    with pytest.raises(ValueError, match="negative"):
        root_hash(tree, -1)
    with pytest.raises(ValueError, match="31 bytes"):
        tree.append_leaf_hashes([bytes(31)])
    assert tree.size == 5
