"""Forum and treaty acts as plain functions: sign an act, publish it, read the fold.

Front ends (``cybernorms forum ...``, ``cybernorms treaty ...``, ``POST /v1/acts``) build one
act from their arguments and call ``publish_act``: the act is signed by the keys given (which
must be the keys of its author's signer: the state, ``forum:<id>``, ``depositary:<id>`` or
``recorder:<id>``), numbered with its signer's next sequence number from the log, and
published in one transaction that the fold of the log's acts must accept (its refusal is the
fold's named ``ForumError``; nothing is written).

``forum_records(db)`` is what other parts read: the acts on the log, in order, ready for
``forum.state.fold``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cybernorms.forum.acts import parse_act
from cybernorms.forum.authors import (
    Author,
    Depositary,
    Record,
    RecordedFromPublicSources,
    Secretariat,
    StateAuthor,
    signer_key,
)
from cybernorms.forum.history import load_history
from cybernorms.forum.signed import ACT_PAYLOAD_TYPE, SignedAct, signer_identity
from cybernorms.forum.state import ForumState, fold
from cybernorms.forum.treaty import StatusRow
from cybernorms.service.registry import (
    InvalidRequest,
    Publication,
    Unlock,
    _publish,
    _registry,
    load_signing_keys,
)
from cybernorms.trust.canonical import json_ready
from cybernorms.trust.envelope import Envelope, sign_document
from cybernorms.trust.keys import SigningKey


def forum_records(db: str | None) -> list[Record]:
    """The forum and treaty acts on the registry's log, in log order, as ``Record``s ready
    for ``forum.state.fold`` (each with its verified author, log index and log time)."""
    with _registry(db) as registry:
        return registry.forum_records()


def forum_state(db: str | None) -> ForumState:
    """The fold of the registry's forum records: every forum, package and treaty now."""
    return fold(forum_records(db))


def next_seq(records: Sequence[Record], author: Author) -> int:
    """The signer's next act number: one more than its last act on the log."""
    key = signer_key(author)
    return 1 + max((r.act.seq for r in records if signer_key(r.author) == key), default=0)


def author_for(
    *,
    state: str | None = None,
    forum: str | None = None,
    depositary: str | None = None,
    recorded_by: str | None = None,
    source: str | None = None,
    occurred_at: str | None = None,
) -> Author:
    """The author of an act from front-end options: exactly one of ``state``, ``forum``
    (its secretariat) and ``depositary``; with ``recorded_by`` (and ``source``,
    ``occurred_at``) the act is recorded on their behalf from public sources."""
    given = [x for x in (state, forum, depositary) if x is not None]
    if len(given) != 1:
        raise InvalidRequest("an act has one author: a state, a forum secretariat or a depositary")
    principal: StateAuthor | Secretariat | Depositary
    if state is not None:
        principal = StateAuthor(author="state", state=state)
    elif forum is not None:
        principal = Secretariat(author="secretariat", forum=forum)
    else:
        assert depositary is not None  # noqa: S101 - one of three was given
        principal = Depositary(author="depositary", depositary=depositary)
    if recorded_by is None:
        if source is not None or occurred_at is not None:
            raise InvalidRequest("--source and --occurred-at go with --recorded-by")
        return principal
    if source is None or occurred_at is None:
        raise InvalidRequest("an act recorded from public sources names --source and --occurred-at")
    return RecordedFromPublicSources.model_validate_json(
        json.dumps(
            {
                "author": "public_sources",
                "on_behalf_of": json.loads(principal.model_dump_json()),
                "by": recorded_by,
                "source": source,
                "occurred_at": occurred_at,
            }
        )
    )


@dataclass(frozen=True)
class ActPublication:
    publication: Publication
    signed: SignedAct


def sign_act(
    author: Author, act_fields: dict[str, Any], keys: Sequence[SigningKey], seq: int
) -> Envelope:
    """Parse the act strictly (``parse_act``) with its ``seq`` and sign author and act."""
    act = parse_act(json.dumps(json_ready({**act_fields, "seq": seq})))
    return sign_document(ACT_PAYLOAD_TYPE, SignedAct(author, act).document(), list(keys))


def publish_act(
    author: Author,
    act_fields: dict[str, Any],
    key_files: Sequence[Path],
    db: str | None,
    *,
    receipt: Path | None = None,
    log_key_file: Path | None = None,
    unlock: Unlock = None,
) -> ActPublication:
    """Sign ``act_fields`` (an act without ``seq``) for ``author`` with the keys given and
    publish it; the fold of the log must accept it (its ``ForumError`` otherwise)."""
    keys = load_signing_keys(key_files, unlock)
    signer = signer_identity(author)
    for key, path in zip(keys, key_files, strict=True):
        if key.state != signer:
            raise InvalidRequest(
                f"--key {path}: this key is labelled for {key.state}; the act is signed for "
                f"by {signer}"
            )
    seq = next_seq(forum_records(db), author)
    envelope = sign_act(author, act_fields, keys, seq)
    signed = SignedAct(author, parse_act(json.dumps(envelope.document()["act"])))
    publication = _publish(db, log_key_file, receipt, lambda r: r.publish_act(envelope))
    return ActPublication(publication, signed)


def publish_signed_act(envelope_file: Path, db: str | None) -> Publication:
    """Publish an act signed elsewhere (its envelope file)."""
    from cybernorms.service.registry import load_envelope

    envelope = load_envelope(envelope_file)
    return _publish(db, None, None, lambda r: r.publish_act(envelope))


# --- the recorded history -------------------------------------------------------------------


def load_recorded_history(
    history: Path, key_files: Sequence[Path], db: str | None, unlock: Unlock = None
) -> int:
    """Publish a history file's acts (``forum.history``), each signed by the recorder's keys
    (``recorder:<recorded_by>``) and marked as recorded from public sources. Stops at the
    first refusal (acts before it stay on the log: each is its own act). Returns how many."""
    keys = load_signing_keys(key_files, unlock)
    records = load_history(history)
    with _registry(db) as registry:
        existing = registry.forum_records()
        count = 0
        for record in records:
            seq = next_seq(existing, record.author)
            act = parse_act(
                json.dumps(json_ready({**json.loads(record.act.model_dump_json()), "seq": seq}))
            )
            envelope = sign_document(
                ACT_PAYLOAD_TYPE, SignedAct(record.author, act).document(), keys
            )
            registry.publish_act(envelope)
            existing = registry.forum_records()
            count += 1
        return count


# --- reading ----------------------------------------------------------------------------------


def status_rows(db: str | None, package: str, revision: str | None = None) -> list[StatusRow]:
    """A treaty version's status table in the UN Treaty Collection's shape (its adopted
    version by default)."""
    state = forum_state(db)
    record = state.package(package)
    if revision is None:
        if not record.adoptions:
            raise InvalidRequest(f"package {package} has no adopted version on the log")
        revision = record.adoptions[-1].content_hash
    return state.status_table(package, revision)


def status_document(rows: Sequence[StatusRow]) -> list[dict[str, Any]]:
    return [json_ready(_row_json(r)) for r in rows]


def _row_json(row: StatusRow) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(row)


def status_csv(rows: Sequence[StatusRow]) -> str:
    documents = status_document(rows)
    out = io.StringIO()
    if not documents:
        return ""
    writer = csv.DictWriter(out, fieldnames=list(documents[0]), lineterminator="\n")
    writer.writeheader()
    for doc in documents:
        writer.writerow({k: _cell(v) for k, v in doc.items()})
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)
