"""Forum acts signed by their authors' roots and published to a real registry.

``log.by(state("FRA")).join(...)`` signs the act with the key of its signer's root (published on
first use: the state's, ``forum:<id>``, ``depositary:<id>`` or ``recorder:<id>``), numbers it
with the signer's next sequence number and publishes it at the log's clock. ``refuses(Error)``
asserts the exact refusal and that no row of any table changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from cybernorms.errors import CybernormsError
from cybernorms.forum import ForumState, fold
from cybernorms.forum.authors import Author, signer_key
from cybernorms.forum.signed import ACT_DOCUMENT_TYPE, ACT_PAYLOAD_TYPE, signer_identity
from cybernorms.store import Published, Registry
from cybernorms.trust import Envelope, sign_document

from .world import NOW, World, snapshot


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value.isoformat()


class SignedLog:
    def __init__(self, registry: Registry, world: World) -> None:
        self.registry = registry
        self.world = world
        self.now = NOW + timedelta(minutes=1)
        self._holders: set[str] = set()

    @property
    def state(self) -> ForumState:
        return fold(self.registry.forum_records())

    def tick(self, **delta: float) -> datetime:
        self.now += timedelta(**delta) if delta else timedelta(minutes=1)
        return self.now

    def holder(self, identity: str) -> None:
        if identity not in self._holders:
            self.registry.publish_root(
                self.world.signed_root(identity, "1", 1, signers="1"), now=self.now
            )
            self._holders.add(identity)

    def next_seq(self, author: Author) -> int:
        key = signer_key(author)
        seqs = [r.act.seq for r in self.registry.forum_records() if signer_key(r.author) == key]
        return max(seqs, default=0) + 1

    def envelope(
        self,
        author: Author,
        kind: str,
        *,
        seq: int | None = None,
        signer: str | None = None,
        **fields: Any,
    ) -> Envelope:
        identity = signer_identity(author)
        self.holder(signer or identity)
        document = {
            "type": ACT_DOCUMENT_TYPE,
            "author": json.loads(author.model_dump_json()),
            "act": json.loads(
                json.dumps(
                    {"kind": kind, "seq": seq or self.next_seq(author), **fields}, default=_json
                )
            ),
        }
        return sign_document(ACT_PAYLOAD_TYPE, document, [self.world.key(signer or identity, 1)])

    def publish(self, envelope: Envelope) -> Published:
        return self.registry.publish_act(envelope, now=self.now)

    def add(self, author: Author, kind: str, **fields: Any) -> Published:
        self.tick()
        return self.publish(self.envelope(author, kind, **fields))

    def refused(
        self, error: type[CybernormsError], attempt: Callable[[], object]
    ) -> CybernormsError:
        """``attempt`` raises exactly ``error`` and leaves every table as it was."""
        self.tick()
        before = snapshot(self.registry.engine)
        with pytest.raises(CybernormsError) as caught:
            attempt()
        assert type(caught.value) is error, f"refused as {caught.value!r}, not {error.__name__}"
        assert snapshot(self.registry.engine) == before
        return caught.value

    def by(self, author: Author) -> Acting:
        return Acting(self, author)


class Acting:
    def __init__(
        self, log: SignedLog, author: Author, error: type[CybernormsError] | None = None
    ) -> None:
        self._log, self._author, self._error = log, author, error

    def refuses(self, error: type[CybernormsError]) -> Acting:
        return Acting(self._log, self._author, error)

    def __getattr__(self, kind: str) -> Callable[..., Any]:
        def act(**fields: Any) -> Any:
            if self._error is None:
                return self._log.add(self._author, kind, **fields)
            self._log.tick()
            envelope = self._log.envelope(self._author, kind, **fields)  # roots first
            return self._log.refused(self._error, lambda: self._log.publish(envelope))

        return act
