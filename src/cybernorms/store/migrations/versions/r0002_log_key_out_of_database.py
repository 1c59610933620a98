"""The log's private key leaves the database: drop ``log_key.private_seed``.

Why: whoever could read the database could sign checkpoints in the log's name (hostile review,
finding 8). An existing registry's seed is first written to the log key file (mode 0600; see
``cybernorms.store.logkey``), and the checkpoints it already signed start its journal; only
then is the column dropped, in the same transaction as the rest of the upgrade.

Revision ID: r0002
Revises: r0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

from cybernorms.log.note import NoteSigner
from cybernorms.store.logkey import (
    LOG_KEY_ENV_VAR,
    LogKeyUnavailable,
    journal_checkpoint,
    journal_path,
)
from cybernorms.trust.keys import SigningKey

revision: str = "r0002"
down_revision: str | None = "r0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    row = conn.execute(sa.text("SELECT name, private_seed, vkey FROM log_key")).one_or_none()
    if row is not None:
        _move_seed_out(conn, row.name, bytes(row.private_seed), row.vkey)
    with op.batch_alter_table("log_key") as batch:
        batch.drop_column("private_seed")


def _move_seed_out(conn: sa.Connection, name: str, seed: bytes, vkey: str) -> None:
    target = context.config.attributes.get("log_key_file")
    if target is None:
        raise LogKeyUnavailable(
            "this registry keeps its log key in the database; upgrading moves it to a file: "
            f"name one with --log-key-file or ${LOG_KEY_ENV_VAR}"
        )
    path = Path(target)
    key = SigningKey.from_seed(seed, name)
    if NoteSigner(name, key).vkey() != vkey:
        raise LogKeyUnavailable("the stored log key does not match its verifier key")
    if path.exists():
        existing = SigningKey.load(path)
        if existing.keyid != key.keyid:
            raise LogKeyUnavailable(f"{path} exists and holds another key; move it away")
    else:
        key.save(path)
    if not journal_path(path).exists():
        for size, note in conn.execute(sa.text("SELECT size, note FROM checkpoints ORDER BY size")):
            journal_checkpoint(path, size, note)


def downgrade() -> None:
    # The seed stays in its file: putting a private key back into the database is what this
    # revision exists to prevent. A downgraded registry can read, not sign.
    with op.batch_alter_table("log_key") as batch:
        batch.add_column(sa.Column("private_seed", sa.LargeBinary(), nullable=True))
