"""Alembic environment for the registry schema.

``cybernorms init`` passes an open connection in ``config.attributes["connection"]`` so that
the migrations run inside the caller's transaction (all or nothing, with the caller's engine
settings). Run from the ``alembic`` command line, it connects to ``$CYBERNORMS_DB``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from cybernorms.store.engine import create_store_engine
from cybernorms.store.schema import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_store_engine(None)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
