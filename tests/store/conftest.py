"""Fixtures of the registry tests: one database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cybernorms.store import Registry

from .databases import fresh_postgres_database, sqlite_url
from .world import World


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database: a SQLite file, or a new PostgreSQL database on the
    server of ``pg_url`` (skipped without one, a failure under CI)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
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
