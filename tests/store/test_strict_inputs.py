"""JSON and receipts are read strictly (issue 14, findings 3 and 6): a duplicate key, a float
where an integer belongs, an unknown field or nesting beyond the limit is refused with the
project's own error, and no input whatever ends in another exception."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cybernorms.errors import CybernormsError, LimitExceeded
from cybernorms.log.note import NoteVerifier
from cybernorms.store import Receipt, ReceiptError, Registry, verify_receipt
from cybernorms.trust.errors import MalformedDocument
from cybernorms.trust.strict_json import check_depth, load_json

from .world import World


def test_duplicate_keys_floats_and_constants_are_refused() -> None:
    with pytest.raises(MalformedDocument, match="duplicate key 'threshold'"):
        load_json('{"threshold": 1, "threshold": 2}', "root")
    with pytest.raises(MalformedDocument, match="not an integer"):
        load_json('{"threshold": 2.0}', "root")
    with pytest.raises(MalformedDocument, match="not an integer"):
        load_json('{"threshold": NaN}', "root")
    with pytest.raises(MalformedDocument, match="not UTF-8"):
        load_json(b"\xff\xfe{}", "root")
    assert load_json('{"a": [1, {"b": "[[[["}]}', "x") == {"a": [1, {"b": "[[[["}]}


@pytest.mark.parametrize("opener,closer", [("[", "]"), ('{"a":', "}")])
def test_nesting_100000_deep_is_refused_by_its_limit_without_recursion(
    opener: str, closer: str
) -> None:
    deep = opener * 100_000 + "1" + closer * 100_000
    with pytest.raises(LimitExceeded, match="document_depth"):
        load_json(deep, "deep")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    check_depth("[" + '"[[[[", ' * 500 + "1]", "x")  # 500 brackets, all inside strings


@given(st.binary(max_size=300))
def test_any_bytes_are_parsed_or_refused_with_a_project_error(data: bytes) -> None:
    with contextlib.suppress(CybernormsError):
        load_json(data, "fuzz")


@pytest.fixture
def receipt_text(registry: Registry, fra: World) -> str:
    published = registry.publish_profile(fra.profile("FRA", 1, signers="12"))
    return registry.receipt(published.log_index).dumps()


def test_a_receipt_with_a_duplicate_key_is_refused(receipt_text: str) -> None:
    doubled = receipt_text.replace('"type":', '"type": "x", "type":', 1)
    with pytest.raises(ReceiptError, match="duplicate key 'type'"):
        Receipt.loads(doubled)


def test_a_receipt_with_an_unknown_field_is_refused(receipt_text: str) -> None:
    data = json.loads(receipt_text)
    data["comment"] = "trust me"
    with pytest.raises(ReceiptError, match=r"unknown field\(s\) \['comment'\]"):
        Receipt.loads(json.dumps(data))
    data = json.loads(receipt_text)
    data["roots"][0]["extra"] = 1
    with pytest.raises(ReceiptError, match=r"roots\[0\]: unknown field"):
        Receipt.loads(json.dumps(data))


def test_a_receipt_with_a_float_index_is_refused(receipt_text: str) -> None:
    data = json.loads(receipt_text)
    text = json.dumps(data).replace('"index": 0', '"index": 0.0')
    assert "0.0" in text
    with pytest.raises(ReceiptError, match="not an integer"):
        Receipt.loads(text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_a_mutated_receipt_is_refused_with_a_project_error(
    registry: Registry, receipt_text: str, data: st.DataObject
) -> None:
    raw = bytearray(receipt_text.encode())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    verifier = NoteVerifier.from_vkey(registry.log_vkey())
    with contextlib.suppress(CybernormsError):
        verify_receipt(Receipt.loads(bytes(raw)), verifier)
