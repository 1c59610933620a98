"""Envelopes: exact signed bytes, DSSE pre-authentication encoding, strict parsing."""

from __future__ import annotations

import json

import pytest

from cybernorms.trust import (
    PAYLOAD_TYPES,
    PROFILE_PAYLOAD_TYPE,
    Envelope,
    MalformedDocument,
    SigningKey,
    canonical_json,
    pae,
    sign_document,
)


def test_pae_is_dsse_v1() -> None:
    assert pae("t", b"ab") == b"DSSEv1 1 t 2 ab"
    assert pae(PROFILE_PAYLOAD_TYPE, b"{}") == (
        b"DSSEv1 39 application/vnd.cybernorms.profile+json 2 {}"
    )
    assert len(PAYLOAD_TYPES) == 4


def test_payload_is_the_canonical_bytes_and_round_trips() -> None:
    key = SigningKey.generate("FRA")
    document = {"version": 1, "state": "FRA", "name": "é"}
    envelope = sign_document(PROFILE_PAYLOAD_TYPE, document, [key])
    assert envelope.payload == canonical_json(document)
    assert envelope.document() == document
    data = envelope.to_json()
    assert set(data) == {"payloadType", "payload", "signatures"}
    assert data["signatures"] == [{"keyid": key.keyid, "sig": data["signatures"][0]["sig"]}]
    assert Envelope.from_json(data) == envelope
    assert Envelope.from_json(envelope.to_bytes()) == envelope
    assert Envelope.from_json(envelope.to_bytes().decode()) == envelope
    key.public.verify(envelope.signatures[0].sig, pae(PROFILE_PAYLOAD_TYPE, envelope.payload))


def test_sign_document_refuses_floats_and_no_keys() -> None:
    key = SigningKey.generate("FRA")
    with pytest.raises(MalformedDocument, match=r"\$\.ratio: float"):
        sign_document(PROFILE_PAYLOAD_TYPE, {"ratio": 0.5}, [key])
    with pytest.raises(ValueError, match="at least one key"):
        sign_document(PROFILE_PAYLOAD_TYPE, {}, [])


def _valid() -> dict[str, object]:
    key = SigningKey.generate("FRA")
    envelope = sign_document(PROFILE_PAYLOAD_TYPE, {"state": "FRA"}, [key]).to_json()
    return json.loads(json.dumps(envelope))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"payloadType": ""}, "envelope.payloadType"),
        ({"payloadType": 3}, "envelope.payloadType"),
        ({"payload": "e30"}, "envelope.payload: invalid base64"),
        ({"payload": "e31="}, "envelope.payload: non-canonical base64"),
        ({"signatures": {}}, "envelope.signatures: must be a list"),
        ({"signatures": ["x"]}, r"envelope.signatures\[0\]: must be an object"),
        ({"signatures": [{"keyid": "", "sig": ""}]}, r"envelope.signatures\[0\].keyid"),
        ({"signatures": [{"keyid": "a", "sig": "%%"}]}, r"envelope.signatures\[0\].sig"),
        ({"signatures": [{"keyid": "a", "sig": "", "x": 1}]}, "unexpected field"),
        ({"extra": 1}, "envelope: unexpected field"),
    ],
)
def test_malformed_envelopes_name_the_field(change: dict[str, object], message: str) -> None:
    with pytest.raises(MalformedDocument, match=message):
        Envelope.from_json({**_valid(), **change})


def test_envelope_text_must_be_json_object() -> None:
    with pytest.raises(MalformedDocument, match="not JSON"):
        Envelope.from_json("{")
    with pytest.raises(MalformedDocument, match="must be an object"):
        Envelope.from_json("[]")


def test_document_refuses_non_canonical_payload() -> None:
    envelope = Envelope(PROFILE_PAYLOAD_TYPE, b'{"b":1, "a":2}', [])
    with pytest.raises(MalformedDocument, match="payload: bytes are not in RFC 8785"):
        envelope.document()
