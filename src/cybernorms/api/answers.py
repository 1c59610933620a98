"""How answers name the checkpoint they reflect (a header and a field, the same everywhere).

Why: a read model is only as trustworthy as the log state it came from. Each answer says
which signed checkpoint it reflects (``Cybernorms-Checkpoint: <size> <base64 root>``, and a
``checkpoint`` member in JSON), and leaves out records the checkpoint does not cover, so a
client can fetch that checkpoint, verify its signature and check any record's inclusion.
"""

from __future__ import annotations

from typing import Any

from cybernorms.log.checkpoint import Checkpoint
from cybernorms.store import StoredCheckpoint
from cybernorms.trust.encoding import encode_base64

CHECKPOINT_HEADER = "Cybernorms-Checkpoint"


def from_note(note: str) -> StoredCheckpoint:
    """A checkpoint as the log signed it, read back from its note (the body only: whoever
    relies on it verifies the signature with the log's key)."""
    return StoredCheckpoint(Checkpoint.parse(note[: note.rfind("\n\n") + 1]), note, "")


def checkpoint_json(stored: StoredCheckpoint | None) -> dict[str, Any] | None:
    if stored is None:
        return None
    cp = stored.checkpoint
    return {
        "origin": cp.origin,
        "size": cp.size,
        "root_hash": encode_base64(cp.root_hash),
        "note": stored.note,
    }


def checkpoint_header(stored: StoredCheckpoint | None) -> dict[str, str]:
    if stored is None:
        return {CHECKPOINT_HEADER: "none"}
    cp = stored.checkpoint
    return {CHECKPOINT_HEADER: f"{cp.size} {encode_base64(cp.root_hash)}"}


def covered(log_index: int, stored: StoredCheckpoint | None) -> bool:
    """Whether a record at ``log_index`` is in the log that ``stored`` commits to."""
    return stored is not None and log_index < stored.checkpoint.size
