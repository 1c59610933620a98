"""A group's common reading (``position: group:AU``) is signed under the group's own root,
named as forum, depositary and recorder roots are (``trust.root.IDENTITY``); a member state's
threshold cannot publish it. On SQLite and on PostgreSQL (the ``db_url`` fixture)."""

from __future__ import annotations

from typing import Any

import pytest

from cybernorms.store import NoRootOfTrust, Registry
from cybernorms.trust import UnknownKey, sign_document
from cybernorms.trust.envelope import POSITION_PAYLOAD_TYPE
from cybernorms.trust.root import is_root_holder

from .world import World

AU = "group:AU"


def _reading(members: list[str]) -> dict[str, Any]:
    return {
        "position": AU,
        "members": members,
        "members_source": "https://example.org/au-members",
        "package": "il-core",
        "title": "Common reading",
        "sources": ["https://example.org/au"],
    }


def test_a_group_holds_a_root_as_forums_do() -> None:
    assert is_root_holder(AU) and is_root_holder("group:TEST-1")
    assert not is_root_holder("group:au")  # the group's name is in capitals
    assert not is_root_holder("group:")


def test_a_group_reading_is_published_and_verified_under_the_groups_root(
    registry: Registry, world: World
) -> None:
    registry.publish_root(world.signed_root(AU, "12", 2, signers="12"))
    signed = sign_document(POSITION_PAYLOAD_TYPE, _reading(["KEN", "ZAF"]), world.keys(AU, "12"))
    registry.publish_position(signed)
    assert registry.verify_log().records["position"] == 1
    assert [r.root.state for r in registry.roots(AU)] == [AU]


def test_a_member_states_keys_cannot_publish_the_groups_reading(
    registry: Registry, world: World
) -> None:
    registry.publish_root(world.signed_root("KEN", "12", 2, signers="12"))
    by_member = sign_document(POSITION_PAYLOAD_TYPE, _reading(["KEN"]), world.keys("KEN", "12"))
    with pytest.raises(NoRootOfTrust, match="group:AU has no root of trust"):
        registry.publish_position(by_member)  # the group's root, never the member's, decides
    registry.publish_root(world.signed_root(AU, "12", 2, signers="12"))
    with pytest.raises(UnknownKey, match="no signature is by a key of group:AU root v1"):
        registry.publish_position(by_member)
    assert registry.head().size == 2  # the two roots, no position
