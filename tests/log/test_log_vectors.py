"""The log against published vectors (../shared/data/tlog-vectors): proofs, hashing, notes.

Every case file is its own test id, so a failure names the case (e.g. ``inclusion/3/wrong-leaf``).
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cybernorms.log import (
    EMPTY_ROOT,
    MemoryTree,
    NoteError,
    NoteSigner,
    NoteVerifier,
    ProofError,
    key_id,
    leaf_hash,
    node_hash,
    open_note,
    sign_note,
    verify_consistency,
    verify_inclusion,
)

pytestmark = pytest.mark.shared

# Case files are listed from the conftest's path so that parametrisation needs no fixture; the
# tests themselves still take ``shared_data``, which skips (or fails under CI) when it is absent.
_VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "tlog-vectors"
_CASES = sorted(
    p.relative_to(_VECTORS).as_posix()
    for kind in ("inclusion", "consistency")
    for p in (_VECTORS / kind).rglob("*.json")
)
EXPECTED_CASES = 196


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(value: list[str] | None) -> list[bytes] | None:
    return None if value is None else [_b64(h) for h in value]


def _run_case(case: dict[str, Any], kind: str) -> None:
    if kind == "inclusion":
        verify_inclusion(
            _b64(case["leafHash"]),
            case["leafIdx"],
            case["treeSize"],
            _proof(case["proof"]),
            _b64(case["root"]),
        )
    else:
        verify_consistency(
            case["size1"],
            case["size2"],
            _proof(case["proof"]),
            _b64(case["root1"]),
            _b64(case["root2"]),
        )


def test_every_proof_vector_is_present(shared_data: Path) -> None:
    """Guard against a silently shrunken data set: 196 cases, 12 valid and 184 tampered."""
    root = shared_data / "tlog-vectors"
    files = [p for kind in ("inclusion", "consistency") for p in (root / kind).rglob("*.json")]
    outcomes = Counter(
        (p.relative_to(root).parts[0], json.loads(p.read_text())["wantErr"]) for p in files
    )
    assert len(files) == EXPECTED_CASES == len(_CASES)
    assert outcomes == {
        ("inclusion", False): 6,
        ("inclusion", True): 92,
        ("consistency", False): 6,
        ("consistency", True): 92,
    }


@pytest.mark.parametrize("name", _CASES)
def test_proof_vector(shared_data: Path, name: str) -> None:
    case = json.loads((shared_data / "tlog-vectors" / name).read_text())
    kind = name.split("/")[0]
    if case["wantErr"]:
        with pytest.raises(ProofError):
            _run_case(case, kind)
    else:
        _run_case(case, kind)


def test_reference_tree_roots_for_every_size(shared_data: Path) -> None:
    data = json.loads((shared_data / "tlog-vectors" / "reference_tree.json").read_text())
    roots = [bytes.fromhex(h) for h in data["root_hashes_by_tree_size_hex"]]
    assert bytes.fromhex(data["empty_root_hex"]) == EMPTY_ROOT == roots[0]
    tree = MemoryTree()
    assert tree.root() == roots[0]
    for size, entry in enumerate(data["leaf_inputs_hex"], start=1):
        tree.append([bytes.fromhex(entry)])
        assert tree.root() == roots[size], f"size {size}"
    for size in range(len(roots)):
        assert tree.root(size) == roots[size]
    for level, hashes in enumerate(data["node_hashes_by_level_hex"]):
        nodes = tree.get_nodes([(level, i) for i in range(len(hashes))])
        assert [nodes[(level, i)].hex() for i in range(len(hashes))] == hashes


def test_reference_tree_proofs_verify(shared_data: Path) -> None:
    data = json.loads((shared_data / "tlog-vectors" / "reference_tree.json").read_text())
    roots = [bytes.fromhex(h) for h in data["root_hashes_by_tree_size_hex"]]
    entries = [bytes.fromhex(e) for e in data["leaf_inputs_hex"]]
    tree = MemoryTree()
    tree.append(entries)
    for size in range(1, len(entries) + 1):
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            verify_inclusion(leaf_hash(entries[index]), index, size, proof, roots[size])
        for old in range(1, size + 1):
            proof = tree.consistency_proof(old, size)
            verify_consistency(old, size, proof, roots[old], roots[size])


def test_rfc6962_hasher_cases(shared_data: Path) -> None:
    data = json.loads((shared_data / "tlog-vectors" / "rfc6962_hasher.json").read_text())
    ops: Counter[str] = Counter()
    for case in data["cases"]:
        want = bytes.fromhex(case["want_hex"])
        if case["op"] == "empty_root":
            got = EMPTY_ROOT
        elif case["op"] == "hash_leaf":
            got = leaf_hash(case["leaf_ascii"].encode("ascii"))
        else:
            assert case["op"] == "hash_children"
            got = node_hash(case["left_ascii"].encode("ascii"), case["right_ascii"].encode("ascii"))
        assert got == want, case["desc"]
        ops[case["op"]] += 1
    assert ops == {"empty_root": 1, "hash_leaf": 2, "hash_children": 1}


def _note_examples(shared_data: Path) -> list[dict[str, str]]:
    data = json.loads((shared_data / "tlog-vectors" / "signed_note_vectors.json").read_text())
    examples: list[dict[str, str]] = data["ed25519_examples"]
    assert examples
    return examples


def test_signed_note_vector_accepted(shared_data: Path) -> None:
    for example in _note_examples(shared_data):
        assert example["expect"] == "valid"
        verifier = NoteVerifier.from_vkey(example["vkey"])
        assert key_id(verifier.name, verifier.public.raw) == verifier.key_id
        text, names = open_note(example["signed_note"], [verifier])
        assert text == example["note_text_signed"]
        assert names == [verifier.name]


def test_signed_note_vector_rejected_with_any_byte_changed(shared_data: Path) -> None:
    """Every byte position, three different replacements each: every variant is refused."""
    checked = 0
    for example in _note_examples(shared_data):
        verifier = NoteVerifier.from_vkey(example["vkey"])
        original = example["signed_note"].encode("utf-8")
        for position in range(len(original)):
            for change in (0x01, 0x20, 0x80):
                mutated = bytearray(original)
                mutated[position] ^= change
                with pytest.raises(NoteError):
                    open_note(bytes(mutated), [verifier])
                checked += 1
        assert checked >= 3 * len(original)
    assert checked > 0


def test_signed_note_vector_needs_the_right_verifier(shared_data: Path) -> None:
    for example in _note_examples(shared_data):
        stranger = NoteSigner("example.com/foo", bytes(32)).verifier()
        with pytest.raises(NoteError, match="not signed by any known key"):
            open_note(example["signed_note"], [stranger])
        with pytest.raises(NoteError):
            open_note(example["signed_note"], [])


def test_signed_note_signing_known_answer(shared_data: Path) -> None:
    kat = json.loads((shared_data / "tlog-vectors" / "signed_note_signing_kat.json").read_text())
    signer = NoteSigner.from_skey(kat["skey"])
    assert signer.vkey() == kat["vkey"]
    assert sign_note(kat["text"], [signer]) == kat["signed_note"]
    text, names = open_note(kat["signed_note"], [NoteVerifier.from_vkey(kat["vkey"])])
    assert (text, names) == (kat["text"], [signer.name])
