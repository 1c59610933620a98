"""Shared fixtures.

Tests that need data from ``../shared`` (EuRepoC, proof vectors) or a PostgreSQL server skip
with a clear message on a user's fresh clone, where neither exists. CI sets
``CYBERNORMS_REQUIRE_SHARED=1`` and ``CYBERNORMS_REQUIRE_PG=1``, which turn those skips into
failures, so CI always runs them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


def _need(condition: bool, message: str, strict_env: str) -> None:
    if condition:
        return
    if os.environ.get(strict_env) == "1":
        pytest.fail(f"{message} ({strict_env}=1 makes this a failure)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; skips (or fails under CI) when it is absent."""
    _need(
        SHARED_DATA.is_dir(),
        f"shared test data not found at {SHARED_DATA}",
        "CYBERNORMS_REQUIRE_SHARED",
    )
    return SHARED_DATA


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of a PostgreSQL server for store tests; skips (or fails under CI) without one."""
    url = os.environ.get("CYBERNORMS_PG_URL", "")
    _need(
        bool(url),
        "no PostgreSQL server configured (set CYBERNORMS_PG_URL)",
        "CYBERNORMS_REQUIRE_PG",
    )
    return url
