"""A forum act as a signed document: who authors it and the act, one JSON payload.

The payload of an act's envelope (payload type ``ACT_PAYLOAD_TYPE``) is
``{"type": "cybernorms.act/1", "author": <Author>, "act": <Act>}``. The author is inside the
signed bytes, so nobody can re-attribute a signed act; which root must sign it follows from
the author alone (``signer_identity``):

- a state's own act: the state's root (``FRA``);
- a forum's secretariat: the forum's root (``forum:<forum>``);
- a treaty's depositary: its root (``depositary:<id>``);
- an act recorded from public sources: the *recorder's* root (``recorder:<by>``), never the
  root of the one it is recorded for (FORUM.md: "never shown as signed by the state").

Pure: parsing only; the store checks the signatures (``store.checks.check_act``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from cybernorms.errors import LimitExceeded
from cybernorms.forum.acts import Act, act_document, parse_act
from cybernorms.forum.authors import (
    Author,
    Depositary,
    RecordedFromPublicSources,
    Secretariat,
    StateAuthor,
)
from cybernorms.forum.errors import MalformedAct
from cybernorms.limits import LIMITS

ACT_PAYLOAD_TYPE = "application/vnd.cybernorms.act+json"
ACT_DOCUMENT_TYPE = "cybernorms.act/1"
_AUTHOR = TypeAdapter[Author](Author)


@dataclass(frozen=True)
class SignedAct:
    """An act with its author, as one signed payload holds them."""

    author: Author
    act: Act

    @property
    def signer(self) -> str:
        return signer_identity(self.author)

    def document(self) -> dict[str, Any]:
        """The JSON object that is signed (``parse_signed_act`` reads it back)."""
        return {
            "type": ACT_DOCUMENT_TYPE,
            "author": json.loads(self.author.model_dump_json()),
            "act": act_document(self.act),
        }


def signer_identity(author: Author) -> str:
    """The root whose threshold must sign an act of ``author`` (module docstring)."""
    if isinstance(author, RecordedFromPublicSources):
        return f"recorder:{author.by}"
    if isinstance(author, StateAuthor):
        return author.state
    if isinstance(author, Secretariat):
        return f"forum:{author.forum}"
    assert isinstance(author, Depositary)  # noqa: S101 - exhaustive union, narrows the type
    return f"depositary:{author.depositary}"


def principal_state(author: Author) -> str | None:
    """The state an act counts as coming from, if any (for the log entry's ``state``)."""
    principal = author.on_behalf_of if isinstance(author, RecordedFromPublicSources) else author
    return principal.state if isinstance(principal, StateAuthor) else None


def parse_signed_act(payload: bytes) -> SignedAct:
    """Read an act payload strictly: exactly ``type``, ``author`` and ``act``; the act as
    ``parse_act`` reads it (``MalformedAct``, ``FreeTextInDecision``, ``LimitExceeded``)."""
    if len(payload) > LIMITS.document_bytes:
        raise LimitExceeded("document_bytes", LIMITS.document_bytes, "act", f"{len(payload)} bytes")
    try:
        document = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedAct(f"an act payload is JSON: {exc}") from None
    if not isinstance(document, dict):
        raise MalformedAct("an act payload is a JSON object")
    fields = set(document)
    if fields != {"type", "author", "act"}:
        raise MalformedAct(
            f"an act payload has exactly the fields author, act, type; got {sorted(fields)}"
        )
    if document["type"] != ACT_DOCUMENT_TYPE:
        raise MalformedAct(f"type: must be {ACT_DOCUMENT_TYPE!r}, not {document['type']!r}")
    try:
        author = _AUTHOR.validate_json(json.dumps(document["author"]))
    except ValidationError as exc:
        problems = "; ".join(
            f"author.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in exc.errors(include_url=False)[:5]
        )
        raise MalformedAct(f"not a valid author: {problems}") from None
    act = parse_act(json.dumps(document["act"]))
    return SignedAct(author, act)
