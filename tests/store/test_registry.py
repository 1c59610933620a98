"""What the registry holds and how it is read back: schema, profiles by version and date,
content-addressed packages and positions, and the function the evaluation core calls."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from cybernorms.store import (
    AlreadyPublished,
    NotFound,
    NotInitialised,
    Registry,
    StoreError,
    profiles_as_of,
    resolve_url,
)
from cybernorms.store.schema import Base
from cybernorms.trust import UnknownKey

from .world import World


def test_the_migrations_create_exactly_the_modelled_schema(registry: Registry) -> None:
    with registry.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_init_is_idempotent_and_keeps_the_log_key(db_url: str) -> None:
    with Registry.init(db_url) as first:
        vkey = first.log_vkey()
    with Registry.init(db_url) as again:
        assert again.log_vkey() == vkey
        assert again.head().size == 0


def test_opening_a_database_without_a_registry_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotInitialised, match="run `cybernorms init` first"):
        Registry.open(f"sqlite:///{tmp_path / 'empty.db'}")


def test_urls_are_resolved_and_unsupported_ones_refused() -> None:
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        resolve_url("mysql://u@h/db")


def test_every_profile_version_is_kept(registry: Registry, fra: World) -> None:
    for version in (1, 2, 5):
        registry.publish_profile(fra.profile("FRA", version, signers="12"))
    assert [p.profile.version for p in registry.profile_history("FRA")] == [1, 2, 5]
    assert registry.profile("FRA").profile.version == 5
    assert registry.profile("FRA", 2).profile.version == 2
    with pytest.raises(NotFound, match="version 3"):
        registry.profile("FRA", 3)


def test_profiles_in_force_on_a_date(registry: Registry, fra: World) -> None:
    registry.publish_profile(
        fra.profile("FRA", 1, signers="12", effective_from=dt.date(2019, 1, 1))
    )
    registry.publish_profile(
        fra.profile(
            "FRA",
            2,
            signers="12",
            effective_from=dt.date(2021, 1, 1),
            expires=dt.date(2090, 1, 1),
            sectors=("water",),
        )
    )
    on = registry.profiles_as_of
    assert on(dt.date(2018, 12, 31)) == {}
    assert on(dt.date(2020, 6, 1))["FRA"].profile.version == 1
    assert on(dt.date(2021, 1, 1))["FRA"].profile.version == 2
    assert on(dt.date(2090, 1, 1))["FRA"].profile.version == 1  # v2 expired; v1 open-ended


def test_profiles_as_of_gives_the_evaluation_core_model_profiles(db_url: str, world: World) -> None:
    with Registry.init(db_url) as registry:
        for state in ("FRA", "UKR"):
            registry.publish_root(world.signed_root(state, "1", 1, signers="1"))
            registry.publish_profile(world.profile(state, 1, signers="1"))
        registry.publish_profile(
            world.profile("UKR", 2, signers="1", effective_from=dt.date(2030, 1, 1))
        )
    found = profiles_as_of(db_url, dt.date(2025, 1, 1))
    assert sorted(found) == ["FRA", "UKR"]
    assert found["UKR"].label == "UKR@1"
    assert found["FRA"].parameters.critical_sectors == ["energy", "health"]
    assert profiles_as_of(db_url, dt.date(2031, 1, 1))["UKR"].label == "UKR@2"


def test_profiles_as_of_refuses_an_altered_profile(db_url: str, world: World) -> None:
    with Registry.init(db_url) as registry:
        registry.publish_root(world.signed_root("FRA", "1", 1, signers="1"))
        registry.publish_profile(world.profile("FRA", 1, signers="1"))
        with registry.engine.begin() as conn:
            conn.execute(text("UPDATE profiles SET effective_from = '2000-01-01'"))
    with pytest.raises(
        StoreError, match=r"profiles\.effective_from differ from the signed profile"
    ):
        profiles_as_of(db_url, dt.date(2025, 1, 1))


def test_a_package_is_identified_by_its_content(registry: Registry, fra: World) -> None:
    package = fra.package("un-gge-2015", "1.0.0", state="FRA", signers="12")
    published = registry.publish_package(package, "FRA")
    [stored] = registry.packages("un-gge-2015")
    assert stored.digest == published.entry.digest
    assert stored.info.version == "1.0.0"
    with pytest.raises(AlreadyPublished, match="already published with this content"):
        registry.publish_package(package, "FRA")
    rewritten = fra.package("un-gge-2015", "1.0.0", state="FRA", signers="12", title="Changed")
    with pytest.raises(AlreadyPublished, match="with different content"):
        registry.publish_package(rewritten, "FRA")
    registry.publish_package(
        fra.package("un-gge-2015", "1.1.0", state="FRA", signers="12", title="Changed"), "FRA"
    )
    assert [p.info.version for p in registry.packages()] == ["1.0.0", "1.1.0"]


def test_a_package_needs_its_publishers_threshold(registry: Registry, fra: World) -> None:
    registry.publish_root(fra.signed_root("DEU", "1", 1, signers="1"))
    by_deu = fra.package("pkg", "1.0.0", state="DEU", signers="1")
    with pytest.raises(UnknownKey):
        registry.publish_package(by_deu, "FRA")
    registry.publish_package(by_deu, "DEU")


def test_positions_are_content_addressed(registry: Registry, fra: World) -> None:
    position = fra.position("FRA", signers="12")
    registry.publish_position(position)
    with pytest.raises(AlreadyPublished, match="already published"):
        registry.publish_position(position)
    registry.publish_position(fra.position("FRA", signers="12", title="Revised position"))
    assert registry.verify_log().records["position"] == 2


def test_every_act_is_one_log_entry(registry: Registry, fra: World) -> None:
    registry.publish_profile(fra.profile("FRA", 1, signers="12"))
    registry.publish_package(fra.package("pkg", "1.0.0", state="FRA", signers="12"), "FRA")
    registry.publish_position(fra.position("FRA", signers="12"))
    registry.publish_root(fra.rotation("FRA", "45", 2, version=2, signers="1245"))
    assert registry.head().size == 5
    assert [r.root.version for r in registry.roots("FRA")] == [1, 2]
    # The profile accepted under root v1 still reads back after the rotation.
    assert registry.profile("FRA", 1).root_version == 1


def test_concurrent_publishers_never_fork_the_log(registry: Registry, fra: World) -> None:
    # Four writers at once: each act locks the log head first, so indexes never collide and
    # the tree stays one tree.
    packages = [
        fra.package(f"pkg-{w}", f"1.0.{i}", state="FRA", signers="12")
        for w in range(4)
        for i in range(8)
    ]

    def publish(worker: int) -> None:
        for envelope in packages[worker * 8 : (worker + 1) * 8]:
            registry.publish_package(envelope, "FRA")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(publish, range(4)))
    report = registry.verify_log()
    assert report.ok, report.problems
    assert report.size == 1 + len(packages)
