"""The HTTP API under concurrent load: ``cybernorms serve`` in its own process on 127.0.0.1
(never another interface; its own process so that the clients do not share its interpreter
lock), clients in threads, every run bounded in requests and in time.

``python -m benchmarks api`` (``--quick``: fewer requests). Scenarios, each with C concurrent
clients making up to R requests each (stopping early at a time budget):

* evaluate: ``POST /v1/evaluate`` of one generated incident (detail ``outcome``), profiles
  from the registry;
* log reads: ``GET /log/checkpoint``, a level-0 tile and a ``tlog-proof``, in turn;
* publish: ``POST /v1/acts`` of profile versions (each answered under a signed checkpoint).

Prints requests per second and p50/p99 latency. Figures depend on the machine (2 shared
cores here); they are printed, never asserted.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from benchmarks.incidents import generate
from cybernorms.store import Registry
from cybernorms.trust import (
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    Root,
    SigningKey,
    sign_document,
)

STATES = ("FRA", "DEU", "EST", "GBR", "USA", "JPN", "BRA", "KEN")
TIME_BUDGET = 30.0  # seconds per scenario, at most

Request = Callable[[httpx.Client, int], httpx.Response]


def _populate(url: str) -> dict[str, SigningKey]:
    """A registry with each state's root and first profile, checkpointed."""
    keys = {state: SigningKey.generate(state) for state in STATES}
    expires = datetime.now(UTC) + timedelta(days=365)
    with Registry.init(url) as registry:
        for state, key in keys.items():
            root = Root.create(state, 1, expires, [key.public], 1)
            registry.publish_root(sign_document(ROOT_PAYLOAD_TYPE, root.to_document(), [key]))
            registry.publish_profile(_profile(state, 1, key))
        registry.checkpoint()
    return keys


def _profile(state: str, version: int, key: SigningKey):  # type: ignore[no-untyped-def]
    document = {
        "state": state,
        "version": version,
        "effective_from": "2020-01-01",
        "parameters": {"critical_sectors": ["energy", "health"]},
    }
    return sign_document(PROFILE_PAYLOAD_TYPE, document, [key])


@contextmanager
def _server(url: str) -> Iterator[str]:
    """``cybernorms serve`` on 127.0.0.1 and a free port, in a child process stopped on exit."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(Path(sys.executable).parent / "cybernorms"), "serve", "--db", url]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=2).raise_for_status()
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("cybernorms serve did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _load(
    base: str, clients: int, per_client: int, request: Request
) -> tuple[int, float, list[float]]:
    """Run ``clients`` threads of up to ``per_client`` requests; (ok count, wall s, latencies)."""
    deadline = time.monotonic() + TIME_BUDGET

    def client(number: int) -> list[float]:
        latencies = []
        with httpx.Client(base_url=base, timeout=60) as http:
            for i in range(per_client):
                if time.monotonic() > deadline:
                    break
                start = time.perf_counter()
                response = request(http, number * per_client + i)
                latencies.append(time.perf_counter() - start)
                if response.status_code >= 400:
                    raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
        return latencies

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(client, range(clients)))
    wall = time.perf_counter() - start
    latencies = sorted(x for r in results for x in r)
    return len(latencies), wall, latencies


def _report(name: str, clients: int, done: int, wall: float, latencies: list[float]) -> None:
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(
        f"  {name:<10} {clients} clients, {done:5d} requests in {wall:6.2f} s: "
        f"{done / wall:7.1f} req/s, p50 {p50:7.1f} ms, p99 {p99:7.1f} ms",
        flush=True,
    )


def run(argv: list[str]) -> None:
    quick = "--quick" in argv
    clients = 8
    per_client = 10 if quick else 40
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'registry.db'}"
        keys = _populate(url)
        bodies = [
            {
                "input": {
                    "incidents": [i.model_dump(mode="json", exclude_none=True)],
                    "detail": "outcome",
                    "as_of": "2024-01-01",
                }
            }
            for i in generate(clients * per_client, seed=11)
        ]
        acts = {
            state: [_profile(state, v, key).to_bytes() for v in range(2, 2 + per_client)]
            for state, key in keys.items()
        }
        with _server(url) as base:
            print(
                f"cybernorms serve on {base} (loopback), SQLite registry of {2 * len(STATES)} acts"
            )
            with httpx.Client(base_url=base) as warm:  # compile the evaluator once
                warm.post("/v1/evaluate", json=bodies[0]).raise_for_status()

            def evaluate(http: httpx.Client, n: int) -> httpx.Response:
                return http.post("/v1/evaluate", json=bodies[n % len(bodies)])

            def read(http: httpx.Client, n: int) -> httpx.Response:
                path = ("/log/checkpoint", "/log/tile/0/000.p/16", f"/log/proof/{n % 16}")[n % 3]
                return http.get(path)

            def publish(http: httpx.Client, n: int) -> httpx.Response:
                state = STATES[n // per_client]
                body = acts[state][n % per_client]
                return http.post(
                    "/v1/acts", content=body, headers={"content-type": "application/json"}
                )

            for name, request, count in (
                ("evaluate", evaluate, per_client),
                ("log reads", read, per_client * 5),
                ("publish", publish, per_client),
            ):
                done, wall, latencies = _load(base, clients, count, request)
                _report(name, clients, done, wall, latencies)
        with Registry.open(url) as registry:
            report = registry.verify_log()
            verdict = "ok" if report.ok else report.problems
            print(f"  log after the run: {registry.head().size} entries, verify {verdict}")
