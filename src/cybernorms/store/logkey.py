"""The log's own Ed25519 key, which signs checkpoints (C2SP signed notes), kept OUT of the
database.

Why a file and not a table: anyone who can read the database (a PostgreSQL role with SELECT, a
backup, a replica) could otherwise sign checkpoints in the log's name. The private key lives in
a file created mode 0600 (``SigningKey.save``; a key file others can read is refused on load);
the database holds only the verifier key (``name+id+base64``), which readers and offline
verifiers need. Where the file is:

* given explicitly (``--log-key-file``, or ``$CYBERNORMS_LOG_KEY_FILE``); else
* for a SQLite file ``registry.db``, beside it: ``registry.db.logkey``;
* a PostgreSQL registry has no "beside": it needs the path given explicitly.

Only commands that sign a checkpoint need the file; a missing file refuses them
(``LogKeyUnavailable``) and leaves every read-only command working.

Beside the key, the log keeps a **journal of every checkpoint it signed**
(``<key file>.checkpoints``, one JSON line each). The database keeps them too, but whoever
can write the database can delete rows: a log truncated together with its newer checkpoints
would look whole. ``log verify`` checks the tree against every journalled checkpoint, so such
a truncation or rewrite is found as long as the journal, which lives with the key, is intact.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from sqlalchemy import Connection, insert, select
from sqlalchemy.engine import make_url

from cybernorms.log.note import NoteSigner, NoteVerifier
from cybernorms.store.errors import NotInitialised, StoreError
from cybernorms.store.schema import LogKey
from cybernorms.trust.errors import TrustError
from cybernorms.trust.keys import SigningKey

LOG_KEY_ENV_VAR = "CYBERNORMS_LOG_KEY_FILE"
KEY_SUFFIX = ".logkey"
JOURNAL_SUFFIX = ".checkpoints"
_KEY_ID = 1


class LogKeyUnavailable(StoreError):
    """The log's private key file is missing, unreadable, or not this log's key."""


def key_path_for(url: str, explicit: Path | str | None = None) -> Path | None:
    """Where the log key of the registry at ``url`` (a resolved URL) is: module docstring.

    ``None`` when nothing says where (PostgreSQL without a path, in-memory SQLite)."""
    chosen = explicit or os.environ.get(LOG_KEY_ENV_VAR)
    if chosen:
        return Path(chosen)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database + KEY_SUFFIX)
    return None


def journal_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + JOURNAL_SUFFIX)


def _require_path(key_path: Path | None) -> Path:
    if key_path is None:
        raise LogKeyUnavailable(
            "no log key file for this registry: a PostgreSQL registry keeps the log's signing "
            f"key in a file you name with --log-key-file or ${LOG_KEY_ENV_VAR}"
        )
    return key_path


def create_log_key(conn: Connection, name: str, created_at: str, key_path: Path | None) -> Path:
    """Generate the log key named ``name`` (the log's origin): the private key to
    ``key_path`` (mode 0600, never over an existing file), the verifier key to the database.

    An empty checkpoint journal is created beside it, so that a journal missing later was
    removed. Returns the key's path; the caller removes it (and the journal) if its
    transaction does not commit."""
    path = _require_path(key_path)
    if path.exists():
        raise LogKeyUnavailable(
            f"{path} already exists: a new log needs a new key (one key signing two logs of "
            f"one name could sign two inconsistent checkpoints); move the old file away"
        )
    seed = secrets.token_bytes(32)  # an Ed25519 private key is 32 random bytes (RFC 8032)
    key = SigningKey.from_seed(seed, name)
    signer = NoteSigner(name, key)
    try:
        key.save(path)
    except (OSError, TrustError) as exc:
        raise LogKeyUnavailable(f"cannot write the log key file {path}: {exc}") from exc
    conn.execute(insert(LogKey).values(id=_KEY_ID, name=name, vkey=signer.vkey(),
                                       created_at=created_at))  # fmt: skip
    os.close(os.open(journal_path(path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    return path


def load_signer(conn: Connection, key_path: Path | None) -> NoteSigner:
    """The log's signer from its key file, checked against the verifier key in the database."""
    row = conn.execute(select(LogKey.name, LogKey.vkey).where(LogKey.id == _KEY_ID)).one_or_none()
    if row is None:
        raise NotInitialised("the registry has no log key; run `cybernorms init`")
    path = _require_path(key_path)
    if not path.exists():
        raise LogKeyUnavailable(
            f"the log's signing key file {path} is missing: commands that sign checkpoints "
            f"need it (give its path with --log-key-file or ${LOG_KEY_ENV_VAR}); read-only "
            f"commands work without it"
        )
    try:
        signer = NoteSigner(row.name, SigningKey.load(path))
    except TrustError as exc:
        raise LogKeyUnavailable(f"the log's signing key: {exc}") from exc
    if signer.vkey() != row.vkey:
        raise LogKeyUnavailable(
            f"{path} is not the signing key of this log (its verifier key differs from the "
            f"one the registry publishes)"
        )
    return signer


def load_vkey(conn: Connection) -> str:
    """The log's verifier key text, ``name+hexid+base64(0x01 || public key)``."""
    vkey = conn.execute(select(LogKey.vkey).where(LogKey.id == _KEY_ID)).scalar_one_or_none()
    if vkey is None:
        raise NotInitialised("the registry has no log key; run `cybernorms init`")
    return vkey


def load_verifier(conn: Connection) -> NoteVerifier:
    return NoteVerifier.from_vkey(load_vkey(conn))


def journal_checkpoint(key_path: Path, size: int, note: str) -> None:
    """Append a checkpoint the log just signed to its journal, durably (module docstring)."""
    line = json.dumps({"size": size, "note": note}, ensure_ascii=True) + "\n"
    fd = os.open(journal_path(key_path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_journal(key_path: Path | None) -> list[tuple[int, str]] | None:
    """(size, signed note) of every journalled checkpoint; ``None`` if there is no journal.

    A line that does not parse is returned as size -1 with its text, for the audit to report
    (a damaged journal is a finding, not a crash)."""
    if key_path is None:
        return None
    path = journal_path(key_path)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LogKeyUnavailable(f"cannot read the checkpoint journal {path}: {exc}") from exc
    out: list[tuple[int, str]] = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
            size, note = record["size"], record["note"]
            if type(size) is not int or not isinstance(note, str):
                raise ValueError(line)
        except (ValueError, KeyError, TypeError, RecursionError):
            out.append((-1, line[:80]))
            continue
        out.append((size, note))
    return out
