"""Edit a SQLite table's definition in place, for changes that do not alter stored rows.

SQLite cannot alter a CHECK constraint or a column type in place, and its usual way (copy the
table, drop the old one) is refused while foreign keys point at ``log_entries`` inside a
migration's transaction. A wider VARCHAR (SQLite ignores the length) or a CHECK that admits
one more value changes no stored row, so the definition text in ``sqlite_master`` is edited
as SQLite's documentation describes for such changes (``PRAGMA writable_schema``, then the
schema version incremented). Every entry keeps its bytes, so every leaf hash and checkpoint
still verifies. One place for the revisions that need it (r0003, r0004, r0005).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa


def edit_definitions(
    conn: sa.Connection, revision: str, edits: Mapping[str, Sequence[tuple[str, str]]]
) -> None:
    """Replace, in each table's definition, each ``old`` text by ``new``; each ``old`` must
    occur exactly once (anything else means the database is not the schema this revision
    upgrades: refused, nothing changed)."""
    planned: dict[str, str] = {}
    for table, replacements in edits.items():
        sql = conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
            {"t": table},
        ).scalar_one()
        for old, new in replacements:
            if sql.count(old) != 1:
                raise RuntimeError(f"{revision}: {table} does not read {old!r} exactly once")
            sql = sql.replace(old, new)
        planned[table] = sql
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema=ON")
    try:
        for table, sql in planned.items():
            conn.execute(
                sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
                {"sql": sql, "t": table},
            )
        conn.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema=OFF")
