"""Checkpoint bodies and signed notes written by us (the shared vectors are in test_log_vectors)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cybernorms.log import (
    Checkpoint,
    CheckpointError,
    MemoryTree,
    NoteError,
    NoteSigner,
    NoteVerifier,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
    verify_consistency,
)
from cybernorms.trust import SigningKey

ORIGIN = "cybernorms.example/log"


def _signer(name: str = ORIGIN) -> NoteSigner:
    return NoteSigner(name, SigningKey.generate("LOG"))


def test_body_matches_the_spec_layout() -> None:
    tree = MemoryTree()
    tree.append([b"a", b"b", b"c"])
    checkpoint = Checkpoint(ORIGIN, 3, tree.root(), ["ext one", "ext two"])
    body = checkpoint.body()
    lines = body.split("\n")
    assert lines[:2] == [ORIGIN, "3"]
    assert lines[3:] == ["ext one", "ext two", ""]
    assert Checkpoint.parse(body) == checkpoint
    assert checkpoint.extensions == ("ext one", "ext two")


def test_empty_log_checkpoint() -> None:
    checkpoint = Checkpoint(ORIGIN, 0, MemoryTree().root())
    assert checkpoint.body() == f"{ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    assert Checkpoint.parse(checkpoint.body()) == checkpoint


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{ORIGIN}\n3\n", "needs at least 3"),
        (f"{ORIGIN}\n03\n{'A' * 43}=\n", "leading zeros"),
        (f"{ORIGIN}\n+3\n{'A' * 43}=\n", "not a decimal"),
        (f"{ORIGIN}\n3\n{'A' * 43}=", "end with a newline"),
        (f"{ORIGIN}\n3\n{'A' * 42}B=\n", "non-canonical"),
        (f"{ORIGIN}\n3\nAAAA\n", "3 bytes"),
        (f"\n3\n{'A' * 43}=\n", "origin"),
        (f"{ORIGIN}\n3\n{'A' * 43}=\n\n", "extension line"),
    ],
)
def test_malformed_bodies_are_refused(text: str, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        Checkpoint.parse(text)


def test_signed_checkpoint_round_trip_and_consistency() -> None:
    signer = _signer()
    tree = MemoryTree()
    tree.append([b"one", b"two"])
    old = sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root()), [signer])
    tree.append([b"three", b"four", b"five"])
    new = sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root()), [signer])
    verifier = NoteVerifier.from_vkey(signer.vkey())
    seen, names = open_checkpoint(old, [verifier], origin=ORIGIN)
    latest, _ = open_checkpoint(new, [verifier], origin=ORIGIN)
    assert names == [ORIGIN]
    proof = tree.consistency_proof(seen.size, latest.size)
    verify_consistency(seen.size, latest.size, proof, seen.root_hash, latest.root_hash)
    with pytest.raises(NoteError, match=r"expected 'other\.example/log'"):
        open_checkpoint(new, [verifier], origin="other.example/log")


def test_unknown_signatures_are_ignored_and_cosigners_reported() -> None:
    log, witness, stranger = _signer(), _signer("witness.example"), _signer("stranger.example")
    note = sign_note("hello\n", [stranger, log, witness])
    text, names = open_note(note, [log.verifier(), witness.verifier()])
    assert text == "hello\n"
    assert names == [ORIGIN, "witness.example"]


def test_same_name_other_key_is_ignored_not_trusted() -> None:
    log, impostor = _signer(), _signer()
    note = sign_note("hello\n", [impostor])
    with pytest.raises(NoteError, match="not signed by any known key"):
        open_note(note, [log.verifier()])


def test_bad_signature_by_a_known_key_rejects_the_note() -> None:
    log, witness = _signer(), _signer("witness.example")
    good = sign_note("hello\n", [log])
    forged_line = witness.signature_line("another text\n")
    # The witness's line signs other text: a known key whose signature fails poisons the note.
    note = good + forged_line
    with pytest.raises(NoteError, match=r"witness\.example"):
        open_note(note, [log.verifier(), witness.verifier()])
    assert open_note(note, [log.verifier()])[1] == [ORIGIN]


@pytest.mark.parametrize(
    "text",
    ["no final newline", "tab\there\n", "carriage\r\n", "", "lone \ud800 surrogate\n"],
)
def test_unsignable_texts_are_refused(text: str) -> None:
    with pytest.raises(NoteError):
        sign_note(text, [_signer()])


@pytest.mark.parametrize(
    "vkey",
    [
        "name+00000000+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # id does not match
        "example.com/foo+530d903a",  # missing key
        "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # upper hex
        "example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # type byte
        "ex ample+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # space in name
    ],
)
def test_malformed_verifier_keys_are_refused(vkey: str) -> None:
    with pytest.raises(NoteError):
        NoteVerifier.from_vkey(vkey)


def test_signer_accepts_raw_and_cryptography_keys() -> None:
    key = SigningKey.generate("LOG")
    seed_signer = NoteSigner(ORIGIN, bytes(range(32)))
    same_key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    assert NoteSigner(ORIGIN, same_key).vkey() == seed_signer.vkey()
    assert NoteSigner(ORIGIN, key).vkey() != seed_signer.vkey()
    assert NoteVerifier.from_vkey(seed_signer.vkey()) == seed_signer.verifier()
    with pytest.raises(NoteError):
        NoteSigner("bad+name", key)
