"""RFC 8785 canonical JSON: the reference vectors, and the ban on floats and big integers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cybernorms.trust import (
    MAX_SAFE_INTEGER,
    MalformedDocument,
    canonical_json,
    canonicalize_any,
    parse_canonical_object,
)

JCS_CASES = ["arrays", "french", "structures", "unicode", "values", "weird"]


@pytest.mark.shared
@pytest.mark.parametrize("name", JCS_CASES)
def test_jcs_reference_vector(shared_data: Path, name: str) -> None:
    vectors = shared_data / "jcs-vectors"
    value = json.loads((vectors / "input" / f"{name}.json").read_bytes())
    expected = (vectors / "output" / f"{name}.json").read_bytes()
    assert canonicalize_any(value) == expected
    assert expected == bytes.fromhex((vectors / "outhex" / f"{name}.txt").read_text())


@pytest.mark.shared
def test_all_six_vectors_exist(shared_data: Path) -> None:
    inputs = sorted(p.stem for p in (shared_data / "jcs-vectors" / "input").glob("*.json"))
    assert inputs == JCS_CASES


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (1.5, r"\$: float 1.5"),
        (1.0, r"\$: float 1.0"),
        ({"a": [1, {"b": 0.1}]}, r"\$\.a\[1\]\.b: float"),
        (float("nan"), "float nan"),
        ({"n": MAX_SAFE_INTEGER + 1}, r"\$\.n: integer 9007199254740992 is beyond 2\^53 - 1"),
        ({"n": -MAX_SAFE_INTEGER - 1}, r"\$\.n: integer -9007199254740992"),
        ({1: "x"}, "object key 1 is not a string"),
        ({"b": b"raw"}, r"\$\.b: bytes is not a JSON value"),
    ],
)
def test_signed_documents_refuse_unportable_values(value: object, path: str) -> None:
    with pytest.raises(MalformedDocument, match=path):
        canonical_json(value)


def test_safe_integers_and_plain_values_are_fine() -> None:
    document = {"z": MAX_SAFE_INTEGER, "a": -MAX_SAFE_INTEGER, "s": "é\u2028", "l": [True, None]}
    assert canonical_json(document) == (
        b'{"a":-9007199254740991,"l":[true,null],"s":"\xc3\xa9\xe2\x80\xa8","z":9007199254740991}'
    )


def test_floats_stay_available_to_the_raw_canonicaliser() -> None:
    assert canonicalize_any({"x": 1e30, "y": 4.5}) == b'{"x":1e+30,"y":4.5}'
    with pytest.raises(MalformedDocument):
        canonicalize_any(float("inf"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"a":1,"a":2}', "duplicate key 'a'"),
        (b'{"a":1.5}', "not an integer"),
        (b'{"a":NaN}', "not an integer"),
        (b'{ "a":1}', "not in RFC 8785 canonical form"),
        (b'{"b":1,"a":2}', "not in RFC 8785 canonical form"),
        (b"[1]", "must be a JSON object"),
        (b"\xff", "not UTF-8"),
        (b"{", "not JSON"),
        (b'{"n":9007199254740992}', r"payload: \$\.n: integer 9007199254740992 is beyond"),
    ],
)
def test_signed_bytes_parse_strictly(data: bytes, message: str) -> None:
    with pytest.raises(MalformedDocument, match=message):
        parse_canonical_object(data, "payload")


def test_deep_nesting_is_malformed_not_a_crash() -> None:
    deep: object = "x"
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(MalformedDocument, match="nested too deeply"):
        canonical_json(deep)
