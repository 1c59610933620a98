"""Fixtures of the API tests: an app on a fresh registry (SQLite, and PostgreSQL where the
store tests run on it), a TestClient, and the registry tests' world of states and keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the API tests need the 'api' extra")

from fastapi.testclient import TestClient
from store.databases import fresh_postgres_database, sqlite_url
from store.world import World

from cybernorms.api.app import create_app
from cybernorms.api.settings import Settings
from cybernorms.store import Registry
from cybernorms.store.logkey import LOG_KEY_ENV_VAR


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh database as the store tests make it: a SQLite file (its log key beside it),
    or a new PostgreSQL database whose log key file ``$CYBERNORMS_LOG_KEY_FILE`` names."""
    if request.param == "sqlite":
        monkeypatch.delenv(LOG_KEY_ENV_VAR, raising=False)
        yield sqlite_url(tmp_path)
        return
    monkeypatch.setenv(LOG_KEY_ENV_VAR, str(tmp_path / "pg-log.key"))
    with fresh_postgres_database(request.getfixturevalue("pg_url")) as url:
        yield url


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    with Registry.init(db_url) as reg:
        yield reg


@pytest.fixture
def client(registry: Registry, db_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(db_url=db_url))
    with TestClient(app) as test_client:
        yield test_client
    app.state.context.close()


@pytest.fixture
def world() -> World:
    return World()
