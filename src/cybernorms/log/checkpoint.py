"""C2SP tlog-checkpoint bodies (c2sp.org/tlog-checkpoint): the log's signed tree heads.

A checkpoint commits the log to its root at one size: origin line, decimal size, base64 root,
optional extension lines, each ending in a newline; it travels as a signed note. With an entry,
an inclusion proof and a checkpoint signed by the log's key, anyone verifies offline that the
entry is in the log; with two checkpoints and a consistency proof, that the log was never
rewritten. Parsing refuses every non-canonical spelling (leading zeros, non-canonical base64)
so a checkpoint has exactly one text, and one text one meaning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cybernorms.errors import CybernormsError
from cybernorms.log.hashing import HASH_SIZE
from cybernorms.log.note import NoteError, NoteSigner, NoteVerifier, open_note, sign_note
from cybernorms.trust.encoding import decode_base64, encode_base64

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "NoteError",
    "NoteSigner",
    "NoteVerifier",
    "open_checkpoint",
    "open_note",
    "sign_checkpoint",
    "sign_note",
]

_SIZE = re.compile(r"0|[1-9][0-9]*")
MAX_TREE_SIZE = 2**64 - 1  # C2SP tlog-checkpoint: the size is a uint64


class CheckpointError(CybernormsError, ValueError):
    """A checkpoint body is malformed; the message names the line."""


@dataclass(frozen=True)
class Checkpoint:
    """The log ``origin`` at ``size`` entries has root ``root_hash``."""

    origin: str
    size: int
    root_hash: bytes
    extensions: Sequence[str] = ()  # stored as a tuple

    def __post_init__(self) -> None:
        object.__setattr__(self, "extensions", tuple(self.extensions))  # a list is fine too
        if not self.origin or not _is_line(self.origin):
            raise CheckpointError(f"origin {self.origin!r} must be one non-empty line")
        if (
            isinstance(self.size, bool)
            or not isinstance(self.size, int)
            or not 0 <= self.size <= MAX_TREE_SIZE
        ):
            raise CheckpointError(f"size {self.size!r} must be an integer from 0 to 2^64 - 1")
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointError(f"root hash is {len(self.root_hash)} bytes, expected {HASH_SIZE}")
        for ext in self.extensions:
            if not ext or not _is_line(ext):
                raise CheckpointError(f"extension line {ext!r} must be one non-empty line")

    def body(self) -> str:
        """The note text: origin, size, base64 root, extensions, each line ending in newline."""
        lines = [self.origin, str(self.size), encode_base64(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Inverse of ``body``; ``CheckpointError`` for anything ``body`` would not produce."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint does not end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError(f"checkpoint has {len(lines)} line(s), needs at least 3")
        origin, size, root, *extensions = lines
        if not _SIZE.fullmatch(size):
            raise CheckpointError(
                f"line 2: tree size {size!r} is not a decimal without leading zeros"
            )
        if len(size) > len(str(MAX_TREE_SIZE)) or int(size) > MAX_TREE_SIZE:
            raise CheckpointError(f"line 2: tree size {size[:30]!r} is beyond 2^64 - 1")
        try:
            root_hash = decode_base64(root)
        except ValueError as exc:
            raise CheckpointError(f"line 3: root hash: {exc}") from exc
        return cls(origin, int(size), root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[NoteSigner]) -> str:
    """The checkpoint as a signed note."""
    return sign_note(checkpoint.body(), signers)


def open_checkpoint(
    note: str | bytes, verifiers: Sequence[NoteVerifier], *, origin: str | None = None
) -> tuple[Checkpoint, list[str]]:
    """Verify a signed checkpoint; return it and the names of the keys that signed it.

    With ``origin``, refuse a checkpoint of another log (a valid signature by a key that signs
    for several logs must not let one log's head stand for another's).
    """
    text, names = open_note(note, verifiers)
    try:
        checkpoint = Checkpoint.parse(text)
    except CheckpointError as exc:
        raise NoteError(f"signed note is not a checkpoint: {exc}") from exc
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(f"checkpoint is for log {checkpoint.origin!r}, expected {origin!r}")
    return checkpoint, names


def _is_line(text: str) -> bool:
    return "\n" not in text and all(ch >= " " for ch in text)
