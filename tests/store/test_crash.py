"""Crash safety: a publisher killed with SIGKILL at random moments, again and again.

Each round starts a child process (``crash_publisher.py``) that publishes profile versions
one transaction at a time, kills it at a random moment, and then checks that the registry is
whole: ``verify_log`` finds nothing, the stored versions are exactly 1..k with no gap, each
is byte for byte the envelope that was sent, every version the child reported committed is
there, and at most one more (committed, killed before it could say so). The last round runs
to completion, so the registry ends with every version published exactly once.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cybernorms.store import Registry, payload_digest

from .world import World

VERSIONS = 60
ROUNDS = 8
CHILD = Path(__file__).with_name("crash_publisher.py")


def _run_child(db_url: str, directory: Path, kill_after: float | None) -> list[int]:
    """Run the publisher; SIGKILL it ``kill_after`` seconds after it is ready (None: let it
    finish). Returns the versions it reported committed."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), db_url, str(directory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    try:
        first = child.stdout.readline()
        assert first == "ready\n", f"child failed to start: {first!r} {child.stderr.read()}"  # type: ignore[union-attr]
        if kill_after is None:
            out, errors = child.communicate(timeout=120)
            assert child.returncode == 0, errors
        else:
            time.sleep(kill_after)
            child.send_signal(signal.SIGKILL)
            out, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return [int(line.split()[1]) for line in out.splitlines() if line.startswith("published ")]


def _check_whole(registry: Registry, digests: dict[int, str], reported: list[int]) -> int:
    report = registry.verify_log()
    assert report.ok, report.problems
    history = registry.profile_history("FRA")
    versions = [p.profile.version for p in history]
    assert versions == list(range(1, len(versions) + 1)), f"gap in {versions}"
    for stored in history:
        assert stored.digest == digests[stored.profile.version], "not the envelope that was sent"
    count = len(versions)
    if reported:
        assert count >= max(reported), "a reported commit was lost"
        assert count <= max(reported) + 1, "more committed than the child could have sent"
    assert registry.head().size == 1 + count  # the root, then one entry per profile version
    return count


@pytest.mark.slow
def test_a_publisher_killed_at_random_points_leaves_every_publication_whole(
    db_url: str, world: World, tmp_path: Path
) -> None:
    with Registry.init(db_url) as registry:
        registry.publish_root(world.signed_root("FRA", "12", 2, signers="12"))
    batch = tmp_path / "batch"
    batch.mkdir()
    digests: dict[int, str] = {}
    for version in range(1, VERSIONS + 1):
        envelope = world.profile("FRA", version, signers="12")
        (batch / f"v{version:03d}.json").write_bytes(envelope.to_bytes())
        digests[version] = payload_digest(envelope.payload)

    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    done = 0
    killed_mid_batch = 0
    for _ in range(ROUNDS):
        reported = _run_child(db_url, batch, kill_after=rng.uniform(0.0, 0.12))
        with Registry.open(db_url) as registry:
            count = _check_whole(registry, digests, reported)
        assert count >= done, "a committed publication disappeared"
        killed_mid_batch += count < VERSIONS
        done = count
    assert killed_mid_batch, "every kill came after the batch was done: nothing was tested"

    _run_child(db_url, batch, kill_after=None)
    with Registry.open(db_url) as registry:
        assert _check_whole(registry, digests, []) == VERSIONS
