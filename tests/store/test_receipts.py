"""Offline receipts: a signed document, its inclusion proof and a signed checkpoint, checked with
nothing but the log's verifier key. Each way of tampering with a receipt is refused."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cybernorms.log.note import NoteVerifier
from cybernorms.store import Receipt, ReceiptError, Registry, verify_receipt
from cybernorms.store.receipt import TlogProof

from .world import World


def _vkey(registry: Registry) -> NoteVerifier:
    return NoteVerifier.from_vkey(registry.log_vkey())


def _roundtrip(receipt: Receipt) -> Receipt:
    return Receipt.loads(receipt.dumps())


def test_a_profile_receipt_verifies_offline(registry: Registry, fra: World) -> None:
    published = registry.publish_profile(fra.profile("FRA", 1, signers="12"))
    receipt = _roundtrip(registry.receipt(published.log_index))
    result = verify_receipt(receipt, _vkey(registry))
    assert (result.entry.kind, result.entry.state, result.entry.version) == ("profile", "FRA", 1)
    assert result.index == published.log_index
    assert result.checkpoint.size == 2
    assert result.root is not None and result.root.version == 1
    assert not result.pinned


def test_a_receipt_after_rotation_carries_the_whole_root_chain(
    registry: Registry, fra: World
) -> None:
    registry.publish_root(fra.rotation("FRA", "45", 2, version=2, signers="1245"))
    published = registry.publish_profile(fra.profile("FRA", 1, signers="45"))
    receipt = _roundtrip(registry.receipt(published.log_index))
    assert [r.index for r in receipt.roots] == [0, 1]
    pinned = fra.root("FRA", "123", 2)
    result = verify_receipt(receipt, _vkey(registry), trusted_root=pinned)
    assert result.pinned and result.root is not None and result.root.version == 2


def test_a_receipt_under_an_older_checkpoint(registry: Registry, fra: World) -> None:
    published = registry.publish_profile(fra.profile("FRA", 1, signers="12"))
    registry.checkpoint()
    registry.publish_profile(fra.profile("FRA", 2, signers="12"))
    receipt = registry.receipt(published.log_index, size=2)
    assert verify_receipt(_roundtrip(receipt), _vkey(registry)).checkpoint.size == 2


def test_package_and_root_receipts_verify(registry: Registry, fra: World) -> None:
    package = registry.publish_package(
        fra.package("pkg", "1.0.0", state="FRA", signers="12"), "FRA"
    )
    vkey = _vkey(registry)
    assert verify_receipt(_roundtrip(registry.receipt(package.log_index)), vkey).entry.kind == (
        "package"
    )
    assert verify_receipt(_roundtrip(registry.receipt(0)), vkey).entry.kind == "root"


@pytest.fixture
def receipt(registry: Registry, fra: World) -> Receipt:
    published = registry.publish_profile(fra.profile("FRA", 1, signers="12"))
    registry.publish_profile(fra.profile("FRA", 2, signers="12"))
    return registry.receipt(published.log_index)


def test_a_different_document_is_refused(registry: Registry, fra: World, receipt: Receipt) -> None:
    other = fra.profile("FRA", 1, signers="12", sectors=("water",))
    forged = dataclasses.replace(receipt, document=other)
    with pytest.raises(ReceiptError, match="not the logged document"):
        verify_receipt(forged, _vkey(registry))


def test_a_flipped_proof_hash_is_refused(registry: Registry, receipt: Receipt) -> None:
    hashes = list(receipt.proof.hashes)
    hashes[0] = bytes([hashes[0][0] ^ 1]) + hashes[0][1:]
    forged = dataclasses.replace(receipt, proof=dataclasses.replace(receipt.proof, hashes=hashes))
    with pytest.raises(ReceiptError, match="not in the checkpointed log"):
        verify_receipt(forged, _vkey(registry))


def test_an_altered_log_entry_is_refused(registry: Registry, receipt: Receipt) -> None:
    forged = dataclasses.replace(receipt, entry=receipt.entry.replace(b'"FRA"', b'"DEU"'))
    with pytest.raises(ReceiptError, match="not in the checkpointed log"):
        verify_receipt(forged, _vkey(registry))


def test_a_checkpoint_not_signed_by_the_log_is_refused(
    registry: Registry, fra: World, receipt: Receipt, tmp_path: object
) -> None:
    with Registry.init(
        f"sqlite:///{tmp_path}/other.db", log_key_file=tmp_path / "other.logkey"
    ) as other:
        other_key = _vkey(other)
    with pytest.raises(ReceiptError, match="checkpoint"):
        verify_receipt(receipt, other_key)


def test_a_changed_byte_in_the_checkpoint_is_refused(registry: Registry, receipt: Receipt) -> None:
    note = receipt.proof.checkpoint_note
    tampered = note.replace("\n3\n", "\n4\n", 1)
    assert tampered != note
    forged = dataclasses.replace(
        receipt, proof=TlogProof(receipt.proof.index, receipt.proof.hashes, tampered)
    )
    with pytest.raises(ReceiptError, match="checkpoint"):
        verify_receipt(forged, _vkey(registry))


def test_a_made_up_root_chain_is_refused(registry: Registry, fra: World, receipt: Receipt) -> None:
    # The attacker swaps in a root of its own keys: it is not the logged root.
    fake = dataclasses.replace(
        receipt.roots[0], envelope=fra.signed_root("FRA", "9", 1, signers="9")
    )
    forged = dataclasses.replace(receipt, roots=[fake])
    with pytest.raises(ReceiptError, match="is not the logged one"):
        verify_receipt(forged, _vkey(registry))


def test_a_receipt_without_roots_is_refused(registry: Registry, receipt: Receipt) -> None:
    with pytest.raises(ReceiptError, match="carries no root"):
        verify_receipt(dataclasses.replace(receipt, roots=[]), _vkey(registry))


def test_a_pinned_root_that_differs_is_refused(
    registry: Registry, fra: World, receipt: Receipt
) -> None:
    other_keys = fra.root("FRA", "789", 2)
    with pytest.raises(ReceiptError, match="differs from the root you trust"):
        verify_receipt(receipt, _vkey(registry), trusted_root=other_keys)


def test_malformed_receipt_files_are_refused() -> None:
    with pytest.raises(ReceiptError, match="not JSON"):
        Receipt.loads("{")
    with pytest.raises(ReceiptError, match="not a receipt"):
        Receipt.loads(json.dumps({"type": "something else"}))
