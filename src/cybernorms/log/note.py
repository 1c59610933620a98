"""C2SP signed notes with Ed25519 (c2sp.org/signed-note): how checkpoints are signed.

Why this format: it is what transparency-log witnesses and monitors already read, so anyone can
cosign or audit the cybernorms log with existing tools. The key id is
SHA-256(name || 0x0A || 0x01 || public key)[:4]; it only routes a signature to a key, and a
signature counts only when a verifier configured with that exact (name, id, key) checks it.

Parsing is strict in every place where a lax parser would let a note change without its
signature changing (non-canonical base64, control characters, missing final newline): any
changed byte of a signed note must be refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cybernorms.errors import CybernormsError, LimitExceeded
from cybernorms.limits import LIMITS
from cybernorms.trust.encoding import decode_base64, encode_base64
from cybernorms.trust.errors import BadSignature, MalformedDocument
from cybernorms.trust.keys import ED25519_KEY_BYTES, PublicKey, SigningKey

ALG_ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "  # em dash, space


class NoteError(CybernormsError):
    """A signed note is malformed, unsigned by any known key, or badly signed by a known one."""


class NoteLimitExceeded(LimitExceeded, NoteError):
    """A note is larger than ``LIMITS.document_bytes`` or has more signature lines than
    ``LIMITS.note_signatures``: a ``LimitExceeded`` naming the limit, and a ``NoteError`` so
    every caller that refuses a bad note refuses this one; shown as ``LimitExceeded``."""

    @property
    def refusal(self) -> str:
        return "LimitExceeded"


def key_id(name: str, public: bytes) -> bytes:
    """SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian as in signature lines."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public).digest()[:4]


def _check_name(name: str) -> None:
    if not name or any(ch.isspace() or ch == "+" or not ch.isprintable() for ch in name):
        raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")


@dataclass(frozen=True)
class NoteVerifier:
    """A trusted note key: its name, 4-byte id and Ed25519 public key."""

    name: str
    key_id: bytes
    public: PublicKey

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        """Parse ``name+hexid+base64(0x01 || public key)``; the id must match the key."""
        parts = vkey.split("+", 2)  # base64 may contain "+", the name and id never do
        if len(parts) != 3:
            raise NoteError(f"verifier key {vkey!r} is not name+id+key")
        name, hex_id, encoded = parts
        _check_name(name)
        if len(hex_id) != 8 or hex_id.lower() != hex_id:
            raise NoteError(f"verifier key id {hex_id!r} is not 8 lower-case hex digits")
        try:
            wanted_id = bytes.fromhex(hex_id)
            raw = decode_base64(encoded)
        except ValueError as exc:
            raise NoteError(f"verifier key {vkey!r}: {exc}") from exc
        if len(raw) != 1 + ED25519_KEY_BYTES or raw[0] != ALG_ED25519:
            raise NoteError(f"verifier key {name!r} is not an Ed25519 (0x01) key")
        try:
            public = PublicKey(raw[1:])  # refuses small-order, mixed-order, non-canonical keys
        except MalformedDocument as exc:
            raise NoteError(f"verifier key {name!r}: {exc}") from None
        if key_id(name, public.raw) != wanted_id:
            raise NoteError(f"verifier key {name!r}: id {hex_id} does not match the key")
        return cls(name, wanted_id, public)

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            self.public.verify(signature, text)
        except BadSignature:
            return False
        return True


