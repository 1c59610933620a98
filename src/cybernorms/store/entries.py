"""Log entries: what the transparency log records about each published document.

An entry is the RFC 8785 canonical JSON of ``{kind, state, version, digest, logged_at, ...}``
where ``digest`` is the hex SHA-256 of the envelope's payload (the exact signed bytes). It
names the document without containing it: the log stays small, and anyone holding the signed
document recomputes the digest and finds its entry. ``logged_at`` is when the registry accepted
the act (the log's clock, like Rekor's integrated time); an offline verifier checks signatures
and expiry as of that moment, because the question it answers is "was this valid when it was
published", not "is it valid today".

Entries are parsed back strictly (``parse_canonical_object``): one entry has exactly one byte
spelling, so its leaf hash is determined by its meaning.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cybernorms.store.schema import KINDS
from cybernorms.trust.canonical import (
    MAX_SAFE_INTEGER,
    canonical_json,
    parse_canonical_object,
)
from cybernorms.trust.errors import MalformedDocument

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_DIGEST = re.compile(r"[0-9a-f]{64}")
_BASE_FIELDS = frozenset({"kind", "state", "version", "digest", "logged_at"})


def payload_digest(payload: bytes) -> str:
    """Hex SHA-256 of a document's signed bytes: its identity in the log and the registry."""
    return hashlib.sha256(payload).hexdigest()


def timestamp(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC: the one spelling of times in entries and tables."""
    if moment.tzinfo is None:
        raise ValueError("timestamps need a timezone-aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    if not _TIMESTAMP.fullmatch(text):
        raise ValueError(f"not a YYYY-MM-DDTHH:MM:SSZ timestamp: {text!r}")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def flat_canonical_json(obj: Mapping[str, object]) -> bytes:
    """RFC 8785 bytes of a flat object, fast when every key and value is plain ASCII.

    Why: entries are hashed on every append, and the general canonicaliser is half the cost
    of a batched append. For a flat object whose keys and string values are ASCII and whose
    integers are safe, ``json.dumps`` with sorted keys and no spaces produces exactly the JCS
    bytes (same escapes, same key order, same integer spelling); anything else takes the
    general path. ``tests/store/test_entries.py`` checks the two agree.
    """
    if all(k.isascii() and _plain(v) for k, v in obj.items()):
        text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("ascii")  # ensure_ascii=True would escape DEL (0x7f); JCS does not
    return canonical_json(obj)


def _plain(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.isascii()
    return type(value) is int and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER


@dataclass(frozen=True)
class Entry:
    """One log entry. ``version`` is an int for roots and profiles, the package's version
    string for packages, ``None`` for positions; ``extra`` holds kind-specific fields
    (``name`` of a package, ``package`` a position reads)."""

    kind: str
    state: str | None
    version: int | str | None
    digest: str
    logged_at: str
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise MalformedDocument(f"entry.kind: {self.kind!r} is not one of {list(KINDS)}")
        if not _DIGEST.fullmatch(self.digest):
            raise MalformedDocument(f"entry.digest: not a hex SHA-256: {self.digest!r}")
        if not _TIMESTAMP.fullmatch(self.logged_at):
            raise MalformedDocument(
                f"entry.logged_at: not YYYY-MM-DDTHH:MM:SSZ: {self.logged_at!r}"
            )
        clash = _BASE_FIELDS & set(self.extra)
        if clash:
            raise MalformedDocument(f"entry: extra fields {sorted(clash)} shadow base fields")

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "state": self.state,
            "version": self.version,
            "digest": self.digest,
            "logged_at": self.logged_at,
            **self.extra,
        }

    def to_bytes(self) -> bytes:
        """The exact bytes the log hashes (RFC 8785)."""
        return flat_canonical_json(self.to_json())

    @property
    def version_text(self) -> str | None:
        """``version`` as stored in the entries table's text column."""
        return None if self.version is None else str(self.version)

    @classmethod
    def from_bytes(cls, data: bytes) -> Entry:
        """Parse entry bytes, refusing any but the one canonical spelling."""
        obj = parse_canonical_object(data, "log entry")
        missing = sorted(_BASE_FIELDS - set(obj))
        if missing:
            raise MalformedDocument(f"log entry: missing field(s) {missing}")
        extra = {k: v for k, v in obj.items() if k not in _BASE_FIELDS}
        if not all(isinstance(v, str) for v in extra.values()):
            raise MalformedDocument("log entry: extra fields must be strings")
        for name in ("kind", "digest", "logged_at"):
            if not isinstance(obj[name], str):
                raise MalformedDocument(f"log entry.{name}: must be a string")
        state, version = obj["state"], obj["version"]
        if state is not None and not isinstance(state, str):
            raise MalformedDocument("log entry.state: must be a string or null")
        if version is not None and (
            isinstance(version, bool) or not isinstance(version, int | str)
        ):
            raise MalformedDocument("log entry.version: must be an integer, a string or null")
        return cls(obj["kind"], state, version, obj["digest"], obj["logged_at"], extra)
