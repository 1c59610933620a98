"""Ed25519 keys: a state's signing keys and the public keys its root of trust lists.

Why a key id is the full SHA-256 of the raw public key: thresholds count distinct keys, and a
short id lets an attacker grind a key whose id collides with a real one (TRUST.md). With the
full hash, distinct ids mean distinct keys.

Why private-key files are created with mode 0600 from the start (``os.open``) and refused when
other users can read them: a key written world-readable for a moment, or copied with loose
permissions, must be treated as leaked, as OpenSSH does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from cybernorms.trust.encoding import decode_base64, encode_base64
from cybernorms.trust.errors import BadSignature, KeyFileError, MalformedDocument

PRIVATE_KEY_TYPE = "cybernorms.private-key/1"
KEYTYPE_ED25519 = "ed25519"
ED25519_KEY_BYTES = 32
ED25519_SIGNATURE_BYTES = 64


def keyid_of(raw_public: bytes) -> str:
    """Hex SHA-256 of a raw 32-byte public key: the only key id cybernorms uses."""
    return hashlib.sha256(raw_public).hexdigest()


class PublicKey:
    """An Ed25519 public key; equal when the raw bytes are equal."""

    __slots__ = ("_key", "_keyid", "_raw")

    def __init__(self, raw: bytes) -> None:
        if len(raw) != ED25519_KEY_BYTES:
            raise MalformedDocument(
                f"an Ed25519 public key is {ED25519_KEY_BYTES} bytes, not {len(raw)}"
            )
        self._raw = bytes(raw)
        self._key = Ed25519PublicKey.from_public_bytes(self._raw)
        self._keyid = keyid_of(self._raw)

    @property
    def raw(self) -> bytes:
        """The 32 bytes of the key (RFC 8032 encoding)."""
        return self._raw

    @property
    def keyid(self) -> str:
        """Hex SHA-256 of the raw key (64 hex digits, never shortened)."""
        return self._keyid

    def verify(self, signature: bytes, data: bytes) -> None:
        """Raise ``BadSignature`` (naming this key) unless ``signature`` signs ``data``."""
        if len(signature) != ED25519_SIGNATURE_BYTES:
            raise BadSignature(
                f"signature by key {self._keyid} is {len(signature)} bytes, "
                f"an Ed25519 signature is {ED25519_SIGNATURE_BYTES}"
            )
        try:
            self._key.verify(signature, data)
        except InvalidSignature:
            raise BadSignature(f"signature by key {self._keyid} does not verify") from None

    def to_json(self) -> dict[str, str]:
        """``{"keytype": "ed25519", "public": "<base64 of the raw key>"}``."""
        return {"keytype": KEYTYPE_ED25519, "public": encode_base64(self._raw)}

    @classmethod
    def from_json(cls, data: object, where: str = "key") -> PublicKey:
        """Inverse of ``to_json``; ``MalformedDocument`` names ``where`` and the field."""
        if not isinstance(data, dict):
            raise MalformedDocument(f"{where}: must be an object, not {type(data).__name__}")
        extra = set(data) - {"keytype", "public"}
        if extra:
            raise MalformedDocument(f"{where}: unexpected field(s) {sorted(extra)}")
        if data.get("keytype") != KEYTYPE_ED25519:
            raise MalformedDocument(
                f"{where}.keytype: must be {KEYTYPE_ED25519!r}, not {data.get('keytype')!r}"
            )
        try:
            raw = decode_base64(data.get("public"))
        except ValueError as exc:
            raise MalformedDocument(f"{where}.public: {exc}") from exc
        try:
            return cls(raw)
        except MalformedDocument as exc:
            raise MalformedDocument(f"{where}.public: {exc}") from exc

    @classmethod
    def from_cryptography(cls, key: Ed25519PublicKey) -> PublicKey:
        """Wrap a ``cryptography`` public key."""
        return cls(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and other._raw == self._raw

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return f"PublicKey(keyid={self._keyid})"


class SigningKey:
    """An Ed25519 private key labelled with the state (or log) it signs for."""

    __slots__ = ("_private", "_public", "_state")

    def __init__(self, private: Ed25519PrivateKey, state: str) -> None:
        if not isinstance(state, str) or not state or not state.isprintable():
            raise ValueError(f"a signing key needs a non-empty printable label, not {state!r}")
        self._private = private
        self._state = state
        self._public = PublicKey.from_cryptography(private.public_key())

    @classmethod
    def generate(cls, state: str) -> SigningKey:
        """A fresh random key for ``state`` (an ISO 3166-1 alpha-3 code, or a log's name)."""
        return cls(Ed25519PrivateKey.generate(), state)

    @classmethod
    def from_seed(cls, seed: bytes, state: str) -> SigningKey:
        """The key whose RFC 8032 32-byte private seed is ``seed`` (for known-answer tests)."""
        if len(seed) != ED25519_KEY_BYTES:
            raise MalformedDocument(
                f"an Ed25519 private key is {ED25519_KEY_BYTES} bytes, not {len(seed)}"
            )
        return cls(Ed25519PrivateKey.from_private_bytes(seed), state)

    @property
    def state(self) -> str:
        return self._state

    @property
    def public(self) -> PublicKey:
        return self._public

    @property
    def keyid(self) -> str:
        return self._public.keyid

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature (64 bytes, deterministic) over ``data``."""
        return self._private.sign(data)

    def _seed(self) -> bytes:
        return self._private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write the key as JSON, mode 0600, atomically; refuse to replace a key by accident.

        The bytes go to a temporary file in the same directory, created with mode 0600 (never
        wider, even for an instant), flushed to disk, then renamed over ``path``: a crash
        leaves either the old file or the complete new one.
        """
        target = Path(path)
        if not overwrite and target.exists():
            raise KeyFileError(f"{target}: a file already exists; refusing to overwrite a key")
        record = {
            "type": PRIVATE_KEY_TYPE,
            "state": self._state,
            "keyid": self.keyid,
            "private": encode_base64(self._seed()),
        }
        data = (json.dumps(record, indent=2) + "\n").encode("utf-8")
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        _fsync_directory(target.parent)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SigningKey:
        """Read a key written by ``save``; ``KeyFileError`` says what is wrong with the file."""
        source = Path(path)
        try:
            mode = source.stat().st_mode
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyFileError(f"{source}: cannot read private key ({exc})") from exc
        if os.name == "posix" and mode & 0o077:
            raise KeyFileError(
                f"{source}: private key is accessible by other users (mode {mode & 0o777:o}); "
                f"run chmod 600 on it, and consider the key leaked if others could read it"
            )
        try:
            record = json.loads(text)
        except ValueError as exc:
            raise KeyFileError(f"{source}: not JSON ({exc})") from exc
        return cls._from_record(record, str(source))

    @classmethod
    def _from_record(cls, record: Any, source: str) -> SigningKey:
        if not isinstance(record, dict):
            raise KeyFileError(f"{source}: must hold a JSON object")
        if record.get("type") != PRIVATE_KEY_TYPE:
            raise KeyFileError(
                f"{source}: type must be {PRIVATE_KEY_TYPE!r}, not {record.get('type')!r}"
            )
        missing = [f for f in ("state", "keyid", "private") if f not in record]
        if missing:
            raise KeyFileError(f"{source}: missing field(s) {missing}")
        try:
            seed = decode_base64(record["private"])
            key = cls.from_seed(seed, record["state"])
        except (ValueError, MalformedDocument) as exc:
            raise KeyFileError(f"{source}: bad private key ({exc})") from exc
        if record["keyid"] != key.keyid:
            raise KeyFileError(
                f"{source}: keyid {record['keyid']!r} does not match the private key "
                f"(its public key hashes to {key.keyid})"
            )
        return key

    def __repr__(self) -> str:
        return f"SigningKey(state={self._state!r}, keyid={self.keyid})"


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; not every platform can open a directory, which is fine."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
