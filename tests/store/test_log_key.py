"""The log's private key is not in the database (issue 14, finding 8).

``init`` writes it to a file created mode 0600 beside a SQLite database (or where
``--log-key-file``/``$CYBERNORMS_LOG_KEY_FILE`` says; PostgreSQL needs that), the database holds
only the verifier key, and the SQLite file itself is created 0600. Signing commands refuse
clearly without the key file; reading commands do not need it. Migration r0002 moves the seed
of an older registry out of the database.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, create_engine, select, text

from cybernorms.log.checkpoint import open_checkpoint
from cybernorms.log.note import NoteVerifier
from cybernorms.store import NotInitialised, Registry
from cybernorms.store.logkey import LogKeyUnavailable, journal_path, key_path_for, read_journal
from cybernorms.store.migrate import _config
from cybernorms.trust.keys import SigningKey

from .world import World


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _every_value(engine: Engine) -> list[object]:
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return [
            v for table in meta.sorted_tables for row in conn.execute(select(table)) for v in row
        ]


def _private_forms(key: SigningKey) -> list[bytes]:
    seed = key._seed()
    return [seed, seed.hex().encode(), base64.b64encode(seed), base64.b64encode(seed)[:40]]


def test_init_writes_the_key_file_0600_and_the_database_0600(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    with Registry.init(url) as registry:
        assert registry.key_path == tmp_path / "registry.db.logkey"
    assert _mode(tmp_path / "registry.db") == 0o600
    assert _mode(tmp_path / "registry.db.logkey") == 0o600
    assert journal_path(tmp_path / "registry.db.logkey").exists()


def test_no_private_key_material_in_any_table(registry: Registry, fra: World) -> None:
    registry.publish_profile(fra.profile("FRA", 1, signers="12"))
    registry.checkpoint()
    assert registry.key_path is not None
    key = SigningKey.load(registry.key_path)
    forms = _private_forms(key)
    for value in _every_value(registry.engine):
        data = value if isinstance(value, bytes) else str(value).encode()
        assert not any(form in data for form in forms), "private key material in the database"
    with registry.engine.connect() as conn:
        columns = [row[1] for row in conn.execute(text("PRAGMA table_info(log_key)"))] if (
            registry.engine.dialect.name == "sqlite"
        ) else list(conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'log_key'"
        )).scalars())  # fmt: skip
    assert "private_seed" not in columns


def test_appends_still_sign_checkpoints_the_verifier_key_accepts(
    registry: Registry, fra: World
) -> None:
    registry.publish_profile(fra.profile("FRA", 1, signers="12"))
    stored = registry.checkpoint()
    verifier = NoteVerifier.from_vkey(registry.log_vkey())
    checkpoint, _ = open_checkpoint(stored.note, [verifier], origin=verifier.name)
    assert checkpoint.size == 2
    report = registry.verify_log()
    assert report.ok and report.journalled == 1


def test_without_the_key_file_signing_is_refused_and_reading_works(
    registry: Registry, fra: World
) -> None:
    registry.publish_profile(fra.profile("FRA", 1, signers="12"))
    registry.checkpoint()
    assert registry.key_path is not None
    registry.key_path.rename(registry.key_path.with_name("elsewhere.key"))
    registry.publish_profile(fra.profile("FRA", 2, signers="12"))  # appending needs no key
    with pytest.raises(LogKeyUnavailable, match="is missing"):
        registry.checkpoint()
    with pytest.raises(LogKeyUnavailable):
        registry.receipt(2)  # needs a new checkpoint
    assert registry.profile("FRA").profile.version == 2
    assert registry.receipt(1).checkpoint_size == 2  # under the existing checkpoint
    assert registry.verify_log().ok


def test_a_key_file_of_another_log_is_refused(tmp_path: Path) -> None:
    Registry.init(f"sqlite:///{tmp_path / 'a.db'}").close()
    Registry.init(f"sqlite:///{tmp_path / 'b.db'}").close()
    with (
        Registry.open(
            f"sqlite:///{tmp_path / 'a.db'}", log_key_file=tmp_path / "b.db.logkey"
        ) as registry,
        pytest.raises(LogKeyUnavailable, match="not the signing key of this log"),
    ):
        registry.require_signer()


def test_a_key_file_others_can_read_is_refused(registry: Registry) -> None:
    assert registry.key_path is not None
    os.chmod(registry.key_path, 0o644)
    with pytest.raises(LogKeyUnavailable, match="chmod 600"):
        registry.require_signer()


def test_init_never_reuses_an_existing_key_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    Registry.init(f"sqlite:///{tmp_path / 'a.db'}").close()
    with pytest.raises(LogKeyUnavailable, match="a new log needs a new key"):
        Registry.init(f"sqlite:///{tmp_path / 'b.db'}", log_key_file=tmp_path / "a.db.logkey")
    assert not (tmp_path / "b.db").exists()


def test_postgresql_needs_an_explicit_key_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CYBERNORMS_LOG_KEY_FILE", raising=False)
    assert key_path_for("postgresql+psycopg://u@h/db") is None
    assert key_path_for("postgresql+psycopg://u@h/db", "/k") == Path("/k")
    monkeypatch.setenv("CYBERNORMS_LOG_KEY_FILE", "/env.key")
    assert key_path_for("sqlite:///r.db") == Path("/env.key")


@pytest.mark.postgres
def test_postgresql_init_without_a_key_path_is_refused(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .databases import fresh_postgres_database

    monkeypatch.delenv("CYBERNORMS_LOG_KEY_FILE", raising=False)
    with fresh_postgres_database(pg_url) as url, pytest.raises(LogKeyUnavailable):
        Registry.init(url)


def test_opening_a_missing_sqlite_file_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(NotInitialised):
        Registry.open(f"sqlite:///{tmp_path / 'none.db'}")
    assert list(tmp_path.iterdir()) == []


def test_migration_moves_an_old_seed_out_of_the_database(tmp_path: Path, world: World) -> None:
    """A registry made by the first schema (seed in ``log_key.private_seed``) is upgraded by
    ``init``: the seed goes to the key file, its checkpoints start the journal, the column
    goes, and the same key keeps signing."""
    from cybernorms.log.checkpoint import Checkpoint, sign_checkpoint
    from cybernorms.log.note import NoteSigner

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    seed = bytes(range(32))
    signer = NoteSigner("cybernorms.local/log", seed)
    with engine.begin() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, "r0001")
        conn.execute(text("INSERT INTO log_head (id, origin, size) VALUES (1, :o, 0)"),
                     {"o": "cybernorms.local/log"})  # fmt: skip
        conn.execute(
            text("INSERT INTO log_key (id, name, private_seed, vkey, created_at) "
                 "VALUES (1, :n, :s, :v, '2026-01-01T00:00:00Z')"),
            {"n": "cybernorms.local/log", "s": seed, "v": signer.vkey()},
        )  # fmt: skip
        empty_root = hashlib.sha256(b"").digest()  # RFC 9162: the root of the empty tree
        empty = sign_checkpoint(Checkpoint("cybernorms.local/log", 0, empty_root), [signer])
        conn.execute(
            text("INSERT INTO checkpoints (size, root_hash, note, created_at) "
                 "VALUES (0, :r, :n, '2026-01-01T00:00:00Z')"),
            {"r": empty_root, "n": empty},
        )  # fmt: skip
    engine.dispose()

    with Registry.init(url) as registry:
        assert registry.log_vkey() == signer.vkey()
        assert SigningKey.load(tmp_path / "old.db.logkey")._seed() == seed
        assert _mode(tmp_path / "old.db.logkey") == 0o600
        assert read_journal(tmp_path / "old.db.logkey") == [(0, empty)]
        for value in _every_value(registry.engine):
            assert value != seed
        registry.publish_root(world.signed_root("FRA", "12", 2, signers="12"))
        registry.checkpoint()
        report = registry.verify_log()
        assert report.ok, report.problems
        assert report.journalled == 2  # the moved one and the new one


def test_init_narrows_an_older_registry_file_to_0600(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    Registry.init(url).close()
    os.chmod(tmp_path / "registry.db", 0o644)
    Registry.init(url).close()
    assert _mode(tmp_path / "registry.db") == 0o600
