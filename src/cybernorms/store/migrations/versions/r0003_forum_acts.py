"""Forum and treaty acts on the log; roots for forums, depositaries and recorders.

Issue 9: every forum act is a signed document on the log (entry kind ``act``, table ``acts``),
and a forum's secretariat, a treaty's depositary and a recorder of public sources hold roots of
their own, named ``forum:<id>``, ``depositary:<id>``, ``recorder:<id>``; so ``roots.state`` and
``log_entries.state`` widen from 3 to 120 characters and ``log_entries.kind`` admits ``act``.
Existing rows are untouched (every entry and record keeps its bytes, so every leaf hash and
checkpoint still verifies).

On SQLite neither change alters how rows are stored, so the table definitions are edited in
place (``migrations.sqlite_schema``: why, and how).

Revision ID: r0003
Revises: r0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cybernorms.store.migrations.sqlite_schema import edit_definitions

revision: str = "r0003"
down_revision: str | None = "r0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LogIndex = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_OLD_KINDS = "kind IN ('root', 'profile', 'package', 'position')"
_NEW_KINDS = "kind IN ('root', 'profile', 'package', 'position', 'act')"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _edit_sqlite_schema(conn)
    else:
        op.drop_constraint(op.f("ck_log_entries_kind"), "log_entries", type_="check")
        op.create_check_constraint(op.f("ck_log_entries_kind"), "log_entries", _NEW_KINDS)
        op.alter_column("log_entries", "state", type_=sa.String(120), existing_nullable=True)
        op.alter_column("roots", "state", type_=sa.String(120), existing_nullable=False)
    op.create_table(
        "acts",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("signer", sa.String(120), nullable=False),
        sa.Column("root_version", sa.Integer(), nullable=False),
        sa.Column("act", sa.String(32), nullable=False),
        sa.Column("forum", sa.String(100), nullable=True),
        sa.Column("package", sa.String(200), nullable=True),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("log_index", LogIndex, nullable=False),
        sa.ForeignKeyConstraint(
            ["log_index"], ["log_entries.idx"], name=op.f("fk_acts_log_index_log_entries")
        ),
        sa.ForeignKeyConstraint(
            ["signer", "root_version"], ["roots.state", "roots.version"], name="fk_acts_root"
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_acts")),
        sa.UniqueConstraint("log_index", name=op.f("uq_acts_log_index")),
    )


def _edit_sqlite_schema(conn: sa.Connection) -> None:
    edit_definitions(
        conn,
        revision,
        {
            "log_entries": ((_OLD_KINDS, _NEW_KINDS), ("state VARCHAR(3)", "state VARCHAR(120)")),
            "roots": (("state VARCHAR(3)", "state VARCHAR(120)"),),
        },
    )


def downgrade() -> None:
    op.drop_table("acts")
