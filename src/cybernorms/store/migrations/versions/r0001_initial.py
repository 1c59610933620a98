"""The registry's first schema: log (head, key, entries, tree nodes, checkpoints) and records.

Revision ID: r0001
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "r0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LogIndex = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "log_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("size", LogIndex, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_log_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_head")),
    )
    op.create_table(
        "log_key",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("private_seed", sa.LargeBinary(), nullable=False),
        sa.Column("vkey", sa.String(400), nullable=False),
        sa.Column("created_at", sa.String(20), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_log_key_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_key")),
    )
    op.create_table(
        "log_entries",
        sa.Column("idx", LogIndex, autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(3), nullable=True),
        sa.Column("version", sa.String(64), nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(), nullable=False),
        sa.Column("entry", sa.LargeBinary(), nullable=False),
        sa.Column("logged_at", sa.String(20), nullable=False),
        sa.CheckConstraint(
            "kind IN ('root', 'profile', 'package', 'position')", name=op.f("ck_log_entries_kind")
        ),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_log_entries")),
    )
    op.create_index(op.f("ix_log_entries_digest"), "log_entries", ["digest"])
    op.create_table(
        "tree_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", LogIndex, autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_tree_nodes")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "checkpoints",
        sa.Column("size", LogIndex, autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_checkpoints")),
    )
    op.create_table(
        "roots",
        sa.Column("state", sa.String(3), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("expires", sa.String(20), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("log_index", LogIndex, nullable=False),
        sa.ForeignKeyConstraint(
            ["log_index"], ["log_entries.idx"], name=op.f("fk_roots_log_index_log_entries")
        ),
        sa.PrimaryKeyConstraint("state", "version", name=op.f("pk_roots")),
        sa.UniqueConstraint("log_index", name=op.f("uq_roots_log_index")),
    )
    op.create_table(
        "profiles",
        sa.Column("state", sa.String(3), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("root_version", sa.Integer(), nullable=False),
        sa.Column("log_index", LogIndex, nullable=False),
        sa.ForeignKeyConstraint(
            ["log_index"], ["log_entries.idx"], name=op.f("fk_profiles_log_index_log_entries")
        ),
        sa.ForeignKeyConstraint(
            ["state", "root_version"], ["roots.state", "roots.version"], name="fk_profiles_root"
        ),
        sa.PrimaryKeyConstraint("state", "version", name=op.f("pk_profiles")),
        sa.UniqueConstraint("log_index", name=op.f("uq_profiles_log_index")),
    )
    op.create_table(
        "packages",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("publisher", sa.String(3), nullable=False),
        sa.Column("root_version", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("log_index", LogIndex, nullable=False),
        sa.ForeignKeyConstraint(
            ["log_index"], ["log_entries.idx"], name=op.f("fk_packages_log_index_log_entries")
        ),
        sa.ForeignKeyConstraint(
            ["publisher", "root_version"], ["roots.state", "roots.version"], name="fk_packages_root"
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_packages")),
        sa.UniqueConstraint("log_index", name=op.f("uq_packages_log_index")),
        sa.UniqueConstraint("name", "version", name="uq_packages_name_version"),
    )
    op.create_table(
        "positions",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("state", sa.String(3), nullable=False),
        sa.Column("package", sa.String(200), nullable=False),
        sa.Column("root_version", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("log_index", LogIndex, nullable=False),
        sa.ForeignKeyConstraint(
            ["log_index"], ["log_entries.idx"], name=op.f("fk_positions_log_index_log_entries")
        ),
        sa.ForeignKeyConstraint(
            ["state", "root_version"], ["roots.state", "roots.version"], name="fk_positions_root"
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_positions")),
        sa.UniqueConstraint("log_index", name=op.f("uq_positions_log_index")),
    )


def downgrade() -> None:
    for table in (
        "positions",
        "packages",
        "profiles",
        "roots",
        "checkpoints",
        "tree_nodes",
        "log_entries",
        "log_key",
        "log_head",
    ):
        op.drop_table(table)
