"""Signed notes and checkpoints under hostile input (issue 14, findings 1 and 6).

Each input is either accepted or refused with the log's own errors (``NoteError``,
``CheckpointError``), limits by a ``LimitExceeded`` that is also a ``NoteError``; never a
``ValueError`` from ``int()``, a ``UnicodeDecodeError`` or a crash.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cybernorms.errors import CybernormsError, LimitExceeded
from cybernorms.limits import LIMITS, Limits
from cybernorms.log import (
    Checkpoint,
    CheckpointError,
    NoteError,
    NoteSigner,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
)
from cybernorms.log.checkpoint import MAX_TREE_SIZE
from cybernorms.log.note import NoteLimitExceeded
from cybernorms.trust import SigningKey

ORIGIN = "cybernorms.example/log"


def _signer(name: str = ORIGIN) -> NoteSigner:
    return NoteSigner(name, SigningKey.generate("LOG"))


def test_signature_lines_are_bounded_by_the_limit_in_limits() -> None:
    signer = _signer()
    note = sign_note("hello\n", [signer])
    others = "".join(
        _signer(f"w{i}").signature_line("hello\n") for i in range(LIMITS.note_signatures)
    )
    assert len(open_note(note, [signer.verifier()])[1]) == 1
    with pytest.raises(
        NoteLimitExceeded, match="note: limit note_signatures = 100 exceeded"
    ) as refused:
        open_note(note + others, [signer.verifier()])
    assert isinstance(refused.value, NoteError | LimitExceeded)
    assert refused.value.refusal == "LimitExceeded"
    assert refused.value.limit == "note_signatures"


def test_exactly_the_limit_of_signature_lines_is_accepted() -> None:
    signer = _signer()
    others = "".join(
        _signer(f"w{i}").signature_line("hi\n") for i in range(LIMITS.note_signatures - 1)
    )
    assert open_note(sign_note("hi\n", [signer]) + others, [signer.verifier()])[1] == [ORIGIN]


def test_a_note_larger_than_a_document_is_refused_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    signer = _signer()
    monkeypatch.setattr("cybernorms.log.note.LIMITS", Limits(document_bytes=64))
    with pytest.raises(NoteLimitExceeded, match="limit document_bytes = 64 exceeded"):
        open_note(sign_note("x" * 100 + "\n", [signer]), [signer.verifier()])


def test_random_bytes_given_as_a_note_are_refused() -> None:
    with pytest.raises(NoteError, match="not UTF-8"):
        open_note(bytes(range(128, 256)), [_signer().verifier()])


@pytest.mark.parametrize(
    "size",
    [str(MAX_TREE_SIZE + 1), "9" * 21, "9" * 5000, "1" + "0" * 100_000],
)
def test_a_tree_size_beyond_uint64_is_a_checkpoint_error_not_a_value_error(size: str) -> None:
    body = f"{ORIGIN}\n{size}\n{'A' * 43}=\n"
    with pytest.raises(CheckpointError, match="beyond 2\\^64 - 1"):
        Checkpoint.parse(body)


def test_the_largest_uint64_tree_size_is_accepted() -> None:
    body = Checkpoint(ORIGIN, MAX_TREE_SIZE, bytes(32)).body()
    assert Checkpoint.parse(body).size == MAX_TREE_SIZE
    with pytest.raises(CheckpointError, match="from 0 to 2\\^64 - 1"):
        Checkpoint(ORIGIN, MAX_TREE_SIZE + 1, bytes(32))


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400))
def test_random_notes_and_checkpoints_are_refused_with_the_logs_own_errors(data: bytes) -> None:
    signer = _signer()
    with contextlib.suppress(CybernormsError):
        open_checkpoint(data, [signer.verifier()], origin=ORIGIN)
    with contextlib.suppress(CybernormsError):
        Checkpoint.parse(data.decode("utf-8", "replace"))


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), byte=st.integers(min_value=0, max_value=255))
def test_every_changed_byte_of_a_signed_checkpoint_is_refused_or_harmless(
    position: int, byte: int
) -> None:
    """One byte of a valid signed checkpoint replaced: refused, or (when the byte is the same)
    read back exactly; never another exception."""
    signer = _signer()
    checkpoint = Checkpoint(ORIGIN, 7, bytes(range(32)))
    note = sign_checkpoint(checkpoint, [signer]).encode()
    index = position % len(note)
    mutated = note[:index] + bytes([byte]) + note[index + 1 :]
    try:
        opened, _ = open_checkpoint(mutated, [signer.verifier()], origin=ORIGIN)
    except CybernormsError:
        assert mutated != note
    else:
        assert mutated == note and opened == checkpoint
