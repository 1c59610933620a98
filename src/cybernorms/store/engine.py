"""Database URLs, engines and the two kinds of transaction the registry uses.

Why SQLite is configured by hand: the registry's promise is that every act is one transaction
that appends to the log, and that two processes appending at once cannot both extend the tree
from the same size. SQLite's default ``BEGIN`` (deferred) takes the write lock only at the
first write, after the appender has already read the log size, so two appenders could compute
the same next index; ``BEGIN IMMEDIATE`` takes the lock before anything is read. pysqlite
issues its own ``BEGIN`` unless the connection is in autocommit mode, so we switch that off and
emit ``BEGIN`` ourselves: ``IMMEDIATE`` for writes, deferred for reads (which then see one
snapshot for the whole transaction, thanks to WAL, without blocking writers).

On PostgreSQL the same guarantee comes from locking the log-head row ``FOR UPDATE`` as the
first statement of every write transaction (see ``cybernorms.store.logdb``).

Other SQLite settings and why: WAL (readers never block the writer, and a killed process
leaves a database that recovers to the last commit), foreign keys on (a record can never name
a missing log entry), ``synchronous=FULL`` (a commit the CLI reported is on disk), and a busy
timeout so concurrent writers queue instead of failing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from cybernorms.store.errors import StoreError

DEFAULT_DB_URL = "sqlite:///cybernorms.db"
DB_ENV_VAR = "CYBERNORMS_DB"
SQLITE_BUSY_TIMEOUT_MS = 60_000
_WRITE_OPTION = "cybernorms_write"


def resolve_url(url: str | None) -> str:
    """The database URL to use: the explicit one, else ``$CYBERNORMS_DB``, else the default.

    Bare PostgreSQL schemes are mapped to the psycopg 3 driver the project depends on, so
    ``postgresql://user@host/db`` works as people write it.
    """
    chosen = url or os.environ.get(DB_ENV_VAR) or DEFAULT_DB_URL
    for prefix in ("postgresql://", "postgres://"):
        if chosen.startswith(prefix):
            chosen = "postgresql+psycopg://" + chosen[len(prefix) :]
    try:
        parsed = make_url(chosen)
    except ArgumentError as exc:
        raise StoreError(
            f"not a database URL: {chosen!r} (use sqlite:///FILE or postgresql+psycopg://...)"
        ) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL"
        )
    return chosen


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (``None``: not SQLite, or in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.database.startswith("file:"):
        return None  # URI filenames: SQLite decides; nothing is created by us
    return Path(parsed.database)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_store_engine(url: str | None = None) -> Engine:
    """An engine for the registry at ``url`` (see ``resolve_url``), configured as described
    in this module's docstring."""
    resolved = resolve_url(url)
    if make_url(resolved).get_backend_name() == "sqlite":
        engine = create_engine(resolved, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(resolved, pool_pre_ping=True)


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (module docstring)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(_WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that may change the registry; commits on success, rolls back on error.

    On SQLite it starts with ``BEGIN IMMEDIATE``. Callers must lock the log head first
    (``cybernorms.store.logdb.lock_head``), which is what serialises writers on PostgreSQL.
    """
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE_OPTION: True})
        with conn.begin():
            yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction that sees one snapshot of the registry; never commits.

    SQLite in WAL mode gives a deferred transaction a snapshot at its first read; PostgreSQL
    needs ``REPEATABLE READ`` for the same (its default re-reads at every statement).
    """
    with engine.connect() as conn:
        if not is_sqlite(engine):
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin() as txn:
            try:
                yield conn
            finally:
                txn.rollback()
