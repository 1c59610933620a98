"""Evaluation decisions on the log (issue 10): entry kind ``decision``, table ``decisions``.

On SQLite, ``log_entries``' CHECK constraint is edited in place as in r0003
(``migrations.sqlite_schema``: rows are untouched, so every leaf hash and checkpoint still
verifies).

Revision ID: r0004
Revises: r0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cybernorms.store.migrations.sqlite_schema import edit_definitions

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
    edit_definitions(conn, revision, {"log_entries": ((_OLD_KINDS, _NEW_KINDS),)})


def downgrade() -> None:
    op.drop_table("decisions")
