"""Verifiers for RFC 9162 inclusion and consistency proofs (sections 2.1.3.2 and 2.1.4.2).

Why our own: no maintained Python library verifies RFC 9162 consistency proofs through a public
API (TRUST.md). The algorithms below are the RFC's, step for step; the conventions the
transparency-dev vectors fix are made explicit: a leaf hash and every proof hash are exactly 32
bytes, a consistency proof from size 0 is refused (even 0 -> 0: it proves nothing), equal sizes
need an empty proof and equal roots, and a proof longer or shorter than the sizes imply is
refused (the RFC loop detects both). ``None`` is accepted as an empty proof because JSON
producers write an empty list as ``null``.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from cybernorms.errors import CybernormsError
from cybernorms.log.hashing import HASH_SIZE, node_hash


class ProofError(CybernormsError):
    """A proof does not verify; the message says which check failed."""


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: Sequence[bytes] | None,
    root: bytes,
) -> None:
    """Raise ``ProofError`` unless ``proof`` shows leaf ``index`` is under ``root`` of ``size``.

    RFC 9162 section 2.1.3.2.
    """
    path = _checked_path(proof)
    if index < 0 or size < 0:
        raise ProofError(f"negative index ({index}) or size ({size})")
    if index >= size:
        raise ProofError(f"leaf index {index} is not below tree size {size}")
    if len(leaf_hash) != HASH_SIZE:
        raise ProofError(f"leaf hash is {len(leaf_hash)} bytes, expected {HASH_SIZE}")
    fn, sn = index, size - 1
    r = leaf_hash
    for p in path:
        if sn == 0:
            raise ProofError(
                f"inclusion proof too long: {len(path)} hashes for index {index}, size {size}"
            )
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:  # fn == sn on a right border: climb to the next turn
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(
            f"inclusion proof too short: {len(path)} hashes for index {index}, size {size}"
        )
    if not hmac.compare_digest(r, root):
        raise ProofError(
            f"inclusion proof for index {index} does not lead to the root of size {size}"
        )


def verify_consistency(
    size1: int,
    size2: int,
    proof: Sequence[bytes] | None,
    root1: bytes,
    root2: bytes,
) -> None:
    """Raise ``ProofError`` unless ``proof`` shows the ``size1`` tree is a prefix of ``size2``."""
    path = _checked_path(proof)
    if size1 < 0 or size2 < 0:
        raise ProofError(f"negative size ({size1}, {size2})")
    if size1 > size2:
        raise ProofError(f"size1 ({size1}) is greater than size2 ({size2}): a log never shrinks")
    if size1 == 0:
        raise ProofError("consistency with the empty tree (size1 = 0) proves nothing; refused")
    if size1 == size2:
        if path:
            raise ProofError(f"equal sizes ({size1}) need an empty proof, got {len(path)} hashes")
        if not hmac.compare_digest(root1, root2):
            raise ProofError(f"equal sizes ({size1}) but different roots")
        return
    if not path:
        raise ProofError(f"empty consistency proof for sizes {size1} -> {size2}")
    if size1 & (size1 - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path = [root1, *path]
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof too long for sizes {size1} -> {size2}")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:  # fn == sn on a right border: climb to the next turn
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"consistency proof too short for sizes {size1} -> {size2}")
    if not hmac.compare_digest(fr, root1):
        raise ProofError(f"consistency proof does not lead to the old root (size {size1})")
    if not hmac.compare_digest(sr, root2):
        raise ProofError(f"consistency proof does not lead to the new root (size {size2})")


def _checked_path(proof: Sequence[bytes] | None) -> list[bytes]:
    path = [] if proof is None else list(proof)
    for i, h in enumerate(path):
        if len(h) != HASH_SIZE:
            raise ProofError(f"proof hash {i} is {len(h)} bytes, expected {HASH_SIZE}")
    return path
