"""RFC 9162 Merkle transparency log: hashing, proofs, a storage-agnostic tree, checkpoints.

Pure library code: the tree reads perfect-subtree hashes through a ``NodeReader`` that the
store implements; verification needs only an entry, a proof and a signed checkpoint.
"""

from cybernorms.log.checkpoint import (
    Checkpoint,
    CheckpointError,
    open_checkpoint,
    sign_checkpoint,
)
from cybernorms.log.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash
from cybernorms.log.note import (
    NoteError,
    NoteSigner,
    NoteVerifier,
    key_id,
    open_note,
    sign_note,
)
from cybernorms.log.proofs import ProofError, verify_consistency, verify_inclusion
from cybernorms.log.tree import (
    MemoryTree,
    MissingNodes,
    NodeReader,
    consistency_proof,
    inclusion_proof,
    new_nodes,
    perfect_cover,
    root_hash,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Checkpoint",
    "CheckpointError",
    "MemoryTree",
    "MissingNodes",
    "NodeReader",
    "NoteError",
    "NoteSigner",
    "NoteVerifier",
    "ProofError",
    "consistency_proof",
    "inclusion_proof",
    "key_id",
    "leaf_hash",
    "new_nodes",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "perfect_cover",
    "root_hash",
    "sign_checkpoint",
    "sign_note",
    "verify_consistency",
    "verify_inclusion",
]
