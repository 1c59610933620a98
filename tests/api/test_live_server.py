"""A real uvicorn on 127.0.0.1 and a random port: concurrent publications lose and duplicate
nothing (the log verifies after), and a slow client holds up no one. Bounded: 8 threads x 10
acts; the slow client trickles for under two seconds."""

from __future__ import annotations

import base64
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from store.world import World

from cybernorms.api.app import create_app
from cybernorms.api.loopback import serving
from cybernorms.api.settings import Settings
from cybernorms.log.checkpoint import Checkpoint
from cybernorms.log.hashing import leaf_hash
from cybernorms.log.proofs import verify_inclusion
from cybernorms.store import Registry

STATES = ("FRA", "DEU", "EST", "GBR", "USA", "JPN", "BRA", "KEN")
ACTS_PER_THREAD = 10


def test_concurrent_publications_are_all_logged_once(
    registry: Registry, db_url: str, world: World
) -> None:
    # Documents are signed beforehand: the threads only publish.
    acts = {
        state: [world.signed_root(state, "1", 1, signers="1")]
        + [world.profile(state, v, signers="1") for v in range(1, ACTS_PER_THREAD)]
        for state in STATES
    }

    def publish(base: str, state: str) -> list[dict[str, Any]]:
        answers = []
        with httpx.Client(base_url=base, timeout=60) as http:
            for envelope in acts[state]:
                response = http.post(
                    "/v1/acts",
                    content=envelope.to_bytes(),
                    headers={"content-type": "application/json"},
                )
                assert response.status_code == 201, response.text
                answers.append(response.json())
        return answers

    with (
        serving(create_app(Settings(db_url=db_url))) as base,
        ThreadPoolExecutor(len(STATES)) as pool,
    ):
        results = [a for answers in pool.map(lambda s: publish(base, s), STATES) for a in answers]

    total = len(STATES) * ACTS_PER_THREAD
    assert sorted(a["index"] for a in results) == list(range(total))
    for answer in results:
        note = answer["checkpoint"]["note"]
        checkpoint = Checkpoint.parse(note[: note.rfind("\n\n") + 1])
        proof = [base64.b64decode(h) for h in answer["inclusion_proof"]]
        verify_inclusion(
            leaf_hash(answer["entry"].encode()),
            answer["index"],
            checkpoint.size,
            proof,
            checkpoint.root_hash,
        )
    assert registry.head().size == total
    report = registry.verify_log()
    assert report.ok, report.problems
    assert report.records["profile"] == total - len(STATES)


def test_a_slow_client_holds_up_no_one(registry: Registry, db_url: str, world: World) -> None:
    registry.publish_root(world.signed_root("FRA", "1", 1, signers="1"))
    registry.checkpoint()
    body = world.profile("FRA", 1, signers="1").to_bytes()
    with serving(create_app(Settings(db_url=db_url))) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as slow:
            head = (
                f"POST /v1/acts HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            slow.sendall(head.encode() + body[:10])
            # While the slow body is unfinished, others are served: a server that waited for
            # it would never answer these (the rest of the body is sent only afterwards), and
            # the client's timeout would raise.
            with httpx.Client(base_url=base, timeout=10) as http:
                for _ in range(5):
                    assert http.get("/log/checkpoint").status_code == 200
            rest = body[10:]
            step = max(1, len(rest) // 8)
            for at in range(0, len(rest), step):
                slow.sendall(rest[at : at + step])
                time.sleep(0.1)
            answer = b""
            while chunk := slow.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 201")
        # A client that gives up mid-body leaves nothing behind.
        with socket.create_connection((host, int(port)), timeout=10) as quitter:
            quitter.sendall(head.encode() + body[:10])
        with httpx.Client(base_url=base, timeout=10) as http:
            assert http.get("/log/checkpoint").text.split("\n")[1] == "2"
    assert registry.head().size == 2
    assert registry.verify_log().ok
