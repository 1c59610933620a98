"""Wycheproof's Ed25519 verification vectors, judged by the project's own verify path.

The file (``../shared/data/wycheproof/ed25519_test.json``, C2SP/wycheproof, Apache-2.0; see
``PROVENANCE.md`` and ``LICENSE`` beside it) holds 151 cases: valid signatures, and invalid ones
such as non-canonical S, truncated or padded signatures, and R or S out of range. Each case is
answered by ``PublicKey(raw).verify(sig, msg)``, exactly what roots, envelopes and notes call:
it returns for "valid" and raises ``BadSignature`` for "invalid". A key that ``PublicKey``
refuses (``InvalidKey``: small order, mixed order, non-canonical) would also be an acceptable
"invalid" answer, since no signature by such a key is ever checked; today no case's key is
refused, which the census test pins so that a change in the file is noticed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cybernorms.trust import BadSignature, PublicKey
from cybernorms.trust.errors import InvalidKey

pytestmark = pytest.mark.shared

# Listed from the conftest's path so that parametrisation needs no fixture; the tests still
# take ``shared_data``, which skips (or fails under CI) when the data is absent.
_FILE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "wycheproof"
_FILE = _FILE / "ed25519_test.json"
EXPECTED_CASES = 151


def _cases(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (group["publicKey"]["pk"], test) for group in data["testGroups"] for test in group["tests"]
    ]


_CASES = _cases(json.loads(_FILE.read_text())) if _FILE.is_file() else []


def _judge(public_key_hex: str, test: dict[str, Any]) -> tuple[str, str]:
    """("valid" | "invalid", why) as the project's verify path answers."""
    try:
        key = PublicKey(bytes.fromhex(public_key_hex))
    except InvalidKey as exc:
        return "invalid", f"key refused: {exc}"
    try:
        key.verify(bytes.fromhex(test["sig"]), bytes.fromhex(test["msg"]))
    except BadSignature as exc:
        return "invalid", str(exc)
    return "valid", "verified"


def test_every_case_is_present(shared_data: Path) -> None:
    """Guard against a silently shrunken file: 151 cases, 88 valid and 63 invalid."""
    data = json.loads((shared_data / "wycheproof" / "ed25519_test.json").read_text())
    cases = _cases(data)
    assert data["numberOfTests"] == EXPECTED_CASES == len(cases) == len(_CASES)
    assert Counter(test["result"] for _, test in cases) == {"valid": 88, "invalid": 63}
    refused_keys = {
        pk for pk, _ in cases if _judge(pk, {"sig": "", "msg": ""})[1].startswith("key")
    }
    assert refused_keys == set()


@pytest.mark.parametrize(
    ("public_key_hex", "test"), _CASES, ids=[f"tc{test['tcId']}" for _, test in _CASES]
)
def test_wycheproof_case(shared_data: Path, public_key_hex: str, test: dict[str, Any]) -> None:
    answer, why = _judge(public_key_hex, test)
    assert answer == test["result"], f"tcId {test['tcId']} ({test['comment']}): {why}"
