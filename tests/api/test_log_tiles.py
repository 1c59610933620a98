"""The log over HTTP as C2SP tlog-tiles: paths spelled exactly as the spec writes them, tiles
equal to the project's own tree (``log.tree.MemoryTree``) for logs of several sizes, and a
verifier that checks inclusion using only fetched tiles and the signed checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from cybernorms.api.tiles import Tile, TilePathError, encode_index, parse_tile, tile_path
from cybernorms.log.checkpoint import open_checkpoint
from cybernorms.log.hashing import leaf_hash
from cybernorms.log.note import NoteVerifier
from cybernorms.log.proofs import verify_inclusion
from cybernorms.log.tree import MemoryTree
from cybernorms.store import Registry

from .rawlog import append_raw
from .tileclient import TileClient, entries

IMMUTABLE = "public, max-age=31536000, immutable"


# -- paths -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "path"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_indexes_are_written_in_x_prefixed_groups_of_three(index: int, path: str) -> None:
    assert encode_index(index) == path
    assert parse_tile("0", path) == Tile(0, index)


def test_partial_tiles_and_entry_bundles_have_their_own_spelling() -> None:
    assert tile_path(Tile(1, 1234067, 17)) == "tile/1/x001/x234/067.p/17"
    assert parse_tile("entries", "x001/000.p/255") == Tile(None, 1000, 255)
    assert tile_path(Tile(None, 5)) == "tile/entries/005"


@pytest.mark.parametrize(
    ("level", "rest"),
    [
        ("01", "000"),  # leading zero in the level
        ("64", "000"),  # level beyond 63
        ("0", "0"),  # not a 3-digit group
        ("0", "0000"),
        ("0", "x000/001"),  # a leading x000 group: not the one spelling of 1
        ("0", "001/001"),  # an inner group without x
        ("0", "x001"),  # the last group with x
        ("0", "000.p/0"),  # width 0
        ("0", "000.p/256"),  # width of a full tile
        ("0", "000.p/07"),  # leading zero in the width
        ("0", "000.p/"),
        ("entry", "000"),
    ],
)
def test_every_other_spelling_is_refused(level: str, rest: str) -> None:
    with pytest.raises(TilePathError):
        parse_tile(level, rest)


@given(
    level=st.one_of(st.none(), st.integers(0, 63)),
    index=st.integers(0, 10**15),
    width=st.integers(1, 256),
)
def test_a_tile_path_reads_back_as_its_tile(level: int | None, index: int, width: int) -> None:
    tile = Tile(level, index, width)
    _, lv, rest = tile_path(tile).split("/", 2)
    assert parse_tile(lv, rest) == tile


# -- tiles against the project's own tree ----------------------------------------------------


def _log(registry: Registry, size: int) -> MemoryTree:
    data = [f"entry {i}".encode() for i in range(size)]
    append_raw(registry, data)
    registry.checkpoint()
    tree = MemoryTree()
    tree.append(data)
    return tree


def _fetch(client: TestClient):  # type: ignore[no-untyped-def]
    def fetch(path: str) -> bytes:
        response = client.get(f"/log/{path}")
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"] == "application/octet-stream"
        return response.content

    return fetch


def _verified_checkpoint(client: TestClient):  # type: ignore[no-untyped-def]
    vkey = client.get("/log/key").text.strip()
    note = client.get("/log/checkpoint")
    assert note.headers["content-type"] == "text/plain; charset=utf-8"
    verifier = NoteVerifier.from_vkey(vkey)
    checkpoint, _ = open_checkpoint(note.text, [verifier], origin=verifier.name)
    return checkpoint


@pytest.mark.parametrize("size", [1, 2, 255, 256, 257, 511, 512, 1000, 66_000])
def test_tiles_are_the_trees_hashes_and_prove_inclusion(
    client: TestClient, registry: Registry, size: int
) -> None:
    tree = _log(registry, size)
    checkpoint = _verified_checkpoint(client)
    assert checkpoint.size == size
    tiles = TileClient(_fetch(client), size)
    # Every level-0 and level-1 tile hash is the tree's node at height 0 or 8.
    for level in (0, 1):
        count = size >> (8 * level)
        for n in range((count + 255) // 256):
            want = [
                tree.get_nodes([(8 * level, i)])[(8 * level, i)]
                for i in range(n * 256, min(count, n * 256 + 256))
            ]
            assert tiles.tile(level, n) == want
    assert tiles.root() == tree.root() == checkpoint.root_hash
    for index in sorted({0, size // 2, size - 1, min(size - 1, 300)}):
        proof = tiles.inclusion_proof(index)
        assert proof == tree.inclusion_proof(index)
        verify_inclusion(
            leaf_hash(f"entry {index}".encode()), index, size, proof, checkpoint.root_hash
        )


def test_entry_bundles_hash_to_the_level_0_tiles(client: TestClient, registry: Registry) -> None:
    tree = _log(registry, 300)
    full = client.get("/log/tile/entries/000")
    partial = client.get("/log/tile/entries/001.p/44")
    assert full.headers["cache-control"] == IMMUTABLE
    assert partial.headers["cache-control"] != IMMUTABLE
    bundle = entries(full.content) + entries(partial.content)
    assert bundle == [f"entry {i}".encode() for i in range(300)]
    assert [leaf_hash(e) for e in bundle] == [tree.get_nodes([(0, i)])[(0, i)] for i in range(300)]


def test_full_tiles_are_immutable_partial_ones_short_lived(
    client: TestClient, registry: Registry
) -> None:
    _log(registry, 300)
    assert client.get("/log/tile/0/000").headers["cache-control"] == IMMUTABLE
    partial = client.get("/log/tile/0/001.p/44")
    assert partial.status_code == 200
    assert "immutable" not in partial.headers["cache-control"]
    # A narrower partial tile (an older tree size) is the same hashes' prefix.
    assert client.get("/log/tile/0/001.p/10").content == partial.content[: 10 * 32]
    assert "max-age=2" in client.get("/log/checkpoint").headers["cache-control"]


@pytest.mark.parametrize(
    "path",
    [
        "/log/tile/0/001",  # full tile of a tree of 300: not there yet
        "/log/tile/0/001.p/45",  # wider than the tree has
        "/log/tile/1/000",
        "/log/tile/2/000.p/1",
        "/log/tile/entries/002.p/1",
        "/log/tile/0/x000/000",  # not canonical
        "/log/tile/0/abc",
        "/log/tile/99/000",
    ],
)
def test_tiles_beyond_the_checkpoint_or_misspelt_are_404_problems(
    client: TestClient, registry: Registry, path: str
) -> None:
    _log(registry, 300)
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["reason"] in {"NotFound", "NoSuchTile"}


def test_tiles_stop_at_the_latest_checkpoint(client: TestClient, registry: Registry) -> None:
    _log(registry, 10)
    append_raw(registry, [b"not yet checkpointed"])
    assert client.get("/log/tile/0/000.p/10").status_code == 200
    assert client.get("/log/tile/0/000.p/11").status_code == 404


def test_an_empty_log_has_no_checkpoint_yet(client: TestClient) -> None:
    response = client.get("/log/checkpoint")
    assert response.status_code == 404
    assert response.json()["reason"] == "NotFound"


# -- the offline proof bundle -----------------------------------------------------------------


def test_the_proof_bundle_is_a_tlog_proof_that_verifies_offline(
    client: TestClient, registry: Registry
) -> None:
    from cybernorms.store.receipt import TlogProof

    tree = _log(registry, 37)
    response = client.get("/log/proof/20")
    assert response.status_code == 200
    assert response.text.startswith("c2sp.org/tlog-proof@v1\nindex 20\n")
    proof = TlogProof.parse(response.text)
    assert proof.hashes == tree.inclusion_proof(20)
    verifier = NoteVerifier.from_vkey(client.get("/log/key").text.strip())
    checkpoint, _ = open_checkpoint(proof.checkpoint_note, [verifier], origin=verifier.name)
    verify_inclusion(
        leaf_hash(b"entry 20"), 20, checkpoint.size, proof.hashes, checkpoint.root_hash
    )
    assert client.get("/log/proof/37").status_code == 404
    assert client.get("/log/proof/20?size=36").json()["reason"] == "NotFound"


def test_the_entry_endpoint_gives_the_entry_and_its_proof(
    client: TestClient, registry: Registry
) -> None:
    _log(registry, 5)
    body = client.get("/log/entries/3").json()
    assert body["entry"] == "entry 3"
    assert body["checkpoint"]["size"] == 5
    assert len(body["inclusion_proof"]) == 3


# -- shared vectors (RFC 6962 hashing) --------------------------------------------------------


@pytest.mark.shared
def test_tiles_of_the_reference_tree_give_its_roots(
    shared_data: Path, client: TestClient, registry: Registry
) -> None:
    data = json.loads((shared_data / "tlog-vectors" / "reference_tree.json").read_text())
    roots = [bytes.fromhex(h) for h in data["root_hashes_by_tree_size_hex"]]
    for size, entry in enumerate(data["leaf_inputs_hex"], start=1):
        append_raw(registry, [bytes.fromhex(entry)])
        registry.checkpoint()
        checkpoint = _verified_checkpoint(client)
        assert checkpoint.root_hash == roots[size]
        assert TileClient(_fetch(client), size).root() == roots[size]


@pytest.mark.shared
def test_level_0_tiles_hold_the_vectors_leaf_hashes(
    shared_data: Path, client: TestClient, registry: Registry
) -> None:
    cases = json.loads((shared_data / "tlog-vectors" / "rfc6962_hasher.json").read_text())
    leaves = [c for c in cases["cases"] if c["op"] == "hash_leaf"]
    append_raw(registry, [c["leaf_ascii"].encode() for c in leaves])
    registry.checkpoint()
    tile = client.get(f"/log/tile/0/000.p/{len(leaves)}").content
    assert [tile[i * 32 : i * 32 + 32].hex() for i in range(len(leaves))] == [
        c["want_hex"] for c in leaves
    ]
