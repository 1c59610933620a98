"""Fresh, independent databases for registry tests: a SQLite file, or a new PostgreSQL database.

Each test gets its own database, created before and dropped after, so tests never see each
other's records and may run in any order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'registry.db'}"


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new empty database on the server of ``server_url``; dropped afterwards."""
    base = make_url(server_url)
    name = f"cn_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
