"""Every answer comes from signed bytes (issue 14, finding 7).

The record tables repeat fields of the signed documents as indexed columns, for queries. A
column changed by hand must neither pass ``verify_log`` (which names the column) nor decide an
answer: ``profiles_as_of`` and ``profile`` choose on the verified documents, and a read that
meets an altered column refuses rather than answering from another version.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from cybernorms.store import LogIntegrityError, Registry

from .world import World


def _alter(registry: Registry, sql: str) -> None:
    with registry.engine.begin() as conn:
        assert conn.execute(text(sql)).rowcount == 1, sql


def _problems(registry: Registry) -> str:
    report = registry.verify_log()
    assert not report.ok, "the audit found nothing"
    return "\n".join(report.problems)


@pytest.fixture
def two_versions(registry: Registry, fra: World) -> Registry:
    """FRA v1 in force from 2020 (until 2099), v2 from 2028; a package and a position."""
    registry.publish_profile(fra.profile("FRA", 1, signers="12", expires=dt.date(2099, 1, 1)))
    registry.publish_profile(
        fra.profile("FRA", 2, signers="12", effective_from=dt.date(2028, 1, 1))
    )
    registry.publish_package(fra.package("pkg", "1.0.0", state="FRA", signers="12"), "FRA")
    registry.publish_position(fra.position("FRA", signers="12"))
    assert registry.verify_log().ok
    return registry


def _in_force(registry: Registry, day: dt.date) -> int:
    return registry.profiles_as_of(day, "FRA")["FRA"].profile.version


def test_answers_before_any_tampering(two_versions: Registry) -> None:
    assert _in_force(two_versions, dt.date(2024, 6, 1)) == 1
    assert _in_force(two_versions, dt.date(2029, 6, 1)) == 2


ALTERATIONS = {
    "profiles.effective_from": "UPDATE profiles SET effective_from = '2090-01-01' "
    "WHERE version = 2",
    "profiles.expires": "UPDATE profiles SET expires = '2021-01-01' WHERE version = 1",
    "roots.threshold": "UPDATE roots SET threshold = 1 WHERE version = 1",
    "roots.expires": "UPDATE roots SET expires = '2199-01-01T00:00:00Z' WHERE version = 1",
    "packages.name": "UPDATE packages SET name = 'other'",
    "packages.version": "UPDATE packages SET version = '9.9.9'",
    "positions.package": "UPDATE positions SET package = 'other'",
}


@pytest.mark.parametrize("column", ALTERATIONS, ids=list(ALTERATIONS))
def test_a_column_changed_by_hand_fails_the_audit_naming_it(
    two_versions: Registry, column: str
) -> None:
    _alter(two_versions, ALTERATIONS[column])
    assert column in _problems(two_versions)


@pytest.mark.parametrize(
    "column", ["profiles.effective_from", "profiles.expires", "roots.threshold", "roots.expires"]
)
def test_a_column_changed_by_hand_never_picks_another_profile_version(
    two_versions: Registry, column: str
) -> None:
    _alter(two_versions, ALTERATIONS[column])
    for day in (dt.date(2024, 6, 1), dt.date(2029, 6, 1)):
        with pytest.raises(LogIntegrityError, match=column.replace(".", r"\.")):
            two_versions.profiles_as_of(day, "FRA")
    with pytest.raises(LogIntegrityError, match=column.replace(".", r"\.")):
        two_versions.profile_history("FRA")


def test_a_package_renamed_by_hand_is_not_listed_under_either_name(two_versions: Registry) -> None:
    _alter(two_versions, ALTERATIONS["packages.name"])
    for name in ("pkg", "other", None):
        with pytest.raises(LogIntegrityError, match=r"packages\.name"):
            two_versions.packages(name)


def test_a_record_moved_under_an_older_root_fails_the_audit(registry: Registry, fra: World) -> None:
    registry.publish_root(fra.rotation("FRA", "45", 2, version=2, signers="1245"))
    registry.publish_profile(fra.profile("FRA", 1, signers="45"))
    assert registry.verify_log().ok
    _alter(registry, "UPDATE profiles SET root_version = 1")
    assert "profiles.root_version says v1" in _problems(registry)
    with pytest.raises(LogIntegrityError):
        registry.profile("FRA")
