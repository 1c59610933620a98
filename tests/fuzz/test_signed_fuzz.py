"""Envelopes, receipts, signed notes, checkpoints and Merkle proofs, structure-aware.

What a verifier is handed may come from anyone: a peer, a mirror, an attacker. Each is built
here from its parts (fields of the wrong type, base64 of the wrong length, signature lines
that almost parse, sizes at the edges) and must be accepted or refused with a
``CybernormsError``. Where the input is valid by construction, it must be accepted: the
refusals are for bad input only.
"""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any

from fuzz_strategies import FUZZ, edited, plain_values
from hypothesis import given
from hypothesis import strategies as st

from cybernorms.errors import CybernormsError
from cybernorms.log.checkpoint import Checkpoint, sign_checkpoint
from cybernorms.log.hashing import HASH_SIZE
from cybernorms.log.note import sign_note
from cybernorms.log.proofs import ProofError, verify_consistency, verify_inclusion
from cybernorms.log.tree import MemoryTree, consistency_proof, inclusion_proof, root_hash
from cybernorms.trust.envelope import Envelope
from fuzz.targets import NOTE_ORIGIN, NOTE_SIGNER, run, seeds

blobs = st.one_of(st.binary(max_size=80), st.binary(min_size=HASH_SIZE, max_size=HASH_SIZE))
b64 = st.one_of(
    blobs.map(lambda b: base64.b64encode(b).decode()),
    blobs.map(lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")),
    st.text(alphabet="ABCDabcd0123+/=-_ \n", max_size=20),
)
json_values = st.one_of(plain_values, b64)


@FUZZ
@given(
    payload_type=st.one_of(st.just("application/vnd.cybernorms.profile+json"), json_values),
    payload=st.one_of(b64, json_values),
    signatures=st.one_of(
        st.lists(
            st.fixed_dictionaries(
                {
                    "keyid": st.one_of(st.text(max_size=70), json_values),
                    "sig": st.one_of(b64, json_values),
                }
            ),
            max_size=3,
        ),
        json_values,
    ),
    extra=st.dictionaries(st.text(max_size=8), json_values, max_size=1),
)
def test_envelopes_built_from_parts_are_accepted_or_refused(
    payload_type: Any, payload: Any, signatures: Any, extra: dict[str, Any]
) -> None:
    data = {"payloadType": payload_type, "payload": payload, "signatures": signatures, **extra}
    run("envelope", json.dumps(data).encode())
    with contextlib.suppress(CybernormsError):
        Envelope.from_json(data)  # the mapping form, as the receipt parser hands it over


@FUZZ
@given(data=st.data())
def test_edited_receipts_are_verified_or_refused(data: st.DataObject) -> None:
    receipt = json.loads(seeds("receipt")[0])
    run("receipt", json.dumps(data.draw(edited(receipt))).encode())


note_lines = st.text(st.characters(blacklist_characters="\n"), max_size=30)
signature_lines = st.one_of(
    st.builds(
        lambda name, sig: f"\u2014 {name} {sig}", st.sampled_from([NOTE_ORIGIN, "x", ""]), b64
    ),
    st.builds(
        lambda sig: f"\u2014 {NOTE_ORIGIN} {sig}",
        st.binary(min_size=64, max_size=64).map(
            lambda s: base64.b64encode(NOTE_SIGNER.verifier().key_id + s).decode()
        ),
    ),
    note_lines,
)


@FUZZ
@given(
    text=st.lists(note_lines, min_size=1, max_size=4),
    signatures=st.lists(signature_lines, max_size=4),
    sign=st.booleans(),
)
def test_signed_notes_from_parts_are_opened_or_refused(
    text: list[str], signatures: list[str], sign: bool
) -> None:
    body = "".join(line + "\n" for line in text)
    try:
        note = sign_note(body, [NOTE_SIGNER]) if sign else body + "\n"
    except CybernormsError:
        return
    note += "".join(line + "\n" for line in signatures)
    run("note", note.encode("utf-8", "surrogatepass"))


@FUZZ
@given(
    origin=st.one_of(st.just(NOTE_ORIGIN), note_lines),
    size=st.one_of(st.integers(0, 2**70).map(str), st.sampled_from(["", "-1", "01", "1e3", "٣"])),
    root=b64,
    extensions=st.lists(note_lines, max_size=3),
)
def test_signed_checkpoints_from_parts_are_opened_or_refused(
    origin: str, size: str, root: str, extensions: list[str]
) -> None:
    body = "".join(line + "\n" for line in [origin, size, root, *extensions])
    try:
        note = sign_note(body, [NOTE_SIGNER])
    except CybernormsError:
        return
    run("checkpoint", note.encode("utf-8", "surrogatepass"))


def test_a_well_formed_signed_checkpoint_is_opened() -> None:
    tree = MemoryTree()
    tree.append([b"a", b"b", b"c"])
    note = sign_checkpoint(Checkpoint(NOTE_ORIGIN, 3, tree.root()), [NOTE_SIGNER])
    assert run("checkpoint", note.encode())


sizes = st.one_of(st.integers(-2, 40), st.integers(-(2**70), 2**70))
hashes = st.lists(
    st.one_of(st.binary(min_size=HASH_SIZE, max_size=HASH_SIZE), st.binary(max_size=40)), max_size=8
)
digests = st.binary(min_size=HASH_SIZE, max_size=HASH_SIZE) | st.binary(max_size=40)


@FUZZ
@given(leaf=digests, index=sizes, size=sizes, proof=st.one_of(st.none(), hashes), root=digests)
def test_inclusion_proofs_from_parts_verify_or_are_refused(
    leaf: bytes, index: int, size: int, proof: list[bytes] | None, root: bytes
) -> None:
    with contextlib.suppress(ProofError):
        verify_inclusion(leaf, index, size, proof, root)


@FUZZ
@given(size1=sizes, size2=sizes, proof=st.one_of(st.none(), hashes), root1=digests, root2=digests)
def test_consistency_proofs_from_parts_verify_or_are_refused(
    size1: int, size2: int, proof: list[bytes] | None, root1: bytes, root2: bytes
) -> None:
    with contextlib.suppress(ProofError):
        verify_consistency(size1, size2, proof, root1, root2)


@FUZZ
@given(data=st.data(), size=st.integers(1, 40))
def test_real_proofs_verify_and_any_changed_byte_is_refused(data: st.DataObject, size: int) -> None:
    tree = MemoryTree()
    tree.append([f"entry {i}".encode() for i in range(size)])
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(tree, index, size)
    leaf = tree.get_nodes([(0, index)])[(0, index)]
    verify_inclusion(leaf, index, size, proof, tree.root())
    size1 = data.draw(st.integers(1, size))
    old_root = root_hash(tree, size1)
    consistency = consistency_proof(tree, size1, size)
    verify_consistency(size1, size, consistency, old_root, tree.root())
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        byte = data.draw(st.integers(0, HASH_SIZE - 1))
        bad = [*proof]
        bad[i] = bad[i][:byte] + bytes([bad[i][byte] ^ 1]) + bad[i][byte + 1 :]
        try:
            verify_inclusion(leaf, index, size, bad, tree.root())
        except ProofError:
            return
        raise AssertionError(f"a changed inclusion proof verified (hash {i}, byte {byte})")