class NoteSigner:
    """Signs notes as ``name`` with an Ed25519 key (a ``SigningKey``, a ``cryptography``
    private key, or a raw 32-byte private seed)."""

    def __init__(self, name: str, key: SigningKey | Ed25519PrivateKey | bytes) -> None:
        _check_name(name)
        if isinstance(key, bytes):
            key = SigningKey.from_seed(key, name)
        elif isinstance(key, Ed25519PrivateKey):
            key = SigningKey(key, name)
        self.name = name
        self._key = key
        self.key_id = key_id(name, key.public.raw)

    @classmethod
    def from_skey(cls, skey: str) -> NoteSigner:
        """Parse the Go ``sumdb/note`` private key text ``PRIVATE+KEY+name+hexid+base64``."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("signer key is not PRIVATE+KEY+name+id+key")
        name, hex_id, encoded = parts[2:]
        try:
            raw = decode_base64(encoded)
        except ValueError as exc:
            raise NoteError(f"signer key {name!r}: {exc}") from exc
        if len(raw) != 1 + ED25519_KEY_BYTES or raw[0] != ALG_ED25519:
            raise NoteError(f"signer key {name!r} is not an Ed25519 (0x01) key")
        try:
            signer = cls(name, raw[1:])
        except MalformedDocument as exc:
            raise NoteError(f"signer key {name!r}: {exc}") from exc
        if signer.key_id.hex() != hex_id:
            raise NoteError(f"signer key {name!r}: id {hex_id} does not match the key")
        return signer

    @property
    def public(self) -> PublicKey:
        return self._key.public

    def vkey(self) -> str:
        """The verifier key text to publish: ``name+hexid+base64(0x01 || public key)``."""
        raw = bytes([ALG_ED25519]) + self._key.public.raw
        return f"{self.name}+{self.key_id.hex()}+{encode_base64(raw)}"

    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, self.key_id, self._key.public)

    def signature_line(self, text: str) -> str:
        sig = self._key.sign(text.encode("utf-8"))
        return f"{SIGNATURE_PREFIX}{self.name} {encode_base64(self.key_id + sig)}\n"


def sign_note(text: str, signers: Sequence[NoteSigner]) -> str:
    """The signed note: ``text``, a blank line, one signature line per signer."""
    _check_text(text)
    if not signers:
        raise NoteError("a signed note needs at least one signer")
    return text + "\n" + "".join(s.signature_line(text) for s in signers)


def open_note(note: str | bytes, verifiers: Sequence[NoteVerifier]) -> tuple[str, list[str]]:
    """Return the note's text and the names of the known keys whose signatures verified.

    Signatures by unknown keys (name and id not both matching a verifier) are ignored, as the
    spec requires, so logs can rotate keys and witnesses can cosign. Raises ``NoteError`` when
    the note is malformed, when a known key's signature fails (the whole note is suspect), or
    when no known key signed.
    """
    size = len(note) if isinstance(note, bytes) else len(note.encode("utf-8", "surrogatepass"))
    if size > LIMITS.document_bytes:
        raise NoteLimitExceeded("document_bytes", LIMITS.document_bytes, "note", f"{size} bytes")
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError(f"note is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    _check_characters(note, "note")
    if not note.endswith("\n"):
        raise NoteError("note does not end with a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text = note[: split + 1]
    lines = note[split + 2 : -1].split("\n")
    if len(lines) > LIMITS.note_signatures:  # the spec requires accepting at least 16
        raise NoteLimitExceeded(
            "note_signatures", LIMITS.note_signatures, "note", f"{len(lines)} signature lines"
        )
    by_route = {(v.name, v.key_id): v for v in verifiers}
    message = text.encode("utf-8")
    verified: list[str] = []
    for number, line in enumerate(lines, start=1):
        name, blob = _parse_signature_line(line, number)
        verifier = by_route.get((name, blob[:4]))
        if verifier is None:
            continue
        if not verifier.verify(message, blob[4:]):
            raise NoteError(f"signature by known key {name!r} ({blob[:4].hex()}) does not verify")
        if name not in verified:
            verified.append(name)
    if not verified:
        raise NoteError("note is not signed by any known key")
    return text, verified


def _parse_signature_line(line: str, number: int) -> tuple[str, bytes]:
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteError(f"signature line {number} does not start with an em dash and a space")
    name, sep, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not sep:
        raise NoteError(f"signature line {number} has no signature")
    _check_name(name)
    try:
        blob = decode_base64(encoded)
    except ValueError as exc:
        raise NoteError(f"signature line {number}: {exc}") from exc
    if len(blob) < 5:
        raise NoteError(f"signature line {number}: too short for a key id and a signature")
    return name, blob


def _check_text(text: str) -> None:
    _check_characters(text, "note text")
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")


def _check_characters(text: str, what: str) -> None:
    for position, ch in enumerate(text):
        if ch < " " and ch != "\n":
            raise NoteError(f"{what} has control character {ch!r} at position {position}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NoteError(f"{what} is not valid UTF-8 ({exc.reason})") from exc
