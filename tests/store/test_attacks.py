"""Attacks on the registry, each its own test: the exact refusal, and the registry unchanged.

Modelled on python-tuf's repository-simulator tests (TRUST.md): each test builds the situation
it attacks with ``World``, attempts the act, asserts the exception type and the words of its
message that name the reason, then compares a snapshot of every table with the one taken
before the attempt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta

import pytest

from cybernorms.store import NoRootOfTrust, Registry
from cybernorms.trust import (
    BadSignature,
    Envelope,
    Expired,
    MalformedDocument,
    RollbackAttempt,
    ThresholdNotMet,
    UnknownKey,
    VersionGap,
    WrongPayloadType,
)
from cybernorms.trust.envelope import Signature

from .world import NOW, TODAY, World, snapshot


def refused(
    registry: Registry,
    act: Callable[[], object],
    error: type[Exception],
    *words: str,
) -> Exception:
    """Run ``act``; it must raise ``error`` whose message contains ``words``, and leave every
    table exactly as it was."""
    before = snapshot(registry.engine)
    with pytest.raises(error) as caught:
        act()
    assert type(caught.value) is error, f"expected exactly {error.__name__}, got {caught.value!r}"
    for word in words:
        assert word in str(caught.value), f"{word!r} not in {caught.value}"
    assert snapshot(registry.engine) == before, "a refused act changed the registry"
    return caught.value


def test_forged_signature_is_refused(registry: Registry, fra: World) -> None:
    genuine = fra.profile("FRA", 1, signers="12")
    forged_sig = bytes([genuine.signatures[0].sig[0] ^ 1]) + genuine.signatures[0].sig[1:]
    forged = dataclasses.replace(
        genuine,
        signatures=[Signature(genuine.signatures[0].keyid, forged_sig), genuine.signatures[1]],
    )
    refused(registry, lambda: registry.publish_profile(forged), BadSignature, "does not verify")


def test_altered_document_under_genuine_signatures_is_refused(
    registry: Registry, fra: World
) -> None:
    genuine = fra.profile("FRA", 1, signers="12")
    altered = dataclasses.replace(
        genuine,
        payload=genuine.payload.replace(b'"energy"', b'"water"'),
    )
    assert altered.payload != genuine.payload
    refused(registry, lambda: registry.publish_profile(altered), BadSignature)


def test_another_states_keys_cannot_publish_its_profile(registry: Registry, fra: World) -> None:
    registry.publish_root(fra.signed_root("DEU", "12", 2, signers="12"))
    usurped = fra.profile("FRA", 1, signers="12", signer_state="DEU")
    refused(
        registry,
        lambda: registry.publish_profile(usurped),
        UnknownKey,
        "no signature is by a key of FRA root v1",
    )


def test_threshold_not_met_is_refused(registry: Registry, fra: World) -> None:
    one_key = fra.profile("FRA", 1, signers="1")
    refused(
        registry,
        lambda: registry.publish_profile(one_key),
        ThresholdNotMet,
        "requires 2 distinct key(s)",
        "1 signed",
    )


def test_the_same_key_twice_counts_once(registry: Registry, fra: World) -> None:
    once = fra.profile("FRA", 1, signers="1")
    twice = dataclasses.replace(once, signatures=[once.signatures[0], once.signatures[0]])
    refused(registry, lambda: registry.publish_profile(twice), ThresholdNotMet, "1 signed validly")


def test_replay_of_an_old_profile_version_is_refused(registry: Registry, fra: World) -> None:
    v1 = fra.profile("FRA", 1, signers="12")
    registry.publish_profile(v1)
    registry.publish_profile(fra.profile("FRA", 2, signers="12"))
    refused(
        registry,
        lambda: registry.publish_profile(v1),
        RollbackAttempt,
        "rollback: version 1",
        "(2)",
    )


def test_replay_of_the_current_version_is_refused(registry: Registry, fra: World) -> None:
    v1 = fra.profile("FRA", 1, signers="12")
    registry.publish_profile(v1)
    refused(
        registry, lambda: registry.publish_profile(v1), RollbackAttempt, "replay: version 1 equals"
    )


def test_rollback_to_a_lower_version_is_refused(registry: Registry, fra: World) -> None:
    registry.publish_profile(fra.profile("FRA", 5, signers="12"))
    lower = fra.profile("FRA", 3, signers="12", sectors=("water",))
    refused(
        registry,
        lambda: registry.publish_profile(lower),
        RollbackAttempt,
        "rollback: version 3 is below",
        "(5)",
    )


def test_expired_profile_is_refused(registry: Registry, fra: World) -> None:
    stale = fra.profile("FRA", 1, signers="12", expires=TODAY - timedelta(days=1))
    refused(registry, lambda: registry.publish_profile(stale), Expired, "expired at")


def test_expired_root_freezes_its_state(registry: Registry, world: World) -> None:
    registry.publish_root(
        world.signed_root("FRA", "1", 1, signers="1", expires=NOW + timedelta(hours=1))
    )
    later = NOW + timedelta(days=1)
    profile = world.profile("FRA", 1, signers="1")
    refused(
        registry,
        lambda: registry.publish_profile(profile, now=later),
        Expired,
        "FRA root v1 expired",
    )


def test_an_expired_first_root_is_refused(registry: Registry, world: World) -> None:
    old = world.signed_root("FRA", "1", 1, signers="1", expires=NOW - timedelta(days=1))
    refused(registry, lambda: registry.publish_root(old), Expired, "FRA root v1 expired")


def test_rotation_without_the_old_threshold_is_refused(registry: Registry, fra: World) -> None:
    # New keys 4, 5 sign their own root v2; of the old keys only one (threshold is 2) signs.
    rotation = fra.rotation("FRA", "45", 2, version=2, signers="145")
    refused(
        registry,
        lambda: registry.publish_root(rotation),
        ThresholdNotMet,
        "not signed by the threshold of the trusted (old) FRA root v1",
        "1 of 2",
    )


def test_rotation_without_the_new_threshold_is_refused(registry: Registry, fra: World) -> None:
    rotation = fra.rotation("FRA", "45", 2, version=2, signers="124")
    refused(
        registry,
        lambda: registry.publish_root(rotation),
        ThresholdNotMet,
        "new FRA root v2",
        "1 of 2",
    )


def test_a_takeover_by_a_new_self_signed_root_is_refused(registry: Registry, fra: World) -> None:
    # An attacker presents a self-signed "first root" for FRA with keys of its own.
    takeover = fra.signed_root("FRA", "9", 1, signers="9", version=2)
    refused(
        registry,
        lambda: registry.publish_root(takeover),
        ThresholdNotMet,
        "trusted (old) FRA root v1",
    )


def test_root_rollback_is_refused(registry: Registry, fra: World) -> None:
    again = fra.signed_root("FRA", "123", 2, signers="12")
    refused(registry, lambda: registry.publish_root(again), RollbackAttempt, "replay", "version 1")


def test_root_version_gap_is_refused(registry: Registry, fra: World) -> None:
    skip = fra.rotation("FRA", "123", 2, version=3, signers="12")
    refused(registry, lambda: registry.publish_root(skip), VersionGap, "expected exactly 2")


def test_old_keys_cannot_publish_after_rotation(registry: Registry, fra: World) -> None:
    registry.publish_root(fra.rotation("FRA", "45", 2, version=2, signers="1245"))
    old_keys = fra.profile("FRA", 1, signers="12")
    refused(registry, lambda: registry.publish_profile(old_keys), UnknownKey, "FRA root v2")
    registry.publish_profile(fra.profile("FRA", 1, signers="45"))


def test_a_state_without_a_root_cannot_publish(registry: Registry, world: World) -> None:
    profile = world.profile("DEU", 1, signers="1")
    refused(
        registry,
        lambda: registry.publish_profile(profile),
        NoRootOfTrust,
        "DEU has no root of trust",
    )


def test_a_root_presented_as_a_profile_is_refused(registry: Registry, fra: World) -> None:
    root_env = fra.signed_root("FRA", "123", 2, signers="12")
    refused(registry, lambda: registry.publish_profile(root_env), WrongPayloadType, "profile+json")


def test_a_profile_breaking_the_model_is_refused_naming_the_field(
    registry: Registry, fra: World
) -> None:
    bad = fra.profile("FRA", 1, signers="12", sectors=("energy", "nuclear-ish"))
    refused(
        registry,
        lambda: registry.publish_profile(bad),
        MalformedDocument,
        "profile.parameters.critical_sectors.1: Input should be",
    )


def test_signatures_are_checked_before_the_content(registry: Registry, fra: World) -> None:
    # Unsigned garbage claiming to be FRA's: refused for the missing signatures, not parsed.
    unsigned = Envelope(
        fra.profile("FRA", 1, signers="1").payload_type, b'{"state":"FRA","version":"x"}', []
    )
    refused(registry, lambda: registry.publish_profile(unsigned), ThresholdNotMet, "0 signed")
