"""Decision receipts: recompute a forum decision, or a treaty's entry into force, offline.

A decision receipt carries a signed checkpoint of size N, EVERY log entry below N (their bytes)
and the signed documents of every forum act among them with the roots of their signers. With
only the log's verifier key, ``verify_decision_receipt``:

1. checks the checkpoint's signature and origin;
2. rebuilds the Merkle tree from all N entries and compares its root with the checkpoint's:
   so no entry was left out, added or changed (an objection cannot be omitted; consensus is
   proven as the absence of blocking acts in the whole prefix, not in a selection);
3. checks each document against its entry (SHA-256 of its signed bytes) and each act's
   signature under the root of its signer in force when it was logged (roots re-verified as a
   chain from the first, self-signed one);
4. folds the acts (``forum.state.fold``): every outcome, "what a call still needs" and every
   entry-into-force date is then a pure function of the log prefix, recomputed here.

Entries of other kinds (profiles, packages, positions, other states' roots) are hashed into the
tree but not read. No database, no network: this module is pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cybernorms.errors import CybernormsError
from cybernorms.forum.authors import Record
from cybernorms.forum.errors import ForumError
from cybernorms.forum.state import ForumState
from cybernorms.log.checkpoint import Checkpoint, open_checkpoint
from cybernorms.log.note import NoteError, NoteVerifier
from cybernorms.log.tree import MemoryTree
from cybernorms.store.checks import check_act, check_root
from cybernorms.store.entries import Entry, parse_timestamp, payload_digest
from cybernorms.trust.envelope import Envelope
from cybernorms.trust.errors import TrustError
from cybernorms.trust.root import Root
from cybernorms.trust.strict_json import load_json

DECISION_RECEIPT_TYPE = "cybernorms.decision-receipt/1"
_FIELDS = frozenset({"type", "checkpoint", "entries", "documents"})


class DecisionReceiptError(CybernormsError):
    """A decision receipt does not prove what it claims; the message names the step."""


@dataclass(frozen=True)
class DecisionReceipt:
    checkpoint_note: str
    entries: list[bytes]
    documents: dict[int, Envelope]

    def to_json(self) -> dict[str, Any]:
        return {
            "type": DECISION_RECEIPT_TYPE,
            "checkpoint": self.checkpoint_note,
            "entries": [e.decode("utf-8") for e in self.entries],
            "documents": {str(i): env.to_json() for i, env in sorted(self.documents.items())},
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def loads(cls, text: str | bytes) -> DecisionReceipt:
        try:
            data = load_json(text, "decision receipt")
        except CybernormsError as exc:
            raise DecisionReceiptError(str(exc)) from exc
        if not isinstance(data, Mapping) or data.get("type") != DECISION_RECEIPT_TYPE:
            raise DecisionReceiptError(
                f"not a decision receipt: type is not {DECISION_RECEIPT_TYPE}"
            )
        if set(data) != _FIELDS:
            raise DecisionReceiptError(f"decision receipt: fields must be {sorted(_FIELDS)}")
        note, entries, documents = data["checkpoint"], data["entries"], data["documents"]
        if not isinstance(note, str) or not isinstance(entries, list):
            raise DecisionReceiptError("decision receipt: checkpoint or entries malformed")
        if not all(isinstance(e, str) for e in entries) or not isinstance(documents, Mapping):
            raise DecisionReceiptError("decision receipt: entries or documents malformed")
        parsed: dict[int, Envelope] = {}
        for key, value in documents.items():
            if not (isinstance(key, str) and key.isdigit()) or not isinstance(value, Mapping):
                raise DecisionReceiptError(f"decision receipt: documents[{key!r}] malformed")
            try:
                parsed[int(key)] = Envelope.from_json(value)
            except TrustError as exc:
                raise DecisionReceiptError(f"documents[{key}]: {exc}") from exc
        return cls(note, [e.encode("utf-8") for e in entries], parsed)


@dataclass(frozen=True)
class VerifiedDecisions:
    """What a decision receipt proved: the checkpoint and the forum state its prefix folds
    to (every forum, call, adoption and treaty), and the records read."""

    checkpoint: Checkpoint
    state: ForumState
    records: list[Record]


def verify_decision_receipt(receipt: DecisionReceipt, log_key: NoteVerifier) -> VerifiedDecisions:
    """Steps 1-4 of the module docstring; ``DecisionReceiptError`` (or the fold's own
    ``ForumError`` for an act the record refuses) names what failed."""
    try:
        checkpoint, _ = open_checkpoint(receipt.checkpoint_note, [log_key], origin=log_key.name)
    except NoteError as exc:
        raise DecisionReceiptError(f"checkpoint: {exc}") from exc
    if len(receipt.entries) != checkpoint.size:
        raise DecisionReceiptError(
            f"the checkpoint covers {checkpoint.size} entries, the receipt carries "
            f"{len(receipt.entries)}: every entry of the prefix is needed"
        )
    tree = MemoryTree()
    tree.append(receipt.entries)
    if checkpoint.size and tree.root() != checkpoint.root_hash:
        raise DecisionReceiptError(
            "the entries do not hash to the checkpoint's root: an entry was left out, added "
            "or changed"
        )
    entries = [_entry(data, i) for i, data in enumerate(receipt.entries)]
    signers = {e.state for e in entries if e.kind == "act" and e.state}
    roots: dict[str, Root] = {}
    records: list[Record] = []
    for index, entry in enumerate(entries):
        if entry.kind not in ("root", "act") or entry.state not in signers:
            continue
        envelope = receipt.documents.get(index)
        if envelope is None:
            raise DecisionReceiptError(f"log entry {index} ({entry.kind}): its document is missing")
        if payload_digest(envelope.payload) != entry.digest:
            raise DecisionReceiptError(f"log entry {index}: the document is not the logged one")
        moment = parse_timestamp(entry.logged_at)
        try:
            if entry.kind == "root":
                roots[entry.state] = check_root(envelope, roots.get(entry.state), moment)
                continue
            root = roots.get(entry.state)
            if root is None:
                raise DecisionReceiptError(f"log entry {index}: no root of {entry.state} before it")
            signed = check_act(envelope, root, moment)
        except (TrustError, ForumError) as exc:
            raise DecisionReceiptError(f"log entry {index}: {type(exc).__name__}: {exc}") from exc
        records.append(Record(signed.act, signed.author, index, moment))
    state = ForumState()
    for record in records:
        state.apply(record)
    return VerifiedDecisions(checkpoint, state, records)


def _entry(data: bytes, index: int) -> Entry:
    try:
        return Entry.from_bytes(data)
    except TrustError as exc:
        raise DecisionReceiptError(f"log entry {index}: malformed: {exc}") from exc


def documents_needed(entries: Sequence[Entry]) -> list[int]:
    """Indexes whose documents a decision receipt carries: every act, and every root of a
    holder that signed an act."""
    signers = {e.state for e in entries if e.kind == "act"}
    return [i for i, e in enumerate(entries) if e.kind in ("root", "act") and e.state in signers]
