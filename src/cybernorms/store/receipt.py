"""Receipts: one file that proves, offline, that a signed document was published on the log.

A receipt holds the signed document, its log entry, a C2SP ``tlog-proof`` (entry index,
inclusion proof, and the log's signed checkpoint, verbatim) and the chain of the publisher's
roots, each with its own log entry and inclusion proof under the same checkpoint. With only the
log's verifier key, ``verify_receipt`` establishes:

1. the checkpoint is signed by the log (and names the log's origin);
2. the entry is in the tree that checkpoint commits to;
3. the entry names exactly this document (SHA-256 of its signed bytes), kind, state, version;
4. each root of the chain is in that same tree, and the chain is valid step by step
   (first root self-signed, every rotation signed by the old and the new thresholds);
5. the document passes the same acceptance check the registry made (``store.checks``), as of
   the moment the log recorded it.

Why the roots travel with their own inclusion proofs: without them a receipt could pair a
logged document with a root chain made up by whoever hands over the file. With them, the root
that vouches for the document is the one the log recorded. Who the *first* root belongs to is
still trust on first use unless the verifier pins a root it obtained out of band
(``trusted_root``): then the chain must pass through it.

No database, no network: this module is pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cybernorms.errors import CybernormsError
from cybernorms.forum.errors import ForumError
from cybernorms.forum.signed import ACT_PAYLOAD_TYPE
from cybernorms.log.checkpoint import Checkpoint, open_checkpoint
from cybernorms.log.hashing import leaf_hash
from cybernorms.log.note import NoteError, NoteVerifier
from cybernorms.log.proofs import ProofError, verify_inclusion
from cybernorms.store.checks import (
    check_act,
    check_package,
    check_position,
    check_profile,
    check_root,
)
from cybernorms.store.entries import Entry, parse_timestamp, payload_digest
from cybernorms.trust.encoding import decode_base64, encode_base64
from cybernorms.trust.envelope import (
    PACKAGE_PAYLOAD_TYPE,
    POSITION_PAYLOAD_TYPE,
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    Envelope,
)
from cybernorms.trust.errors import MalformedDocument, TrustError, WrongState
from cybernorms.trust.root import Root
from cybernorms.trust.strict_json import load_json

RECEIPT_TYPE = "cybernorms.receipt/1"
TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"
_PAYLOAD_TYPE_OF_KIND = {
    "root": ROOT_PAYLOAD_TYPE,
    "profile": PROFILE_PAYLOAD_TYPE,
    "package": PACKAGE_PAYLOAD_TYPE,
    "position": POSITION_PAYLOAD_TYPE,
    "act": ACT_PAYLOAD_TYPE,
}


class ReceiptError(CybernormsError):
    """A receipt does not prove what it claims; the message says which step failed."""


@dataclass(frozen=True)
class TlogProof:
    """C2SP tlog-proof: entry index, inclusion hashes (leaf to root), signed checkpoint."""

    index: int
    hashes: list[bytes]
    checkpoint_note: str

    def text(self) -> str:
        lines = [TLOG_PROOF_HEADER, f"index {self.index}", *map(encode_base64, self.hashes)]
        return "\n".join(lines) + "\n\n" + self.checkpoint_note

    @classmethod
    def parse(cls, text: str) -> TlogProof:
        head, sep, note = text.partition("\n\n")
        if not sep:
            raise ReceiptError("tlog-proof: no blank line before the checkpoint")
        lines = head.split("\n")
        if lines[0] != TLOG_PROOF_HEADER:
            raise ReceiptError(f"tlog-proof: first line must be {TLOG_PROOF_HEADER!r}")
        rest = lines[1:]
        if rest and rest[0].startswith("extra "):
            rest = rest[1:]  # opaque and unauthenticated by definition: ignored
        if not rest or not rest[0].startswith("index "):
            raise ReceiptError("tlog-proof: missing 'index N' line")
        number = rest[0].removeprefix("index ")
        if not (number.isascii() and number.isdigit()) or (
            number != "0" and number.startswith("0")
        ):
            raise ReceiptError(f"tlog-proof: bad index {number!r}")
        try:
            hashes = [decode_base64(line) for line in rest[1:]]
        except ValueError as exc:
            raise ReceiptError(f"tlog-proof: bad proof hash ({exc})") from exc
        return cls(int(number), hashes, note)


@dataclass(frozen=True)
class LoggedRoot:
    """A root of the publisher's chain, with its log entry and inclusion proof."""

    envelope: Envelope
    entry: bytes
    index: int
    inclusion: list[bytes]

    def to_json(self) -> dict[str, Any]:
        return {
            "envelope": self.envelope.to_json(),
            "entry": self.entry.decode("utf-8"),
            "index": self.index,
            "inclusion": [encode_base64(h) for h in self.inclusion],
        }


