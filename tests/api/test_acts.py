"""``POST /v1/acts``: a signed document in, an answer only once a signed checkpoint covers
it; every refusal a 4xx RFC 9457 problem document naming its reason."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from store.world import World

from cybernorms.api.app import create_app
from cybernorms.api.settings import Settings
from cybernorms.limits import LIMITS
from cybernorms.log.checkpoint import open_checkpoint
from cybernorms.log.hashing import leaf_hash
from cybernorms.log.note import NoteVerifier
from cybernorms.log.proofs import verify_inclusion
from cybernorms.store import Receipt, Registry, verify_receipt
from cybernorms.trust.envelope import Envelope

from .packages import signed_package

PROBLEM = "application/problem+json"


def post(client: TestClient, envelope: Envelope | bytes, **params: str) -> Any:
    body = envelope if isinstance(envelope, bytes) else envelope.to_bytes()
    return client.post(
        "/v1/acts", content=body, params=params, headers={"content-type": "application/json"}
    )


def refused(response: Any, status: int, reason: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status
    assert problem["reason"] == reason
    assert problem["type"].endswith("/" + reason)
    assert problem["title"] and problem["detail"]
    return problem


def test_a_root_is_answered_with_its_proof_under_a_signed_checkpoint(
    client: TestClient, world: World
) -> None:
    response = post(client, world.signed_root("FRA", "123", 2, signers="12"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["index"] == 0 and body["kind"] == "root"
    entry = body["entry"].encode()
    assert base64.b64decode(body["entry_hash"]) == leaf_hash(entry)
    verifier = NoteVerifier.from_vkey(client.get("/log/key").text.strip())
    checkpoint, _ = open_checkpoint(body["checkpoint"]["note"], [verifier])
    assert checkpoint.size >= 1
    proof = [base64.b64decode(h) for h in body["inclusion_proof"]]
    verify_inclusion(leaf_hash(entry), 0, checkpoint.size, proof, checkpoint.root_hash)
    assert response.headers["cybernorms-checkpoint"].startswith(f"{checkpoint.size} ")
    # The receipt verifies offline with the log's key alone, like `cybernorms verify`.
    receipt = Receipt.loads(json.dumps(body["receipt"]))
    assert verify_receipt(receipt, verifier).index == 0


def test_profiles_packages_and_positions_are_published(client: TestClient, world: World) -> None:
    assert post(client, world.signed_root("FRA", "123", 2, signers="12")).status_code == 201
    profile = post(client, world.profile("FRA", 1, signers="12"))
    package = post(client, signed_package(world, "FRA", "23", name="demo"), publisher="fra")
    position = post(client, world.position("FRA", signers="13"))
    assert [r.status_code for r in (profile, package, position)] == [201, 201, 201]
    assert [r.json()["index"] for r in (profile, package, position)] == [1, 2, 3]
    assert [r.json()["kind"] for r in (profile, package, position)] == [
        "profile",
        "package",
        "position",
    ]
    assert client.get("/log/checkpoint").text.split("\n")[1] == "4"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{", "MalformedDocument"),
        (b"[]", "MalformedDocument"),
        (b'{"payloadType": "x", "payload": "", "signatures": [], "extra": 1}', "MalformedDocument"),
        (
            b'{"payloadType": "a", "payloadType": "b", "payload": "", "signatures": []}',
            "MalformedDocument",
        ),
        (
            '{"payloadType": "\u00e9", "payload": 1.5, "signatures": []}'.encode(),
            "MalformedDocument",
        ),
        (b"\xff\xfe", "MalformedDocument"),
        (b"", "EmptyBody"),
    ],
)
def test_what_is_not_a_signed_document_is_refused(
    client: TestClient, body: bytes, reason: str
) -> None:
    refused(post(client, body), 422, reason)


def test_refusals_name_their_reason(client: TestClient, world: World, registry: Registry) -> None:
    # No root yet: a profile has no one to vouch for it.
    refused(post(client, world.profile("FRA", 1, signers="12")), 403, "NoRootOfTrust")
    assert post(client, world.signed_root("FRA", "123", 2, signers="12")).status_code == 201
    # One signature where the threshold is two.
    refused(post(client, world.profile("FRA", 1, signers="1")), 403, "ThresholdNotMet")
    # Keys of another state.
    refused(
        post(client, world.profile("FRA", 1, signers="12", signer_state="DEU")),
        403,
        "UnknownKey",
    )
    assert post(client, world.profile("FRA", 2, signers="12")).status_code == 201
    # Rollback, replay.
    refused(post(client, world.profile("FRA", 1, signers="12")), 409, "RollbackAttempt")
    refused(post(client, world.profile("FRA", 2, signers="12")), 409, "RollbackAttempt")
    # A package without its publisher, then a duplicate.
    package = signed_package(world, "FRA", "12", name="p")
    refused(post(client, package), 422, "PublisherRequired")
    assert post(client, package, publisher="FRA").status_code == 201
    refused(post(client, package, publisher="FRA"), 409, "AlreadyPublished")
    # A payload type the registry does not take.
    other = Envelope("application/vnd.cybernorms.forum-act+json", b"{}", [])
    refused(post(client, other), 422, "UnsupportedAct")
    # A tampered signature.
    good = world.profile("FRA", 3, signers="12")
    tampered = Envelope(
        good.payload_type, good.payload.replace(b'"version":3', b'"version":4'), good.signatures
    )
    assert tampered.payload != good.payload
    problem = refused(post(client, tampered), 403, "BadSignature")
    assert "FRA" in problem["detail"]
    # Nothing refused reached the log.
    assert registry.head().size == 3
    assert registry.verify_log().ok


def test_a_body_over_the_limit_is_413_before_it_is_read(registry: Registry, db_url: str) -> None:
    small = replace(LIMITS, request_bytes=1000)
    with TestClient(create_app(Settings(db_url=db_url, limits=small))) as client:
        problem = refused(post(client, b"{" + b" " * 2000 + b"}"), 413, "LimitExceeded")
        assert "request_bytes" in problem["detail"]

        def chunks():  # type: ignore[no-untyped-def]
            for _ in range(10):
                yield b" " * 200

        streamed = client.post(
            "/v1/acts", content=chunks(), headers={"content-type": "application/json"}
        )
        refused(streamed, 413, "LimitExceeded")
    assert LIMITS.request_bytes > 1000


def test_before_init_every_endpoint_says_so(tmp_path: Any) -> None:
    with TestClient(create_app(Settings(db_url=f"sqlite:///{tmp_path / 'none.db'}"))) as client:
        refused(client.get("/log/checkpoint"), 503, "NotInitialised")
        refused(post(client, b"{}"), 422, "MalformedDocument")


def test_without_the_log_key_nothing_is_published(
    registry: Registry, db_url: str, world: World, tmp_path: Any
) -> None:
    """The answer needs a signed checkpoint: a server that cannot sign refuses before the act
    commits (503 LogKeyUnavailable), and the log is unchanged."""
    settings = Settings(db_url=db_url, log_key=tmp_path / "no-such.logkey")
    with TestClient(create_app(settings)) as client:
        refused(
            post(client, world.signed_root("FRA", "123", 2, signers="12")), 503, "LogKeyUnavailable"
        )
    assert registry.head().size == 0


def test_a_broken_database_is_a_503_problem_not_a_crash(
    registry: Registry, db_url: str, client: TestClient
) -> None:
    from sqlalchemy import text

    with registry.engine.begin() as conn:
        conn.execute(text("DROP TABLE checkpoints"))
    refused(client.get("/log/checkpoint"), 503, "DatabaseUnavailable")


def test_a_package_check_would_refuse_is_not_logged(
    client: TestClient, world: World, registry: Registry
) -> None:
    """Issue 14 finding 2 over HTTP: a syntax error in ``violated_when`` or a version that is
    not semantic is refused (422, located in the payload) before anything is logged."""
    assert post(client, world.signed_root("FRA", "12", 1, signers="1")).status_code == 201
    broken = signed_package(world, "FRA", "1", violated_when="attribution.level in {")
    problem = refused(post(client, broken, publisher="FRA"), 422, "DocumentError")
    assert "violated_when" in problem["detail"] and "payload" in problem["detail"]
    bad_version = signed_package(world, "FRA", "1", version="not-semver !!")
    refused(post(client, bad_version, publisher="FRA"), 422, "DocumentError")
    assert registry.head().size == 1


def _act(world: World, signer: str, author: dict[str, Any], act: dict[str, Any]) -> Envelope:
    from cybernorms.forum.signed import ACT_DOCUMENT_TYPE, ACT_PAYLOAD_TYPE
    from cybernorms.trust import sign_document

    document = {"type": ACT_DOCUMENT_TYPE, "author": author, "act": act}
    return sign_document(ACT_PAYLOAD_TYPE, document, [world.key(signer, 1)])


def test_forum_acts_are_posted_like_any_signed_document(client: TestClient, world: World) -> None:
    for holder in ("forum:wg", "FRA", "IRN"):
        assert post(client, world.signed_root(holder, "1", 1, signers="1")).status_code == 201
    consensus = {"rule": "consensus"}
    forum = {
        "kind": "forum_new",
        "seq": 1,
        "forum": "wg",
        "name": "WG",
        "mandate": "Norms",
        "membership": "open",
        "decision_rules": {
            "new_package": consensus,
            "amendment": consensus,
            "withdrawal": consensus,
        },
    }
    response = post(
        client, _act(world, "forum:wg", {"author": "secretariat", "forum": "wg"}, forum)
    )
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "act"
    join = {"kind": "join", "seq": 1, "forum": "wg", "state": "FRA", "role": "member"}
    fra = {"author": "state", "state": "FRA"}
    assert post(client, _act(world, "FRA", fra, join)).status_code == 201
    refused(post(client, _act(world, "FRA", fra, join)), 422, "ReplayedAct")
    # IRN's keys cannot sign FRA's act; FRA's act that IRN is not a member of the forum
    refused(post(client, _act(world, "IRN", fra, {**join, "seq": 2})), 403, "UnknownKey")
