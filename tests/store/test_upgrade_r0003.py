"""A registry made before forum acts existed (schema r0002) upgrades to the head and keeps
verifying: every entry, record and checkpoint is untouched; afterwards it takes forum acts."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from forum.world import CONSENSUS, rules, secretariat
from sqlalchemy import insert

from cybernorms.store import Registry
from cybernorms.store.engine import create_store_engine, write_transaction
from cybernorms.store.logkey import create_log_key, key_path_for
from cybernorms.store.migrate import _config, current_revision, head_revision
from cybernorms.store.schema import HEAD_ID, LogHead

from .forum_log import SignedLog
from .world import NOW, World, snapshot


def _registry_at_r0002(url: str) -> Registry:
    engine = create_store_engine(url)
    key_path = key_path_for(url, None)
    with write_transaction(engine) as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, "r0002")
        conn.execute(insert(LogHead).values(id=HEAD_ID, origin="old.example/log", size=0))
        create_log_key(conn, "old.example/log", "2026-01-01T00:00:00Z", key_path)
    return Registry(engine, key_path)


def test_an_r0002_registry_upgrades_and_keeps_verifying(db_url: str, world: World) -> None:
    old = _registry_at_r0002(db_url)
    old.publish_root(world.signed_root("FRA", "12", 2, signers="12"), now=NOW)
    old.publish_profile(world.profile("FRA", 1, signers="12"), now=NOW)
    old.publish_position(world.position("FRA", signers="12"), now=NOW)
    old.checkpoint(now=NOW)
    with old.engine.connect() as conn:
        assert current_revision(conn) == "r0002"
    before = snapshot(old.engine)
    old.close()

    with Registry.init(db_url) as upgraded:
        with upgraded.engine.connect() as conn:
            assert current_revision(conn) == head_revision()
        after = snapshot(upgraded.engine)
        assert {
            k: v for k, v in after.items() if k not in ("acts", "decisions", "alembic_version")
        } == {k: v for k, v in before.items() if k != "alembic_version"}
        report = upgraded.verify_log()
        assert report.ok, report.problems
        log = SignedLog(upgraded, world)
        log.now = NOW + timedelta(minutes=5)
        log.by(secretariat("wg")).forum_new(
            forum="wg",
            name="WG",
            mandate="Norms",
            membership="open",
            decision_rules=rules(CONSENSUS),
        )
        assert upgraded.verify_log().ok
        assert [r.act.kind for r in upgraded.forum_records()] == ["forum_new"]
