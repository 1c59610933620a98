"""Public keys are points of the prime-order subgroup, in their one canonical encoding.

Issue 14, finding 1: OpenSSL's Ed25519 (through ``cryptography``) accepts small-order keys,
keys with a small-order component and second encodings of one point; with them one private key
met a root's threshold of two, and two encodings of the identity accepted the signature
R = identity, S = 0 on any message. These tests replay both attacks and show every path that
reads a key refusing it, with the vectors of ``key_vectors.py``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.bindings import crypto_core_ed25519_is_valid_point

from cybernorms.log.note import NoteError, NoteVerifier, key_id
from cybernorms.trust import (
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    BadSignature,
    Envelope,
    MalformedDocument,
    PublicKey,
    Root,
    Signature,
    SigningKey,
    canonical_json,
    keyid_of,
    verify_root,
)
from cybernorms.trust.encoding import encode_base64
from cybernorms.trust.errors import InvalidKey
from cybernorms.trust.keys import PUBLIC_KEY_TYPE, load_public_key

from . import edwards
from .conftest import NOW, ROOT_EXPIRES
from .key_vectors import (
    A_PLUS_T8,
    HONEST_A,
    IDENTITY,
    IDENTITY_PLUS_P,
    MIXED_ORDER,
    NON_CANONICAL,
    NOT_ON_CURVE,
    REFUSED,
    SMALL_ORDER,
)

RFC8032_TEST1_SEED = bytes.fromhex(
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
)
FORGED = bytes.fromhex(IDENTITY) + bytes(32)  # R = identity, S = 0


def _root_document(raw_keys: list[bytes], threshold: int) -> dict[str, object]:
    """A root document written by hand, as an attacker would, around arbitrary key bytes."""
    return {
        "type": "root",
        "state": "FRA",
        "version": 1,
        "expires": ROOT_EXPIRES.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keys": {
            keyid_of(raw): {"keytype": "ed25519", "public": encode_base64(raw)} for raw in raw_keys
        },
        "threshold": threshold,
    }


# -- the vectors ------------------------------------------------------------------------------


def test_the_vectors_are_what_they_claim() -> None:
    """Recompute each vector's nature from the curve's definition (``edwards.py``)."""
    assert [edwards.encode(p).hex() for p in edwards.small_order_points()] == [
        raw for raw, _ in SMALL_ORDER
    ]
    for raw, order in SMALL_ORDER:
        point = edwards.decode(bytes.fromhex(raw))
        assert point is not None and edwards.order(point) == order
    for raw, _, _ in NON_CANONICAL:
        encoded = int.from_bytes(bytes.fromhex(raw), "little")
        y, sign = encoded & ((1 << 255) - 1), encoded >> 255
        assert y >= edwards.P or (sign and y in (1, edwards.P - 1))
        assert edwards.decode(bytes.fromhex(raw)) is None  # RFC 8032 decoding refuses it
    assert int.from_bytes(bytes.fromhex(IDENTITY_PLUS_P), "little") == 1 + edwards.P
    honest = edwards.decode(bytes.fromhex(HONEST_A))
    assert honest is not None and edwards.order(honest) == edwards.L
    torsion = edwards.small_order_points()
    for (raw, _, cofactor), t in zip(
        MIXED_ORDER[:3], (torsion[1], torsion[2], torsion[4]), strict=True
    ):
        assert raw == edwards.encode(edwards.add(honest, t)).hex()
        assert edwards.order(edwards.add(honest, t)) == cofactor * edwards.L
    y3 = edwards.decode(bytes.fromhex(MIXED_ORDER[3][0]))
    assert y3 is not None and edwards.order(y3) == 8 * edwards.L
    assert edwards.decode(bytes.fromhex(NOT_ON_CURVE)) is None
    assert edwards.x_for(2, 0) is None and edwards.x_for(2, 1) is None


def test_the_honest_vector_key_is_accepted() -> None:
    assert SigningKey.from_seed(RFC8032_TEST1_SEED, "FRA").public.raw.hex() == HONEST_A
    assert PublicKey(bytes.fromhex(HONEST_A)).raw.hex() == HONEST_A


@pytest.mark.parametrize(("raw", "reason"), REFUSED, ids=[f"{r[:8]}-{w}" for r, w in REFUSED])
def test_each_bad_key_is_refused_with_its_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidKey, match=r"refused: .*" + _words(reason)) as refused:
        PublicKey(bytes.fromhex(raw))
    assert encode_base64(bytes.fromhex(raw)) in str(refused.value)  # names the key
    assert refused.value.refusal == "InvalidKey"


@pytest.mark.parametrize(("raw", "reason"), REFUSED, ids=[f"{r[:8]}-{w}" for r, w in REFUSED])
def test_libsodium_alone_refuses_every_vector(raw: str, reason: str) -> None:
    """The check the project relies on refuses each class by itself (the explicit canonical
    check in ``point_problem`` is a second, independent line, not a patch for a gap)."""
    assert crypto_core_ed25519_is_valid_point(bytes.fromhex(raw)) is False


def test_openssl_alone_accepts_the_identity_forgery() -> None:
    """Why the check exists: without it, the key bytes of 1 (and of 1 + p) verify R = identity,
    S = 0 for any message in ``cryptography``."""
    for raw in (IDENTITY, IDENTITY_PLUS_P):
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(raw)).verify(FORGED, b"any message")


# -- every path that reads a key ---------------------------------------------------------------


@pytest.mark.parametrize("raw", [IDENTITY, IDENTITY_PLUS_P, A_PLUS_T8, NOT_ON_CURVE])
def test_every_path_that_reads_a_key_refuses_it(raw: str, tmp_path: Path) -> None:
    key = bytes.fromhex(raw)
    with pytest.raises(InvalidKey, match=r"root\.keys\.\w+\.public: Ed25519 public key"):
        PublicKey.from_json({"keytype": "ed25519", "public": encode_base64(key)}, "root.keys.k")
    with pytest.raises(InvalidKey):
        Root.from_document(_root_document([key], 1))
    pub = tmp_path / "bad.pub"
    pub.write_text(
        json.dumps(
            {
                "type": PUBLIC_KEY_TYPE,
                "state": "FRA",
                "keyid": keyid_of(key),
                "keytype": "ed25519",
                "public": encode_base64(key),
            }
        )
    )
    with pytest.raises(InvalidKey, match=str(pub)):
        load_public_key(pub)
    vkey = f"log+{key_id('log', key).hex()}+{encode_base64(bytes([1]) + key)}"
    with pytest.raises(NoteError, match="refused"):
        NoteVerifier.from_vkey(vkey)


def test_a_two_of_two_root_of_identity_encodings_is_refused_and_the_forgery_verifies_nowhere() -> (
    None
):
    """The reproduction: a root "2 of 2" of the identity as the bytes of 1 and of 1 + p, signed
    by R = identity, S = 0 for both keys, and a profile signed the same way."""
    keys = [bytes.fromhex(IDENTITY), bytes.fromhex(IDENTITY_PLUS_P)]
    document = _root_document(keys, 2)
    payload = canonical_json(document)
    forged = [Signature(keyid_of(raw), FORGED) for raw in keys]
    envelope = Envelope(ROOT_PAYLOAD_TYPE, payload, forged)
    with pytest.raises(InvalidKey, match="small order"):
        verify_root(envelope, None, NOW)
    with pytest.raises(MalformedDocument):
        Root.from_document(document)
    # The forged signature is refused by an honest key too, on roots, profiles and notes.
    honest = SigningKey.from_seed(RFC8032_TEST1_SEED, "FRA")
    profile = Envelope(PROFILE_PAYLOAD_TYPE, canonical_json({"state": "FRA"}), [])
    with pytest.raises(BadSignature):
        honest.public.verify(FORGED, profile.signed_bytes())
    with pytest.raises(BadSignature):
        honest.public.verify(FORGED, envelope.signed_bytes())


def test_a_root_listing_a_and_a_plus_t_is_refused() -> None:
    """The reproduction: one private key signs validly (for OpenSSL) as A and as A + T, by
    retrying the nonce until the challenge is a multiple of 8; a root listing both is refused."""
    honest = SigningKey.from_seed(RFC8032_TEST1_SEED, "FRA")
    message = b"a profile of FRA"
    signature = _sign_as_a_plus_t(RFC8032_TEST1_SEED, bytes.fromhex(A_PLUS_T8), message)
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(A_PLUS_T8)).verify(signature, message)
    keys = [honest.public.raw, bytes.fromhex(A_PLUS_T8)]
    with pytest.raises(InvalidKey, match="prime-order subgroup"):
        Root.from_document(_root_document(keys, 2))
    with pytest.raises(InvalidKey, match="prime-order subgroup"):
        Root.create("FRA", 1, ROOT_EXPIRES, [honest.public, PublicKey(keys[1])], 2)


def test_a_root_listing_one_point_twice_is_refused() -> None:
    key = SigningKey.generate("FRA").public
    with pytest.raises(MalformedDocument, match="listed twice"):
        Root.create("FRA", 1, ROOT_EXPIRES, [key, PublicKey(key.raw)], 2)


@settings(max_examples=50, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32))
def test_an_honestly_generated_key_is_always_accepted(seed: bytes) -> None:
    public = SigningKey.from_seed(seed, "FRA").public
    again = PublicKey(public.raw)
    assert again == public
    assert PublicKey.from_json(public.to_json()) == public


def test_fresh_random_keys_are_accepted() -> None:
    for _ in range(20):
        raw = SigningKey.generate("FRA").public.raw
        assert PublicKey(raw).raw == raw


def test_an_honest_keys_distinct_points_are_distinct_keys() -> None:
    """With canonical encodings only, distinct points have distinct key ids: a threshold
    counted by key id counts points."""
    a, b = SigningKey.generate("FRA").public, SigningKey.generate("FRA").public
    root = Root.create("FRA", 1, ROOT_EXPIRES, [a, b], 2)
    assert len(root.keys) == 2 and a.keyid != b.keyid


# -- helpers ----------------------------------------------------------------------------------


def _words(reason: str) -> str:
    import re

    return re.escape(reason)


def _sign_as_a_plus_t(seed: bytes, a_plus_t: bytes, message: bytes) -> bytes:
    """Sign ``message`` for the key A + T with A's private scalar (RFC 8032 5.1.6, with a
    random nonce retried until the challenge k is a multiple of 8, so that [k]T vanishes)."""
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    while True:
        r = secrets.randbelow(edwards.L)
        big_r = edwards.encode(edwards.multiply(r, edwards.BASE))
        k = int.from_bytes(hashlib.sha512(big_r + a_plus_t + message).digest(), "little")
        k %= edwards.L
        if k % 8 == 0:
            s = (r + k * scalar) % edwards.L
            return big_r + s.to_bytes(32, "little")
