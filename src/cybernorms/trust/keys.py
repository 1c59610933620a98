"""Ed25519 keys: a state's signing keys and the public keys its root of trust lists.

Why a key id is the full SHA-256 of the raw public key: thresholds count distinct keys, and a
short id lets an attacker grind a key whose id collides with a real one (TRUST.md). With the
full hash, distinct ids mean distinct keys.

Why private-key files are created with mode 0600 from the start (``os.open``) and refused when
other users can read them: a key written world-readable for a moment, or copied with loose
permissions, must be treated as leaked, as OpenSSH does.

Why a public key is validated as a *point*, not as 32 bytes (TRUST.md, issue 14 finding 1):
OpenSSL's Ed25519 accepts keys of small order, keys with a small-order component (A + T) and a
second encoding of one point (y + p). With those, one private key meets a threshold of two, and
two encodings of the identity accept the signature (R = identity, S = 0) on every message.
libsodium's ``crypto_core_ed25519_is_valid_point`` (through PyNaCl) refuses all of them; the
``PublicKey`` constructor runs it, so every path that reads a key (roots, key files, envelopes'
roots, the log's verifier key) gets the check. Once every key is the one canonical encoding of
a prime-order point, distinct key bytes (and key ids) mean distinct points, which is what a
threshold counts.

Why encrypted key files keep the JSON record and put the encrypted PKCS#8 inside it (finding
9): the label (state), key id and public key stay readable without the passphrase, so ``root
new`` can take the public half of a locked key, and a wrong passphrase is told apart from a
file that belongs to another key (the decrypted key must hash to the recorded key id). The
encrypted part is standard PKCS#8 PEM (``cryptography``'s ``BestAvailableEncryption``: PBES2,
PBKDF2-HMAC-SHA256, AES-256-CBC), readable by OpenSSL. Its KDF is PBKDF2 with OpenSSL's
default iteration count (2,048 today): weak against offline guessing, so the passphrase must
carry its own entropy (a long random or diceware passphrase), and the 0600 mode still matters.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nacl.exceptions
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from nacl.bindings import crypto_core_ed25519_add, crypto_core_ed25519_is_valid_point

from cybernorms.trust.encoding import decode_base64, encode_base64
from cybernorms.trust.errors import (
    BadPassphrase,
    BadSignature,
    InvalidKey,
    KeyFileError,
    KeyLocked,
    MalformedDocument,
)
from cybernorms.trust.strict_json import load_json

PRIVATE_KEY_TYPE = "cybernorms.private-key/1"
PUBLIC_KEY_TYPE = "cybernorms.public-key/1"
KEYTYPE_ED25519 = "ed25519"
ED25519_KEY_BYTES = 32
ED25519_SIGNATURE_BYTES = 64

_P = 2**255 - 19  # the field prime of Curve25519
_IDENTITY = (1).to_bytes(ED25519_KEY_BYTES, "little")  # the neutral element (x = 0, y = 1)
#: A passphrase, none, or a function giving one (called only for an encrypted key).
Passphrase = bytes | Callable[[], bytes | None] | None

_PLAIN_FIELDS = frozenset({"type", "state", "keyid", "private"})
_ENCRYPTED_FIELDS = frozenset({"type", "state", "keyid", "public", "encrypted_pkcs8"})
_PUBLIC_FILE_FIELDS = frozenset({"type", "state", "keyid", "keytype", "public"})


def keyid_of(raw_public: bytes) -> str:
    """Hex SHA-256 of a raw 32-byte public key: the only key id cybernorms uses."""
    return hashlib.sha256(raw_public).hexdigest()


@functools.lru_cache(maxsize=4096)
def point_problem(raw: bytes) -> str | None:
    """Why ``raw`` is not a usable Ed25519 public key, or None when it is.

    The decision is libsodium's ``crypto_core_ed25519_is_valid_point`` (canonical, on the
    curve, not of small order, in the prime-order subgroup) plus an explicit check of both
    non-canonical cases (y >= p; x = 0 with the sign bit set), so that the refusal does not
    depend on one library's reading of "canonical". When a key is refused, the reason is found
    with libsodium's point addition: [8]P = identity means small order; any other refused
    point on the curve has a small-order component. Cached: roots are parsed often, and the
    check costs a scalar multiplication.
    """
    encoded = int.from_bytes(raw, "little")
    y, sign = encoded & ((1 << 255) - 1), encoded >> 255
    if y >= _P:
        return "non-canonical encoding (y >= p: another spelling of the point y - p)"
    if sign and y in (1, _P - 1):  # x = 0 exactly when y = 1 or y = -1
        return "non-canonical encoding (x = 0 with the sign bit set)"
    if crypto_core_ed25519_is_valid_point(raw):
        return None
    try:
        eight_times = raw
        for _ in range(3):
            eight_times = crypto_core_ed25519_add(eight_times, eight_times)
    except nacl.exceptions.RuntimeError:
        return "not a point on the curve"
    if eight_times == _IDENTITY:
        return "a point of small order (1, 2, 4 or 8): it verifies forged signatures"
    return (
        "not in the prime-order subgroup (a point with a small-order component, A + T): "
        "one private key could count as several"
    )


class PublicKey:
    """An Ed25519 public key: the canonical encoding of a point of the prime-order subgroup.

    Equal when the raw bytes are equal, which (every other encoding being refused) is when the
    points are equal.
    """

    __slots__ = ("_key", "_keyid", "_raw")

    def __init__(self, raw: bytes) -> None:
        if len(raw) != ED25519_KEY_BYTES:
            raise MalformedDocument(
                f"an Ed25519 public key is {ED25519_KEY_BYTES} bytes, not {len(raw)}"
            )
        problem = point_problem(bytes(raw))
        if problem is not None:
            raise InvalidKey(f"Ed25519 public key {encode_base64(bytes(raw))} refused: {problem}")
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
            raise type(exc)(f"{where}.public: {exc}") from None

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

    def save(
        self,
        path: str | os.PathLike[str],
        passphrase: bytes | None = None,
        *,
        overwrite: bool = False,
    ) -> None:
        """Write the key as JSON, mode 0600, atomically; refuse to replace a key by accident.

        With ``passphrase``, the private key is stored as PKCS#8 PEM encrypted with it (the
        module docstring says why inside the JSON record, and how strong that is); the state,
        key id and public key stay readable. The bytes go to a temporary file in the same
        directory, created with mode 0600 (never wider, even for an instant), flushed to disk,
        then renamed over ``path``: a crash leaves either the old file or the complete new one.
        """
        target = Path(path)
        if not overwrite and target.exists():
            raise KeyFileError(f"{target}: a file already exists; refusing to overwrite a key")
        record: dict[str, str] = {
            "type": PRIVATE_KEY_TYPE,
            "state": self._state,
            "keyid": self.keyid,
        }
        if passphrase is None:
            record["private"] = encode_base64(self._seed())
        else:
            if not passphrase:
                raise KeyFileError(f"{target}: an empty passphrase encrypts nothing")
            record["public"] = encode_base64(self._public.raw)
            record["encrypted_pkcs8"] = self._private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(passphrase),
            ).decode("ascii")
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
    def load(cls, path: str | os.PathLike[str], passphrase: Passphrase = None) -> SigningKey:
        """Read a key written by ``save``; ``KeyFileError`` says what is wrong with the file.

        An encrypted key needs ``passphrase``: without one, ``KeyLocked``; with a wrong one,
        ``BadPassphrase``. It may be a function, called only when the file is encrypted (a
        front end's prompt or environment lookup: no one is asked for a passphrase that is not
        needed). For a key stored unencrypted the passphrase is not needed and is ignored, so
        one passphrase setting can serve a mix of keys.
        """
        source = str(path)
        record = _read_key_record(Path(path))
        if record.get("type") != PRIVATE_KEY_TYPE:
            raise KeyFileError(
                f"{source}: type must be {PRIVATE_KEY_TYPE!r}, not {record.get('type')!r}"
            )
        if "encrypted_pkcs8" in record:
            _check_fields(record, _ENCRYPTED_FIELDS, source)
            key = cls._decrypt(record, passphrase, source)
        else:
            _check_fields(record, _PLAIN_FIELDS, source)
            try:
                seed = decode_base64(record["private"])
                key = cls.from_seed(seed, record["state"])
            except (ValueError, MalformedDocument) as exc:
                raise KeyFileError(f"{source}: bad private key ({exc})") from None
        if record["keyid"] != key.keyid:
            raise KeyFileError(
                f"{source}: keyid {record['keyid']!r} does not match the private key "
                f"(its public key hashes to {key.keyid})"
            )
        return key

    @classmethod
    def _decrypt(cls, record: dict[str, Any], passphrase: Passphrase, source: str) -> SigningKey:
        if callable(passphrase):
            passphrase = passphrase()
        if passphrase is None:
            raise KeyLocked(
                f"{source}: private key is encrypted; give its passphrase "
                f"(key {record['keyid']} of {record['state']})"
            )
        pem = record["encrypted_pkcs8"]
        if not isinstance(pem, str):
            raise KeyFileError(f"{source}: encrypted_pkcs8 must be a PEM string")
        try:
            private = serialization.load_pem_private_key(pem.encode("utf-8"), passphrase)
        except ValueError as exc:
            # A wrong passphrase usually fails the padding check ("bad decrypt"), but about
            # one time in 256 the garbage it yields pads correctly and fails as ASN.1 instead:
            # for a PEM that is an encrypted key, every such failure is the passphrase's.
            encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----" in pem
            if encrypted or "password" in str(exc).lower() or "decrypt" in str(exc).lower():
                raise BadPassphrase(
                    f"{source}: the passphrase does not decrypt this private key"
                ) from None
            raise KeyFileError(f"{source}: bad encrypted private key ({exc})") from None
        except (TypeError, UnicodeEncodeError) as exc:  # the PEM is not encrypted after all
            raise KeyFileError(f"{source}: bad encrypted private key ({exc})") from None
        if not isinstance(private, Ed25519PrivateKey):
            raise KeyFileError(f"{source}: encrypted key is not an Ed25519 key")
        try:
            key = cls(private, record["state"])
        except ValueError as exc:
            raise KeyFileError(f"{source}: {exc}") from None
        if record["public"] != encode_base64(key.public.raw):
            raise KeyFileError(f"{source}: public does not match the encrypted private key")
        return key

    @staticmethod
    def is_encrypted(path: str | os.PathLike[str]) -> bool:
        """Whether the key file at ``path`` needs a passphrase (``KeyFileError`` if unreadable)."""
        return "encrypted_pkcs8" in _read_key_record(Path(path))

    def __repr__(self) -> str:
        return f"SigningKey(state={self._state!r}, keyid={self.keyid})"


def public_key_record(key: SigningKey) -> dict[str, str]:
    """The public key file (``.pub``) of ``key``: what a root lists, safe to share."""
    return {
        "type": PUBLIC_KEY_TYPE,
        "state": key.state,
        "keyid": key.keyid,
        **key.public.to_json(),
    }


def load_public_key(path: str | os.PathLike[str]) -> PublicKey:
    """The public key in a public key file, or the public half of a private key file.

    A locked (encrypted) private key gives its public half without the passphrase. Parsed as
    strictly as everything signed: unknown or missing fields, a key id that is not the key's.
    """
    source = str(path)
    record = _read_key_record(Path(path), private=False)
    kind = record.get("type")
    if kind == PRIVATE_KEY_TYPE:
        if "encrypted_pkcs8" not in record:
            return SigningKey.load(path).public
        _check_fields(record, _ENCRYPTED_FIELDS, source)
        raw = {"keytype": KEYTYPE_ED25519, "public": record["public"]}
    elif kind == PUBLIC_KEY_TYPE:
        _check_fields(record, _PUBLIC_FILE_FIELDS, source)
        raw = {"keytype": record["keytype"], "public": record["public"]}
    else:
        raise KeyFileError(f"{source}: not a cybernorms public or private key file")
    key = PublicKey.from_json(raw, source)
    if record["keyid"] != key.keyid:
        raise KeyFileError(f"{source}: keyid does not match the public key ({key.keyid})")
    return key


def _read_key_record(source: Path, *, private: bool = True) -> dict[str, Any]:
    """A key file's JSON object, strictly parsed; a private key must be mode 0600 or tighter.

    With ``private`` false (reading a public key, which may come from a private key file), the
    mode is checked once the file says it holds a private key.
    """
    try:
        mode = source.stat().st_mode
        data = source.read_bytes()
    except OSError as exc:
        what = "private key" if private else "key file"
        raise KeyFileError(f"{source}: cannot read {what} ({exc})") from None
    if private:
        _check_mode(source, mode)
    try:
        record = load_json(data, str(source))
    except MalformedDocument as exc:
        raise KeyFileError(str(exc)) from None
    if not isinstance(record, dict):
        raise KeyFileError(f"{source}: must hold a JSON object")
    if not private and record.get("type") == PRIVATE_KEY_TYPE:
        _check_mode(source, mode)
    return record


def _check_mode(source: Path, mode: int) -> None:
    if os.name == "posix" and mode & 0o077:
        raise KeyFileError(
            f"{source}: private key is accessible by other users (mode {mode & 0o777:o}); "
            f"run chmod 600 on it, and consider the key leaked if others could read it"
        )


def _check_fields(record: dict[str, Any], fields: frozenset[str], source: str) -> None:
    """Exactly ``fields``, each a string: an unknown field is refused, never ignored."""
    missing = sorted(fields - set(record))
    if missing:
        raise KeyFileError(f"{source}: missing field(s) {missing}")
    extra = sorted(set(record) - fields)
    if extra:
        raise KeyFileError(f"{source}: unexpected field(s) {extra}")
    for name in sorted(fields):
        if not isinstance(record[name], str):
            raise KeyFileError(f"{source}: {name} must be a string, not {record[name]!r}")


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
