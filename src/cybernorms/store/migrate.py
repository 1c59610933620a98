"""Schema migrations (Alembic), run from code on ``cybernorms init``.

Why Alembic from the start: a registry holds signed history that must outlive any version of
this program, so its schema can only ever change by recorded, ordered steps. Why run it from
code: users never install or configure Alembic; ``init`` creates or upgrades the schema, and
every other command refuses a database whose schema is not the one this program expects
(rather than half-working on it).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest schema revision this program knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # only if the package was installed without its migrations
        raise RuntimeError(f"no schema migrations found in {MIGRATIONS}")
    return head


def current_revision(conn: Connection) -> str | None:
    """The schema revision of the database (``None``: no registry schema at all)."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(conn: Connection, log_key_file: Path | None = None) -> None:
    """Bring the schema to the newest revision inside the caller's transaction.

    ``log_key_file``: where revision r0002 writes an older registry's log key when it moves
    it out of the database (``cybernorms.store.logkey``)."""
    config = _config()
    config.attributes["connection"] = conn
    config.attributes["log_key_file"] = log_key_file
    command.upgrade(config, "head")
