"""Fixtures of the registry tests: one database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cybernorms.store import Registry
from cybernorms.store.logkey import LOG_KEY_ENV_VAR

from .databases import fresh_postgres_database, sqlite_url
from .world import World


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The URL of a fresh, empty database: a SQLite file (its log key beside it), or a new
    PostgreSQL database on the server of ``pg_url`` (skipped without one, a failure under CI)
    whose log key file is named by ``$CYBERNORMS_LOG_KEY_FILE``, as a deployment would."""
    if request.param == "sqlite":
        monkeypatch.delenv(LOG_KEY_ENV_VAR, raising=False)
        yield sqlite_url(tmp_path)
        return
    monkeypatch.setenv(LOG_KEY_ENV_VAR, str(tmp_path / "pg-log.key"))
    server = request.getfixturevalue("pg_url")
    with fresh_postgres_database(server) as url:
        yield url


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    with Registry.init(db_url) as reg:
        yield reg


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def fra(registry: Registry, world: World) -> World:
    """A registry where FRA has published root v1 (keys FRA1..FRA3, threshold 2)."""
    registry.publish_root(world.signed_root("FRA", "123", 2, signers="12"))
    return world
