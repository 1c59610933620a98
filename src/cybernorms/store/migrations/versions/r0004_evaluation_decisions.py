"""Evaluation decisions on the log (issue 10): entry kind ``decision``, table ``decisions``.

The same in-place edit of ``log_entries``' CHECK constraint on SQLite as r0003 (see its
docstring: rows are untouched, so every leaf hash and checkpoint still verifies).

Revision ID: r0004
Revises: r0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "r0004"
down_revision: str | None = "r0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LogIndex = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_OLD_KINDS = "kind IN ('root', 'profile', 'package', 'position', 'act')"
_NEW_KINDS = "kind IN ('root', 'profile', 'package', 'position', 'act', 'decision')"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _edit_sqlite_check(conn)
    else:
        op.drop_constraint(op.f("ck_log_entries_kind"), "log_entries", type_="check")
        op.create_check_constraint(op.f("ck_log_entries_kind"), "log_entries", _NEW_KINDS)
    op.create_table(
        "decisions",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("decision_id", sa.String(64), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("log_index", LogIndex, nullable=False),
        sa.ForeignKeyConstraint(
            ["log_index"], ["log_entries.idx"], name=op.f("fk_decisions_log_index_log_entries")
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_decisions")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_decisions_decision_id")),
        sa.UniqueConstraint("log_index", name=op.f("uq_decisions_log_index")),
    )


def _edit_sqlite_check(conn: sa.Connection) -> None:
    sql = conn.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'log_entries'")
    ).scalar_one()
    if sql.count(_OLD_KINDS) != 1:
        raise RuntimeError(f"r0004: log_entries does not read {_OLD_KINDS!r} exactly once")
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema=ON")
    try:
        conn.execute(
            sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
            {"sql": sql.replace(_OLD_KINDS, _NEW_KINDS), "t": "log_entries"},
        )
        conn.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema=OFF")


def downgrade() -> None:
    op.drop_table("decisions")
