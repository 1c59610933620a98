"""Signed envelopes: the exact signed bytes, what kind of document they are, and signatures.

Why keep the exact bytes (in the spirit of DSSE) rather than sign a parsed document: verifiers
never depend on re-serialising, so a serialiser bug cannot make a valid signature look bad or a
changed document look good. The payload is the RFC 8785 canonical JSON of the document.

Why sign the pre-authentication encoding of (payload type, payload) rather than the payload:
the type is covered by every signature, so a signature on a state's profile can never be
replayed as a package or a root, even if the JSON happened to fit both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cybernorms.trust.canonical import canonical_json, parse_canonical_object
from cybernorms.trust.encoding import decode_base64, encode_base64
from cybernorms.trust.errors import MalformedDocument
from cybernorms.trust.keys import SigningKey

ROOT_PAYLOAD_TYPE = "application/vnd.cybernorms.root+json"
PROFILE_PAYLOAD_TYPE = "application/vnd.cybernorms.profile+json"
PACKAGE_PAYLOAD_TYPE = "application/vnd.cybernorms.package+json"
POSITION_PAYLOAD_TYPE = "application/vnd.cybernorms.position+json"
PAYLOAD_TYPES = frozenset(
    {ROOT_PAYLOAD_TYPE, PROFILE_PAYLOAD_TYPE, PACKAGE_PAYLOAD_TYPE, POSITION_PAYLOAD_TYPE}
)


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: the bytes each signature actually covers.

    ``"DSSEv1" SP LEN(type) SP type SP LEN(payload) SP payload`` with lengths in ASCII decimal
    bytes: the lengths make the split between type and payload unambiguous.
    """
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)


@dataclass(frozen=True)
class Signature:
    """One signature: ``keyid`` (hex SHA-256 of the public key) and the raw signature bytes."""

    keyid: str
    sig: bytes

    def to_json(self) -> dict[str, str]:
        return {"keyid": self.keyid, "sig": encode_base64(self.sig)}


@dataclass(frozen=True)
class Envelope:
    """A signed document. ``payload`` holds the exact signed bytes (canonical JSON)."""

    payload_type: str
    payload: bytes
    signatures: list[Signature] = field(default_factory=list)

    def signed_bytes(self) -> bytes:
        """What each signature covers: ``pae(payload_type, payload)``."""
        return pae(self.payload_type, self.payload)

    def document(self) -> dict[str, Any]:
        """The payload parsed; ``MalformedDocument`` unless it is one canonical JSON object."""
        return parse_canonical_object(self.payload, "payload")

    def to_json(self) -> dict[str, Any]:
        """The DSSE JSON shape: ``payloadType``, base64 ``payload``, ``signatures``."""
        return {
            "payloadType": self.payload_type,
            "payload": encode_base64(self.payload),
            "signatures": [s.to_json() for s in self.signatures],
        }

    def to_bytes(self) -> bytes:
        """``to_json()`` as canonical JSON bytes, for files, database columns and the log."""
        return canonical_json(self.to_json())

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str | bytes) -> Envelope:
        """Parse the output of ``to_json`` (a mapping) or ``to_bytes`` (text or bytes).

        Checks structure only, never signatures; ``MalformedDocument`` names the field.
        """
        if isinstance(data, str | bytes):
            try:
                data = json.loads(data)
            except (ValueError, RecursionError) as exc:  # RecursionError: nesting too deep
                raise MalformedDocument(f"envelope: not JSON ({exc})") from exc
        if not isinstance(data, Mapping):
            raise MalformedDocument(f"envelope: must be an object, not {type(data).__name__}")
        extra = set(data) - {"payloadType", "payload", "signatures"}
        if extra:
            raise MalformedDocument(f"envelope: unexpected field(s) {sorted(extra)}")
        payload_type = data.get("payloadType")
        if not isinstance(payload_type, str) or not payload_type:
            raise MalformedDocument(
                f"envelope.payloadType: must be a non-empty string, not {payload_type!r}"
            )
        try:
            payload = decode_base64(data.get("payload"))
        except ValueError as exc:
            raise MalformedDocument(f"envelope.payload: {exc}") from exc
        raw_signatures = data.get("signatures")
        if not isinstance(raw_signatures, list):
            raise MalformedDocument("envelope.signatures: must be a list")
        signatures = [
            _signature_from_json(item, f"envelope.signatures[{i}]")
            for i, item in enumerate(raw_signatures)
        ]
        return cls(payload_type, payload, signatures)


def sign_document(
    payload_type: str, document: dict[str, Any], keys: Sequence[SigningKey]
) -> Envelope:
    """Canonicalise ``document`` and sign it with every key in ``keys``.

    Refuses documents with floats or integers beyond 2^53 - 1 (``MalformedDocument``), and an
    empty key list: an unsigned envelope is never useful and usually a mistake.
    """
    if not payload_type:
        raise ValueError("payload_type must not be empty")
    if not keys:
        raise ValueError("sign_document needs at least one key")
    payload = canonical_json(document)
    return add_signatures(Envelope(payload_type, payload, []), keys)


def add_signatures(envelope: Envelope, keys: Sequence[SigningKey]) -> Envelope:
    """A copy of ``envelope`` with signatures by ``keys`` added (co-signing by other holders)."""
    message = envelope.signed_bytes()
    added = [Signature(key.keyid, key.sign(message)) for key in keys]
    return Envelope(envelope.payload_type, envelope.payload, [*envelope.signatures, *added])


def _signature_from_json(item: object, where: str) -> Signature:
    if not isinstance(item, Mapping):
        raise MalformedDocument(f"{where}: must be an object")
    extra = set(item) - {"keyid", "sig"}
    if extra:
        raise MalformedDocument(f"{where}: unexpected field(s) {sorted(extra)}")
    keyid = item.get("keyid")
    if not isinstance(keyid, str) or not keyid:
        raise MalformedDocument(f"{where}.keyid: must be a non-empty string, not {keyid!r}")
    try:
        sig = decode_base64(item.get("sig"))
    except ValueError as exc:
        raise MalformedDocument(f"{where}.sig: {exc}") from exc
    return Signature(keyid, sig)
