"""Attacks on the record itself: someone with write access to the database alters, truncates or
forks the log. ``verify_log`` (``cybernorms log verify``) and ``consistency`` (``cybernorms log
consistency``) must notice, naming what they found.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text

from cybernorms.log.hashing import leaf_hash
from cybernorms.store import LogIntegrityError, Registry
from cybernorms.store.schema import Base

from .world import World


def _execute(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql), params)


def _publish_some(registry: Registry, world: World, versions: range) -> None:
    for version in versions:
        registry.publish_profile(world.profile("FRA", version, signers="12"))


def _problems(registry: Registry) -> str:
    report = registry.verify_log()
    assert not report.ok, "the audit found nothing"
    return "\n".join(report.problems)


def test_an_intact_log_passes_the_audit(registry: Registry, fra: World) -> None:
    _publish_some(registry, fra, range(1, 4))
    registry.publish_package(fra.package("pkg", "1.0.0", state="FRA", signers="12"), "FRA")
    registry.publish_position(fra.position("FRA", signers="12"))
    registry.checkpoint()
    report = registry.verify_log()
    assert report.ok, report.problems
    assert report.size == 6
    assert report.records == {
        "root": 1,
        "profile": 3,
        "package": 1,
        "position": 1,
        "act": 0,
        "decision": 0,
    }


def test_a_log_entry_altered_in_the_database_is_detected(registry: Registry, fra: World) -> None:
    _publish_some(registry, fra, range(1, 3))
    registry.checkpoint()
    with registry.engine.connect() as conn:
        data = conn.execute(text("SELECT entry FROM log_entries WHERE idx = 1")).scalar_one()
    altered = bytes(data).replace(b'"version":1', b'"version":7')
    assert altered != bytes(data)
    _execute(registry.engine, "UPDATE log_entries SET entry = :e WHERE idx = 1", e=altered)
    problems = _problems(registry)
    assert "log entry 1: bytes do not hash to the stored leaf hash" in problems


def test_an_entry_rewritten_with_a_matching_leaf_hash_is_detected(
    registry: Registry, fra: World
) -> None:
    # A careful forger also fixes the leaf hash and the indexed column: the stored tree and the
    # signed checkpoint still commit to the old entry.
    _publish_some(registry, fra, range(1, 3))
    registry.checkpoint()
    with registry.engine.connect() as conn:
        data = conn.execute(text("SELECT entry FROM log_entries WHERE idx = 1")).scalar_one()
    altered = bytes(data).replace(b'"version":1', b'"version":7')
    _execute(
        registry.engine,
        "UPDATE log_entries SET entry = :e, leaf_hash = :h, version = '7' WHERE idx = 1",
        e=altered,
        h=leaf_hash(altered),
    )
    problems = _problems(registry)
    assert "tree node (0, 1) differs from the hash of its entries" in problems
    assert "checkpoint at size 3: its root differs from the root recomputed" in problems
    assert "profile record of log entry 1" not in problems or "does not match" in problems


def test_an_altered_tree_node_is_detected(registry: Registry, fra: World) -> None:
    _publish_some(registry, fra, range(1, 4))
    _execute(
        registry.engine, "UPDATE tree_nodes SET hash = :h WHERE level = 1 AND idx = 0", h=b"\0" * 32
    )
    assert "tree node (1, 0) differs" in _problems(registry)


def test_a_record_swapped_for_another_signed_version_is_detected(
    registry: Registry, fra: World
) -> None:
    # v1's row now carries v2's (validly signed) envelope: the record no longer matches its
    # log entry, and reading it refuses rather than serving the wrong version.
    _publish_some(registry, fra, range(1, 3))
    _execute(
        registry.engine,
        "UPDATE profiles SET envelope = (SELECT envelope FROM profiles WHERE version = 2), "
        "digest = (SELECT digest FROM profiles WHERE version = 2) WHERE version = 1",
    )
    assert "profile record of log entry 1 does not match the entry" in _problems(registry)
    with pytest.raises(LogIntegrityError, match="record does not match log entry 1"):
        registry.profile("FRA", 1)


def test_a_record_deleted_outside_the_registry_is_detected(registry: Registry, fra: World) -> None:
    _publish_some(registry, fra, range(1, 3))
    _execute(registry.engine, "DELETE FROM profiles WHERE version = 2")
    assert "log entry 2 (profile) has no record" in _problems(registry)


def _truncate(registry: Registry, size: int) -> None:
    """Cut the log back to ``size`` entries, removing records, entries and nodes past it."""
    for table in ("profiles", "packages", "positions", "roots"):
        _execute(registry.engine, f"DELETE FROM {table} WHERE log_index >= :n", n=size)
    _execute(registry.engine, "DELETE FROM log_entries WHERE idx >= :n", n=size)
    with registry.engine.begin() as conn:
        for level in range(8):
            conn.execute(
                text("DELETE FROM tree_nodes WHERE level = :l AND (idx + 1) * :w > :n"),
                {"l": level, "w": 1 << level, "n": size},
            )
        conn.execute(text("UPDATE log_head SET size = :n"), {"n": size})


def test_a_truncated_log_is_detected(registry: Registry, fra: World) -> None:
    _publish_some(registry, fra, range(1, 5))
    old = registry.checkpoint()
    assert old.checkpoint.size == 5
    _truncate(registry, 3)
    assert "checkpoint at size 5: it saw 5 entries, the log now has 3: the log was truncated" in (
        _problems(registry)
    )
    with pytest.raises(LogIntegrityError, match="the log was truncated"):
        registry.consistency(old.note)


def test_a_truncated_log_cannot_hide_by_dropping_its_checkpoints(
    registry: Registry, fra: World
) -> None:
    # Whoever can write the database also deletes the checkpoints: the journal the log keeps
    # beside its key still holds every checkpoint it signed, and so does whoever kept one.
    _publish_some(registry, fra, range(1, 5))
    old = registry.checkpoint()
    _truncate(registry, 3)
    _execute(registry.engine, "DELETE FROM checkpoints")
    assert (
        "journalled checkpoint at size 5: it saw 5 entries, the log now has 3: "
        "the log was truncated" in _problems(registry)
    )
    with pytest.raises(LogIntegrityError, match="truncated"):
        registry.consistency(old.note)


def test_the_last_entry_truncated_with_head_nodes_and_checkpoints_fixed_up_fails_the_audit(
    registry: Registry, fra: World
) -> None:
    # The hostile review's reproduction (finding 7): drop the last entry only.
    _publish_some(registry, fra, range(1, 3))
    registry.checkpoint()
    _truncate(registry, 2)
    _execute(registry.engine, "DELETE FROM checkpoints WHERE size > 2")
    report = registry.verify_log()
    assert not report.ok and report.journalled == 1
    assert "the log was truncated" in "\n".join(report.problems)


def test_a_journalled_checkpoint_of_a_rewritten_log_fails_the_audit(
    registry: Registry, fra: World
) -> None:
    _publish_some(registry, fra, range(1, 3))
    registry.checkpoint()
    _truncate(registry, 2)
    _execute(registry.engine, "DELETE FROM checkpoints")
    registry.publish_profile(fra.profile("FRA", 2, signers="12", sectors=("water",)))
    assert "journalled checkpoint at size 3: its root differs" in _problems(registry)


def test_a_rewritten_log_fails_consistency_with_an_old_checkpoint(
    registry: Registry, fra: World
) -> None:
    _publish_some(registry, fra, range(1, 4))
    old = registry.checkpoint()
    _truncate(registry, 2)
    _execute(registry.engine, "DELETE FROM checkpoints")
    # History rewritten: a different v2 and v3 take the place of the logged ones.
    registry.publish_profile(fra.profile("FRA", 2, signers="12", sectors=("water",)))
    registry.publish_profile(fra.profile("FRA", 3, signers="12", sectors=("water",)))
    registry.publish_profile(fra.profile("FRA", 4, signers="12"))
    with pytest.raises(LogIntegrityError, match="not consistent with the checkpoint at size 4"):
        registry.consistency(old.note)


def _clone(source: Registry, url: str, key_copy: Path) -> Registry:
    """A byte-for-byte copy of a registry and of its log key file: where a fork starts."""
    copy = Registry.init(url, log_key_file=key_copy.with_name("unused.logkey"))
    with copy.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    with source.engine.connect() as src, copy.engine.begin() as dst:
        for table in Base.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in src.execute(select(table))]
            if rows:
                dst.execute(insert(table), rows)
    copy.close()
    assert source.key_path is not None
    shutil.copy2(source.key_path, key_copy)
    return Registry.open(url, log_key_file=key_copy)


def test_a_checkpoint_from_a_forked_log_fails_consistency(
    registry: Registry, fra: World, tmp_path: Path
) -> None:
    _publish_some(registry, fra, range(1, 3))
    registry.checkpoint()
    with _clone(registry, f"sqlite:///{tmp_path / 'fork.db'}", tmp_path / "fork.key") as fork:
        # Same key, same first 3 entries; then the two copies diverge.
        fork.publish_profile(fra.profile("FRA", 3, signers="12", sectors=("water",)))
        forked = fork.checkpoint()
        assert forked.checkpoint.size == 4
    registry.publish_profile(fra.profile("FRA", 3, signers="12"))
    registry.publish_profile(fra.profile("FRA", 4, signers="12"))
    with pytest.raises(LogIntegrityError, match="checkpoint is from a fork"):
        registry.consistency(forked.note)


def test_a_checkpoint_of_another_log_is_refused(
    registry: Registry, fra: World, tmp_path: Path
) -> None:
    _publish_some(registry, fra, range(1, 2))
    other_db = f"sqlite:///{tmp_path / 'other.db'}"
    with Registry.init(other_db, log_key_file=tmp_path / "other.logkey") as other:
        other.publish_root(fra.signed_root("FRA", "123", 2, signers="12"))
        foreign = other.checkpoint()
    with pytest.raises(LogIntegrityError, match="not one of this log"):
        registry.consistency(foreign.note)


def test_consistency_with_an_older_checkpoint_of_the_same_log(
    registry: Registry, fra: World
) -> None:
    _publish_some(registry, fra, range(1, 3))
    old = registry.checkpoint()
    _publish_some(registry, fra, range(3, 9))
    result = registry.consistency(old.note)
    assert (result.old_size, result.new.checkpoint.size) == (3, 9)
    assert result.proof


def test_the_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    Registry.init(url).close()
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    engine.dispose()