@dataclass(frozen=True)
class Receipt:
    document: Envelope
    entry: bytes
    proof: TlogProof
    roots: list[LoggedRoot]

    @property
    def checkpoint_size(self) -> int:
        """The tree size of the carried checkpoint, as written (not verified: see
        ``verify_receipt``)."""
        note = self.proof.checkpoint_note
        return Checkpoint.parse(note[: note.rfind("\n\n") + 1]).size

    def to_json(self) -> dict[str, Any]:
        return {
            "type": RECEIPT_TYPE,
            "document": self.document.to_json(),
            "entry": self.entry.decode("utf-8"),
            "tlog_proof": self.proof.text(),
            "roots": [r.to_json() for r in self.roots],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def loads(cls, text: str | bytes) -> Receipt:
        """Parse a receipt strictly: JSON without duplicate keys, floats or excessive depth
        (``trust.strict_json``), no field beyond those ``to_json`` writes, integers as integers.
        Every refusal is a ``ReceiptError`` naming the field."""
        try:
            data = load_json(text, "receipt")
        except CybernormsError as exc:
            raise ReceiptError(str(exc)) from exc
        if not isinstance(data, Mapping) or data.get("type") != RECEIPT_TYPE:
            raise ReceiptError(f"not a receipt: 'type' must be {RECEIPT_TYPE!r}")
        _only(data, _RECEIPT_FIELDS, "receipt")
        try:
            roots = [_logged_root(item, i) for i, item in enumerate(_list(data, "roots"))]
            return cls(
                Envelope.from_json(_field(data, "document", Mapping)),
                _field(data, "entry", str).encode("utf-8"),
                TlogProof.parse(_field(data, "tlog_proof", str)),
                roots,
            )
        except MalformedDocument as exc:
            raise ReceiptError(f"receipt: {exc}") from exc


_RECEIPT_FIELDS = frozenset({"type", "document", "entry", "tlog_proof", "roots"})
_ROOT_FIELDS = frozenset({"envelope", "entry", "index", "inclusion"})


def _only(data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise ReceiptError(f"{where}: unknown field(s) {extra}")
    missing = sorted(allowed - set(data))
    if missing:
        raise ReceiptError(f"{where}: missing field(s) {missing}")


def _field(data: Mapping[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind):
        raise ReceiptError(f"receipt.{name}: missing or of the wrong type")
    return value


def _list(data: Mapping[str, Any], name: str) -> list[Any]:
    value = _field(data, name, list)
    assert isinstance(value, list)  # noqa: S101 - invariant that narrows a type, never input checking
    return value


def _logged_root(item: object, i: int) -> LoggedRoot:
    if not isinstance(item, Mapping):
        raise ReceiptError(f"receipt.roots[{i}]: must be an object")
    _only(item, _ROOT_FIELDS, f"receipt.roots[{i}]")
    index = item.get("index")
    if type(index) is not int or index < 0:
        raise ReceiptError(f"receipt.roots[{i}].index: must be a non-negative integer")
    try:
        inclusion = [decode_base64(h) for h in _field(item, "inclusion", list)]
    except (ValueError, TypeError) as exc:
        raise ReceiptError(f"receipt.roots[{i}].inclusion: {exc}") from exc
    return LoggedRoot(
        Envelope.from_json(_field(item, "envelope", Mapping)),
        _field(item, "entry", str).encode("utf-8"),
        index,
        inclusion,
    )


@dataclass(frozen=True)
class VerifiedReceipt:
    """What a receipt proved."""

    entry: Entry
    index: int
    checkpoint: Checkpoint
    document: dict[str, Any]
    root: Root | None  # the root that vouched for the document (None: a state's first root)
    pinned: bool  # the root chain passed through a root the verifier trusted beforehand


def verify_receipt(
    receipt: Receipt, log_key: NoteVerifier, *, trusted_root: Root | None = None
) -> VerifiedReceipt:
    """Check a receipt offline (module docstring, steps 1-5); ``ReceiptError`` names the step."""
    try:
        checkpoint, _ = open_checkpoint(
            receipt.proof.checkpoint_note, [log_key], origin=log_key.name
        )
    except NoteError as exc:
        raise ReceiptError(f"checkpoint: {exc}") from exc
    entry = _included(
        receipt.entry, receipt.proof.index, receipt.proof.hashes, checkpoint, "document"
    )
    if entry.kind not in _PAYLOAD_TYPE_OF_KIND or entry.state is None:
        raise ReceiptError(f"log entry {receipt.proof.index}: kind {entry.kind!r} without a state")
    if receipt.document.payload_type != _PAYLOAD_TYPE_OF_KIND[entry.kind]:
        raise ReceiptError(
            f"the log entry is a {entry.kind}, the document has payload type "
            f"{receipt.document.payload_type!r}"
        )
    if payload_digest(receipt.document.payload) != entry.digest:
        raise ReceiptError(
            f"the document's SHA-256 is {payload_digest(receipt.document.payload)}, "
            f"the log entry names {entry.digest}: not the logged document"
        )
    moment = parse_timestamp(entry.logged_at)
    chain, pinned = _root_chain(receipt.roots, checkpoint, entry.state, trusted_root)
    try:
        document, root = _check_document(receipt.document, entry, chain, moment)
    except (TrustError, ForumError) as exc:
        raise ReceiptError(f"document: {type(exc).__name__}: {exc}") from exc
    if trusted_root is not None and not pinned:
        if entry.kind == "root" and Root.from_document(document) == trusted_root:
            pinned = True
        else:
            raise ReceiptError(
                f"root chain: does not pass through the trusted {trusted_root.label}"
            )
    return VerifiedReceipt(entry, receipt.proof.index, checkpoint, document, root, pinned)


def _included(
    data: bytes, index: int, proof: Sequence[bytes], checkpoint: Checkpoint, what: str
) -> Entry:
    try:
        verify_inclusion(leaf_hash(data), index, checkpoint.size, proof, checkpoint.root_hash)
    except ProofError as exc:
        raise ReceiptError(
            f"{what}: log entry {index} is not in the checkpointed log: {exc}"
        ) from exc
    try:
        return Entry.from_bytes(data)
    except MalformedDocument as exc:
        raise ReceiptError(f"{what}: log entry {index} is malformed: {exc}") from exc


def _root_chain(
    logged: Sequence[LoggedRoot], checkpoint: Checkpoint, state: str, pin: Root | None
) -> tuple[Root | None, bool]:
    """Verify the logged root chain of ``state``; return its last root and whether it passed
    through ``pin`` (a chain that reaches the pinned version with other keys is refused)."""
    current: Root | None = None
    pinned = False
    for item in logged:
        entry = _included(item.entry, item.index, item.inclusion, checkpoint, "root")
        if entry.kind != "root" or entry.state != state:
            raise ReceiptError(f"root chain: log entry {item.index} is not a root of {state}")
        if payload_digest(item.envelope.payload) != entry.digest:
            raise ReceiptError(f"root chain: root at log entry {item.index} is not the logged one")
        try:
            current = check_root(item.envelope, current, parse_timestamp(entry.logged_at))
        except TrustError as exc:
            raise ReceiptError(f"root chain: {type(exc).__name__}: {exc}") from exc
        if pin is not None and current.version == pin.version:
            if current != pin:
                raise ReceiptError(
                    f"root chain: {current.label} differs from the root you trust "
                    f"(a different key set or threshold)"
                )
            pinned = True
    return current, pinned


def _check_document(
    envelope: Envelope, entry: Entry, root: Root | None, moment: datetime
) -> tuple[dict[str, Any], Root | None]:
    if entry.kind == "root":
        if root is not None and root.version >= int(entry.version or 0):
            raise ReceiptError("root chain: goes beyond the root this receipt is for")
        new = check_root(envelope, root, moment)
        _same(entry, new.state, new.version)
        return envelope.document(), root
    if root is None:
        raise ReceiptError(f"the receipt carries no root of {entry.state} to check the document")
    if entry.kind == "profile":
        profile = check_profile(envelope, root, None, moment)
        _same(entry, profile.state, profile.version)
    elif entry.kind == "package":
        info = check_package(envelope, root, moment)
        _same(entry, root.state, info.version)
    elif entry.kind == "act":
        check_act(envelope, root, moment)
        _same(entry, root.state, None)
    else:
        position = check_position(envelope, root, moment)
        _same(entry, position.state, None)
    return envelope.document(), root


def _same(entry: Entry, state: str, version: int | str | None) -> None:
    if (entry.state, entry.version) != (state, version):
        raise WrongState(
            f"the log entry names {entry.state} version {entry.version!r}, the document "
            f"{state} version {version!r}"
        )
