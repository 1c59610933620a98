"""Group readings in the registry: ``positions.state`` holds ``group:NAME`` as well as ISO3.

A group's common reading (``position: group:AU``) is published under the group's own root,
named like the forum, depositary and recorder roots r0003 admitted; so ``positions.state``
widens from 3 to 120 characters, as ``roots.state`` did. Existing rows are untouched.

Revision ID: r0005
Revises: r0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cybernorms.store.migrations.sqlite_schema import edit_definitions

revision: str = "r0005"
down_revision: str | None = "r0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        edit_definitions(
            conn, revision, {"positions": (("state VARCHAR(3)", "state VARCHAR(120)"),)}
        )
    else:
        op.alter_column("positions", "state", type_=sa.String(120), existing_nullable=False)


def downgrade() -> None:
    """Refused where a group's reading is stored: its name does not fit three characters."""
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        edit_definitions(
            conn, revision, {"positions": (("state VARCHAR(120)", "state VARCHAR(3)"),)}
        )
    else:
        op.alter_column("positions", "state", type_=sa.String(3), existing_nullable=False)
