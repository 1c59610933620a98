"""A small world of states, keys and documents that registry tests build attacks from.

Keys are named by state and number (``world.key("FRA", 1)``) and generated on first use, so
a test reads like the situation it sets up: "FRA root v1 has keys 1, 2, 3 and threshold 2;
keys 1 and 2 sign profile version 2".
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, MetaData, select

from cybernorms.trust import (
    PACKAGE_PAYLOAD_TYPE,
    POSITION_PAYLOAD_TYPE,
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    Envelope,
    Root,
    SigningKey,
    sign_document,
)

NOW = datetime.now(UTC).replace(microsecond=0)
ROOT_EXPIRES = NOW + timedelta(days=365)
TODAY = NOW.date()


class World:
    def __init__(self) -> None:
        self._keys: dict[tuple[str, int], SigningKey] = {}

    def key(self, state: str, number: int) -> SigningKey:
        if (state, number) not in self._keys:
            self._keys[(state, number)] = SigningKey.generate(state)
        return self._keys[(state, number)]

    def keys(self, state: str, numbers: str) -> list[SigningKey]:
        """``world.keys("FRA", "12")`` -> FRA keys 1 and 2."""
        return [self.key(state, int(n)) for n in numbers]

    def root(
        self,
        state: str,
        numbers: str,
        threshold: int,
        *,
        version: int = 1,
        expires: datetime = ROOT_EXPIRES,
    ) -> Root:
        return Root.create(
            state, version, expires, [k.public for k in self.keys(state, numbers)], threshold
        )

    def signed_root(
        self,
        state: str,
        numbers: str,
        threshold: int,
        *,
        signers: str,
        version: int = 1,
        signer_state: str | None = None,
        expires: datetime = ROOT_EXPIRES,
    ) -> Envelope:
        root = self.root(state, numbers, threshold, version=version, expires=expires)
        keys = self.keys(signer_state or state, signers)
        return sign_document(ROOT_PAYLOAD_TYPE, root.to_document(), keys)

    def rotation(
        self, state: str, new_numbers: str, threshold: int, *, version: int, signers: str
    ) -> Envelope:
        """Root ``version`` with keys ``new_numbers``, signed by keys ``signers`` (old and/or
        new numbers of the same state)."""
        return self.signed_root(state, new_numbers, threshold, signers=signers, version=version)

    def profile(
        self,
        state: str,
        version: int,
        *,
        signers: str,
        signer_state: str | None = None,
        effective_from: dt.date = dt.date(2020, 1, 1),
        expires: dt.date | None = None,
        sectors: tuple[str, ...] = ("energy", "health"),
        extra: dict[str, Any] | None = None,
    ) -> Envelope:
        document: dict[str, Any] = {
            "state": state,
            "version": version,
            "effective_from": effective_from.isoformat(),
            "parameters": {"critical_sectors": list(sectors)},
            **(extra or {}),
        }
        if expires is not None:
            document["expires"] = expires.isoformat()
        keys = self.keys(signer_state or state, signers)
        return sign_document(PROFILE_PAYLOAD_TYPE, document, keys)

    def package(
        self, name: str, version: str, *, state: str, signers: str, title: str = "A package"
    ) -> Envelope:
        document = {"package": name, "version": version, "forum": "unga", "title": title}
        return sign_document(PACKAGE_PAYLOAD_TYPE, document, self.keys(state, signers))

    def position(self, state: str, *, signers: str, title: str = "National position") -> Envelope:
        document = {
            "position": state,
            "package": "un-gge-2015",
            "title": title,
            "sources": ["https://example.org/position"],
        }
        return sign_document(POSITION_PAYLOAD_TYPE, document, self.keys(state, signers))


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: equal snapshots mean an unchanged registry."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for name, table in sorted(meta.tables.items())
        }
