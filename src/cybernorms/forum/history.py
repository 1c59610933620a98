"""The shipped record: acts recorded from public sources, read strictly into ``Record``s.

``rulebooks/record/history.yaml`` holds, in our own words and with a source per act, the
acts that give today's packages their standing (issue 9, item 4). Each is an act of a
forum's secretariat, a depositary or a state, **recorded from public sources** by the
maintainers: ``RecordedFromPublicSources`` with the act's source and the time it took
place. Nothing here is signed by the one it is recorded for, and ``Record.attribution`` says
so wherever a record is shown.

The file is read strictly (unknown keys, a missing source, a naive time are refused with
``file:line:col``); acts are parsed by ``parse_act`` exactly as the store parses a signed
payload. The recorder's sequence numbers are the file's order (1, 2, 3...), so a history
cannot be reordered or replayed without the fold refusing it.

``package_content_hash`` computes a package version's identity the way ``cybernorms package
publish`` does: SHA-256 of the RFC 8785 canonical JSON of the package document (YAML dates as
ISO strings). The history names packages by that hash; ``tests/record`` recomputes each one
from the shipped package files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from cybernorms.forum.acts import Slug, Text, parse_act
from cybernorms.forum.authors import (
    Depositary,
    Record,
    RecordedFromPublicSources,
    Secretariat,
    StateAuthor,
)
from cybernorms.forum.errors import ForumError
from cybernorms.model.documents import Document, DocumentError, Problem, load_file
from cybernorms.trust.canonical import canonical_json, json_ready

#: Who recorded the shipped history (the ``by`` of every record).
RECORDER = "cybernorms-maintainers"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HistoryEntry(_Strict):
    """One act as the history file writes it: for whom, from which source, when, and the act
    (without ``seq``: the file's order gives it)."""

    on_behalf_of: Annotated[StateAuthor | Secretariat | Depositary, Field(discriminator="author")]
    source: Text
    occurred_at: AwareDatetime
    act: dict[str, Any]


class HistoryFile(_Strict):
    """The history: who recorded it, when it was logged, and its acts in order."""

    recorded_by: Slug
    recorded_at: AwareDatetime
    acts: Annotated[list[HistoryEntry], Field(min_length=1)]


def load_history(
    path: Path | str, *, first_log_index: int = 0, logged_at: datetime | None = None
) -> list[Record]:
    """The history's acts as ``Record``s recorded from public sources, in file order.

    ``first_log_index`` and ``logged_at`` are where and when a registry logs them (default:
    from 0, at the file's ``recorded_at``). Refuses the whole file, every problem located,
    when any entry is not exactly an act; nothing is half-read.
    """
    doc = load_file(path)
    history = doc.validate(HistoryFile)
    at = logged_at if logged_at is not None else history.recorded_at
    records: list[Record] = []
    problems: list[Problem] = []
    for i, entry in enumerate(history.acts):
        where = ("acts", i, "act")
        if "seq" in entry.act:
            problems.append(Problem(doc.where((*where, "seq")), "seq: given by the file's order"))
            continue
        payload = json.dumps(json_ready({**entry.act, "seq": i + 1})).encode()
        try:
            act = parse_act(payload)
        except ForumError as exc:
            problems.append(Problem(doc.where(where), str(exc)))
            continue
        author = RecordedFromPublicSources(
            author="public_sources",
            on_behalf_of=entry.on_behalf_of,
            by=history.recorded_by,
            source=entry.source,
            occurred_at=entry.occurred_at,
        )
        records.append(Record(act, author, first_log_index + i, at))
    if problems:
        raise DocumentError(problems)
    return records


def package_content_hash(path: Path | str) -> str:
    """A package version's identity as ``cybernorms package publish`` signs it: SHA-256 of
    the canonical JSON (RFC 8785) of the document, YAML dates written as ISO strings."""
    return content_hash_of(load_file(path))


def content_hash_of(document: Document) -> str:
    return hashlib.sha256(canonical_json(json_ready(document.value))).hexdigest()



__all__: Sequence[str] = ("RECORDER", "content_hash_of", "load_history", "package_content_hash")
