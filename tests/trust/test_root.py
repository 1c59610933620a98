"""Roots of trust and signed documents: every attack in its own test, with the exact refusal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cybernorms.trust import (
    PACKAGE_PAYLOAD_TYPE,
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    BadSignature,
    Envelope,
    Expired,
    MalformedDocument,
    RollbackAttempt,
    Root,
    Signature,
    ThresholdNotMet,
    UnknownKey,
    VersionGap,
    WrongPayloadType,
    WrongState,
    add_signatures,
    sign_document,
    verify_root,
    verify_root_chain,
    verify_signed,
)

from .conftest import NOW, Keyring, profile, sign_profile


def verify_profile(envelope: Envelope, root: Root, floor: int | None = 1) -> dict[str, object]:
    return verify_signed(
        envelope,
        root,
        state="FRA",
        payload_type=PROFILE_PAYLOAD_TYPE,
        version_floor=floor,
        now=NOW,
    )


# --- accepted --------------------------------------------------------------------------------


def test_first_root_is_self_signed_and_publishes(ring: Keyring) -> None:
    root = verify_root(ring.sign_root(ring.root("ABC", 2), "AB"), None, NOW)
    assert root == ring.root("ABC", 2)
    document = verify_profile(sign_profile(profile(2), ring.keys("BC")), root)
    assert document == profile(2)
    assert (
        verify_profile(sign_profile(profile(1), ring.keys("AC")), root, floor=None)["version"] == 1
    )


def test_signatures_by_keys_outside_the_root_are_ignored(ring: Keyring) -> None:
    root = ring.root("ABC", 2)
    envelope = sign_profile(profile(), ring.keys("XAYB"))
    assert verify_profile(envelope, root)["state"] == "FRA"


def test_cosigning_after_the_fact(ring: Keyring) -> None:
    root = ring.root("ABC", 2)
    envelope = sign_profile(profile(), ring.keys("A"))
    with pytest.raises(ThresholdNotMet):
        verify_profile(envelope, root)
    verify_profile(add_signatures(envelope, ring.keys("C")), root)


# --- forged or missing signatures ------------------------------------------------------------


def test_forged_signature_is_refused(ring: Keyring) -> None:
    root = ring.root("ABC", 1)
    genuine = sign_profile(profile(), ring.keys("A"))
    forged_sig = ring["X"].sign(genuine.signed_bytes())
    forged = Envelope(
        genuine.payload_type, genuine.payload, [Signature(ring["A"].keyid, forged_sig)]
    )
    with pytest.raises(BadSignature, match=ring["A"].keyid):
        verify_profile(forged, root)


def test_changed_payload_is_refused(ring: Keyring) -> None:
    root = ring.root("ABC", 1)
    genuine = sign_profile(profile(), ring.keys("A"))
    altered = sign_profile(profile(3), ring.keys("X"))
    swapped = Envelope(genuine.payload_type, altered.payload, genuine.signatures)
    with pytest.raises(BadSignature, match="does not verify"):
        verify_profile(swapped, root)


def test_bad_signature_by_a_known_key_is_never_outvoted(ring: Keyring) -> None:
    root = ring.root("ABC", 2)
    good = sign_profile(profile(), ring.keys("AB"))
    bad = Signature(ring["C"].keyid, bytes(64))
    with pytest.raises(BadSignature, match=ring["C"].keyid):
        verify_profile(Envelope(good.payload_type, good.payload, [*good.signatures, bad]), root)


def test_another_states_keys_are_unknown(ring: Keyring) -> None:
    fra = ring.root("ABC", 1)
    deu_keys = ring.keys("DEF")
    envelope = sign_profile(profile(state="FRA"), deu_keys)
    with pytest.raises(UnknownKey, match=deu_keys[0].keyid):
        verify_profile(envelope, fra)


def test_a_state_cannot_publish_for_another(ring: Keyring) -> None:
    fra = ring.root("ABC", 1)
    envelope = sign_profile(profile(state="DEU"), ring.keys("A"))
    with pytest.raises(WrongState, match=r"'DEU'.*FRA root v1"):
        verify_profile(envelope, fra)


def test_verifying_with_another_states_root_is_refused(ring: Keyring) -> None:
    deu = ring.root("DEF", 1, state="DEU")
    envelope = sign_profile(profile(state="DEU"), ring.keys("D"))
    with pytest.raises(WrongState, match="document of FRA with the root of DEU"):
        verify_profile(envelope, deu)


def test_threshold_not_met(ring: Keyring) -> None:
    root = ring.root("ABC", 2)
    with pytest.raises(ThresholdNotMet, match=r"requires 2 distinct key.*1 signed validly"):
        verify_profile(sign_profile(profile(), ring.keys("B")), root)


def test_unsigned_envelope_does_not_meet_the_threshold(ring: Keyring) -> None:
    root = ring.root("ABC", 1)
    unsigned = Envelope(PROFILE_PAYLOAD_TYPE, sign_profile(profile(), ring.keys("A")).payload, [])
    with pytest.raises(ThresholdNotMet, match="0 signed validly"):
        verify_profile(unsigned, root)


def test_duplicate_signatures_by_one_key_count_once(ring: Keyring) -> None:
    root = ring.root("ABC", 2)
    once = sign_profile(profile(), ring.keys("A"))
    twice = add_signatures(once, ring.keys("A"))
    assert len(twice.signatures) == 2
    with pytest.raises(ThresholdNotMet, match="1 signed validly"):
        verify_profile(twice, root)


def test_duplicate_key_in_a_root_is_refused(ring: Keyring) -> None:
    with pytest.raises(MalformedDocument, match="listed twice"):
        ring.root("AAB", 2)


# --- versions, replay and rollback -----------------------------------------------------------


def test_replay_of_the_current_version(ring: Keyring) -> None:
    root = ring.root("ABC", 1)
    with pytest.raises(RollbackAttempt, match=r"replay: version 3 equals .* \(3\)"):
        verify_profile(sign_profile(profile(3), ring.keys("A")), root, floor=3)


def test_rollback_to_a_lower_version(ring: Keyring) -> None:
    root = ring.root("ABC", 1)
    with pytest.raises(RollbackAttempt, match=r"rollback: version 2 is below .* \(5\)"):
        verify_profile(sign_profile(profile(2), ring.keys("A")), root, floor=5)


@pytest.mark.parametrize("version", [0, -1, "3", True, None])
def test_version_must_be_a_positive_integer(ring: Keyring, version: object) -> None:
    document = profile()
    document["version"] = version
    with pytest.raises(MalformedDocument, match=r"payload\.version"):
        verify_profile(sign_profile(document, ring.keys("A")), ring.root("A", 1))


# --- expiry (freeze attacks) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "expires", ["2026-06-01", "2026-05-31", "2026-06-01T12:00:00Z", "2026-06-01T13:59:59+02:00"]
)
def test_expired_document(ring: Keyring, expires: str) -> None:
    envelope = sign_profile(profile(expires=expires), ring.keys("A"))
    with pytest.raises(Expired, match=r"expired at 2026-.*now is 2026-06-01T12:00:00Z"):
        verify_profile(envelope, ring.root("A", 1))


@pytest.mark.parametrize("expires", ["2026-06-02", "2026-06-01T12:00:01Z"])
def test_document_not_yet_expired(ring: Keyring, expires: str) -> None:
    verify_profile(sign_profile(profile(expires=expires), ring.keys("A")), ring.root("A", 1))


@pytest.mark.parametrize("expires", ["2026-06-01T12:00:00", "June 2027", 20270101])
def test_unreadable_expiry_is_malformed(ring: Keyring, expires: object) -> None:
    document = profile()
    document["expires"] = expires
    with pytest.raises(MalformedDocument, match=r"payload\.expires"):
        verify_profile(sign_profile(document, ring.keys("A")), ring.root("A", 1))


def test_missing_expiry_is_refused_unless_allowed(ring: Keyring) -> None:
    document = profile()
    del document["expires"]
    envelope = sign_profile(document, ring.keys("A"))
    with pytest.raises(MalformedDocument, match="missing field 'expires'"):
        verify_profile(envelope, ring.root("A", 1))
    verify_signed(
        envelope,
        ring.root("A", 1),
        state="FRA",
        payload_type=PROFILE_PAYLOAD_TYPE,
        version_floor=None,
        now=NOW,
        require_expires=False,
    )


def test_expired_root(ring: Keyring) -> None:
    root = ring.root("A", 1, expires=NOW - timedelta(seconds=1))
    with pytest.raises(Expired, match="FRA root v1 expired at 2026-06-01T11:59:59Z"):
        verify_profile(sign_profile(profile(), ring.keys("A")), root)
    with pytest.raises(Expired):
        verify_root(ring.sign_root(root, "A"), None, NOW)


def test_naive_now_is_a_programming_error(ring: Keyring) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_root(ring.sign_root(ring.root("A", 1), "A"), None, datetime(2026, 1, 1))


# --- payload-type confusion ------------------------------------------------------------------


def test_profile_signature_cannot_be_replayed_as_a_package(ring: Keyring) -> None:
    root = ring.root("A", 1)
    envelope = sign_profile(profile(), ring.keys("A"))
    with pytest.raises(WrongPayloadType, match="package"):
        verify_signed(
            envelope,
            root,
            state="FRA",
            payload_type=PACKAGE_PAYLOAD_TYPE,
            version_floor=None,
            now=NOW,
        )
    relabelled = replace(envelope, payload_type=PACKAGE_PAYLOAD_TYPE)
    with pytest.raises(BadSignature):
        verify_signed(
            relabelled,
            root,
            state="FRA",
            payload_type=PACKAGE_PAYLOAD_TYPE,
            version_floor=None,
            now=NOW,
        )


def test_a_root_must_come_in_a_root_envelope(ring: Keyring) -> None:
    root = ring.root("A", 1)
    as_profile = sign_document(PROFILE_PAYLOAD_TYPE, root.to_document(), ring.keys("A"))
    with pytest.raises(WrongPayloadType):
        verify_root(as_profile, None, NOW)
    relabelled = replace(as_profile, payload_type=ROOT_PAYLOAD_TYPE)
    with pytest.raises(BadSignature):
        verify_root(relabelled, None, NOW)


# --- first root and rotation -----------------------------------------------------------------


def test_first_root_not_self_signed(ring: Keyring) -> None:
    with pytest.raises(ThresholdNotMet, match=r"self-signed first FRA root v1.*1 of 2"):
        verify_root(ring.sign_root(ring.root("ABC", 2), "AX"), None, NOW)


def test_rotation_signed_by_both_thresholds(ring: Keyring) -> None:
    v1 = ring.root("ABC", 2)
    v2 = verify_root(ring.sign_root(ring.root("BCD", 2, version=2), "ABD"), v1, NOW)
    assert v2.version == 2
    assert set(v2.keys) == {ring[n].keyid for n in "BCD"}


def test_rotation_without_the_old_threshold(ring: Keyring) -> None:
    v1 = ring.root("ABC", 2)
    new = ring.sign_root(ring.root("DEF", 2, version=2), "ADE")
    with pytest.raises(ThresholdNotMet, match=r"trusted \(old\) FRA root v1: 1 of 2"):
        verify_root(new, v1, NOW)


def test_rotation_without_the_new_threshold(ring: Keyring) -> None:
    v1 = ring.root("ABC", 2)
    new = ring.sign_root(ring.root("DEF", 2, version=2), "ABD")
    with pytest.raises(ThresholdNotMet, match=r"new FRA root v2.*1 of 2"):
        verify_root(new, v1, NOW)


def test_one_of_one_rotation_not_signed_with_the_old_key(ring: Keyring) -> None:
    v1 = ring.root("A", 1)
    with pytest.raises(ThresholdNotMet, match="old"):
        verify_root(ring.sign_root(ring.root("B", 1, version=2), "B"), v1, NOW)


def test_two_of_three_lowered_to_one_of_three_by_one_old_key_fails(ring: Keyring) -> None:
    v1 = ring.root("ABC", 2)
    lowered = ring.sign_root(ring.root("ABC", 1, version=2), "A")
    with pytest.raises(ThresholdNotMet, match=r"old\) FRA root v1: 1 of 2"):
        verify_root(lowered, v1, NOW)


def test_three_of_five_all_keys_rotated_via_an_intermediate_step(ring: Keyring) -> None:
    v1 = ring.root("ABCDE", 3)
    step = ring.sign_root(ring.root("CDEFG", 3, version=2), "ABCFG")  # old A,B,C; new C,F,G
    final = ring.sign_root(ring.root("HIJKL", 3, version=3), "EFGHIJ")  # old E,F,G; new H,I,J
    v3 = verify_root_chain([step, final], v1, NOW)
    assert v3.version == 3 and set(v3.keys) == {ring[n].keyid for n in "HIJKL"}
    verify_profile(sign_profile(profile(), ring.keys("JKL")), v3)
    with pytest.raises(UnknownKey):
        verify_profile(sign_profile(profile(), ring.keys("ABC")), v3)
    # The same end state in one step, without the intermediate root, is not signed by v1.
    with pytest.raises(ThresholdNotMet, match="old"):
        verify_root(ring.sign_root(ring.root("HIJKL", 3, version=2), "EFGHIJ"), v1, NOW)


def test_root_replay_and_rollback(ring: Keyring) -> None:
    v1 = ring.root("AB", 1)
    v2 = verify_root(ring.sign_root(ring.root("AB", 1, version=2), "A"), v1, NOW)
    with pytest.raises(RollbackAttempt, match="replay: new FRA root has version 2"):
        verify_root(ring.sign_root(ring.root("AB", 1, version=2), "A"), v2, NOW)
    with pytest.raises(RollbackAttempt, match="rollback: new FRA root has version 1"):
        verify_root(ring.sign_root(v1, "A"), v2, NOW)


def test_root_cannot_skip_versions(ring: Keyring) -> None:
    v1 = ring.root("AB", 1)
    with pytest.raises(VersionGap, match="version 3, expected exactly 2"):
        verify_root(ring.sign_root(ring.root("AB", 1, version=3), "A"), v1, NOW)


def test_root_cannot_change_state(ring: Keyring) -> None:
    v1 = ring.root("AB", 1)
    with pytest.raises(WrongState, match="DEU"):
        verify_root(ring.sign_root(ring.root("AB", 1, version=2, state="DEU"), "A"), v1, NOW)


def test_chain_allows_expired_intermediate_roots_only(ring: Keyring) -> None:
    v1 = ring.root("A", 1, expires=NOW - timedelta(days=30))
    v2 = ring.sign_root(ring.root("A", 1, version=2, expires=NOW - timedelta(days=1)), "A")
    v3 = ring.sign_root(ring.root("A", 1, version=3), "A")
    assert verify_root_chain([v2, v3], v1, NOW).version == 3
    with pytest.raises(Expired, match="v2"):
        verify_root_chain([v2], v1, NOW)
    with pytest.raises(Expired, match="v2"):
        verify_root(v2, v1, NOW)


# --- malformed roots -------------------------------------------------------------------------


def _root_document(ring: Keyring) -> dict[str, object]:
    return ring.root("AB", 1).to_document()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("threshold", 3, "root.threshold"),
        ("threshold", 0, "root.threshold"),
        ("version", 0, "root.version"),
        ("state", "XXX", "root.state"),
        ("expires", "2027-01-01", "root.expires"),
        ("type", "profile", "root.type"),
        ("keys", {}, "root.keys"),
        ("extra", 1, "unexpected field"),
    ],
)
def test_malformed_root_names_the_field(
    ring: Keyring, field: str, value: object, message: str
) -> None:
    document = _root_document(ring)
    document[field] = value
    envelope = sign_document(ROOT_PAYLOAD_TYPE, document, ring.keys("A"))
    with pytest.raises(MalformedDocument, match=message):
        verify_root(envelope, None, NOW)


def test_root_keyid_must_be_the_hash_of_its_key(ring: Keyring) -> None:
    document = _root_document(ring)
    keys = document["keys"]
    assert isinstance(keys, dict)
    keys[ring["A"].keyid] = ring["X"].public.to_json()
    envelope = sign_document(ROOT_PAYLOAD_TYPE, document, ring.keys("X"))
    with pytest.raises(MalformedDocument, match="not the SHA-256 of its key"):
        verify_root(envelope, None, NOW)


def test_root_document_round_trip(ring: Keyring) -> None:
    root = ring.root("ABC", 2)
    assert Root.from_document(root.to_document()) == root
    assert root.to_document()["expires"] == "2027-06-01T12:00:00Z"
    assert all(len(keyid) == 64 for keyid in root.keys)


# --- any flipped bit fails -------------------------------------------------------------------

_RING = Keyring()
_ROOT = _RING.root("AB", 1)
_GOOD = sign_profile(profile(), _RING.keys("A"))


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["payload", "signature"]), st.integers(min_value=0))
def test_any_flipped_bit_fails_verification(where: str, bit: int) -> None:
    verify_profile(_GOOD, _ROOT)
    if where == "payload":
        data = bytearray(_GOOD.payload)
        bit %= len(data) * 8
        data[bit // 8] ^= 1 << (bit % 8)
        tampered = replace(_GOOD, payload=bytes(data))
    else:
        sig = bytearray(_GOOD.signatures[0].sig)
        bit %= len(sig) * 8
        sig[bit // 8] ^= 1 << (bit % 8)
        tampered = replace(_GOOD, signatures=[Signature(_GOOD.signatures[0].keyid, bytes(sig))])
    with pytest.raises(BadSignature):
        verify_profile(tampered, _ROOT)


def test_dates_in_messages_are_utc() -> None:
    now = datetime(2026, 6, 1, 14, 0, tzinfo=UTC).astimezone()
    ring = Keyring()
    root = ring.root("A", 1, expires=datetime(2026, 6, 1, 13, 0, tzinfo=UTC))
    with pytest.raises(Expired, match="2026-06-01T13:00:00Z; now is 2026-06-01T14:00:00Z"):
        verify_signed(
            sign_profile(profile(), ring.keys("A")),
            root,
            state="FRA",
            payload_type=PROFILE_PAYLOAD_TYPE,
            version_floor=None,
            now=now,
        )
