"""A small in-memory "repository" of states, keys and roots that trust tests mutate.

Modelled on python-tuf's repository simulator: each test builds the situation it attacks from
these helpers, then asserts the exact refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cybernorms.trust import (
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    Envelope,
    Root,
    SigningKey,
    sign_document,
)

NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
ROOT_EXPIRES = NOW + timedelta(days=365)


class Keyring:
    """Named keys generated on first use: ``ring["A"]`` is always the same key in one test."""

    def __init__(self) -> None:
        self._keys: dict[str, SigningKey] = {}

    def __getitem__(self, name: str) -> SigningKey:
        if name not in self._keys:
            self._keys[name] = SigningKey.generate("FRA")
        return self._keys[name]

    def keys(self, names: str) -> list[SigningKey]:
        """``ring.keys("ABC")`` -> the keys named A, B and C."""
        return [self[n] for n in names]

    def root(
        self,
        names: str,
        threshold: int,
        *,
        version: int = 1,
        state: str = "FRA",
        expires: datetime = ROOT_EXPIRES,
    ) -> Root:
        return Root.create(state, version, expires, [k.public for k in self.keys(names)], threshold)

    def sign_root(self, root: Root, signers: str) -> Envelope:
        return sign_document(ROOT_PAYLOAD_TYPE, root.to_document(), self.keys(signers))


def profile(version: int = 2, *, state: str = "FRA", expires: str = "2027-01-01") -> dict[str, Any]:
    return {
        "state": state,
        "version": version,
        "effective_from": "2026-01-01",
        "expires": expires,
        "parameters": {"critical_sectors": ["energy", "health"]},
    }


def sign_profile(document: dict[str, Any], keys: Sequence[SigningKey]) -> Envelope:
    return sign_document(PROFILE_PAYLOAD_TYPE, document, keys)


@pytest.fixture
def ring() -> Keyring:
    return Keyring()
