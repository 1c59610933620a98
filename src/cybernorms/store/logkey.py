"""The log's own Ed25519 key, which signs checkpoints (C2SP signed notes).

Where it lives, and why: in the database, table ``log_key``, created by ``cybernorms init``.
A registry is then one self-contained unit on SQLite and PostgreSQL alike: every process that
appends or checkpoints (CLI, server, tests) finds the key where it finds the log, and a backup
or restore can never separate the two. The cost is plain: whoever can write the database can
sign checkpoints. That does not let them rewrite history unnoticed, because what protects the
log is the checkpoints *others already hold*: a rewritten log cannot prove consistency with
them (``cybernorms log consistency``). States' signing keys never enter the registry; only
their public keys do, in their roots.

The public half is published as a verifier key (``name+id+base64``, ``cybernorms log key``)
for offline verification; it is stored beside the seed so readers never need the secret.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, insert, select

from cybernorms.log.note import NoteSigner, NoteVerifier
from cybernorms.store.errors import NotInitialised
from cybernorms.store.schema import LogKey
from cybernorms.trust.keys import SigningKey

_KEY_ID = 1


def create_log_key(conn: Connection, name: str, created_at: str) -> NoteSigner:
    """Generate the log key named ``name`` (the log's origin) and store it."""
    seed = secrets.token_bytes(32)  # an Ed25519 private key is 32 random bytes (RFC 8032)
    signer = NoteSigner(name, SigningKey.from_seed(seed, name))
    conn.execute(
        insert(LogKey).values(
            id=_KEY_ID, name=name, private_seed=seed, vkey=signer.vkey(), created_at=created_at
        )
    )
    return signer


def load_signer(conn: Connection) -> NoteSigner:
    row = conn.execute(
        select(LogKey.name, LogKey.private_seed).where(LogKey.id == _KEY_ID)
    ).one_or_none()
    if row is None:
        raise NotInitialised("the registry has no log key; run `cybernorms init`")
    return NoteSigner(row.name, bytes(row.private_seed))


def load_vkey(conn: Connection) -> str:
    """The log's verifier key text, ``name+hexid+base64(0x01 || public key)``."""
    vkey = conn.execute(select(LogKey.vkey).where(LogKey.id == _KEY_ID)).scalar_one_or_none()
    if vkey is None:
        raise NotInitialised("the registry has no log key; run `cybernorms init`")
    return vkey


def load_verifier(conn: Connection) -> NoteVerifier:
    return NoteVerifier.from_vkey(load_vkey(conn))
