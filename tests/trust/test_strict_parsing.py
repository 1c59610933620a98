"""Everything a signer is shown or a verifier acts on is read one way only (issue 14, finding 6).

Duplicate keys, floats or bools where integers belong, unknown fields, invalid UTF-8, and
documents too large or too deep are refused with the trust layer's own errors (a
``TrustLimitExceeded`` for a limit, which is both a ``LimitExceeded`` and a
``MalformedDocument``), never with ``RecursionError``, ``UnicodeDecodeError`` or silence.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cybernorms.errors import CybernormsError, LimitExceeded
from cybernorms.limits import LIMITS, Limits
from cybernorms.trust import (
    PROFILE_PAYLOAD_TYPE,
    Envelope,
    KeyFileError,
    MalformedDocument,
    Root,
    SigningKey,
    TrustError,
    canonical_json,
    parse_canonical_object,
    sign_document,
)
from cybernorms.trust.errors import TrustLimitExceeded
from cybernorms.trust.keys import load_public_key, public_key_record
from cybernorms.trust.strict_json import check_depth, load_json

from .conftest import Keyring

DEEP = 100_000


def _nested(depth: int, open_: str = "[", close: str = "]", inner: str = "1") -> str:
    return open_ * depth + inner + close * depth


# -- the reader ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"threshold": 1, "threshold": 2}', "duplicate key 'threshold'"),
        ('{"a": {"b": 1, "b": 1}}', "duplicate key 'b'"),
        ('{"version": 11.0}', "number 11.0 is not an integer"),
        ('{"version": 1e3}', "number 1e3 is not an integer"),
        ('{"x": NaN}', "NaN is not an integer"),
        ('{"x": -Infinity}', "-Infinity is not an integer"),
        ('{"a": 1,}', r"not JSON \(line 1, column 9"),
        ("", "not JSON"),
        ('{"n": ' + "9" * 5000 + "}", "not JSON"),
    ],
)
def test_ambiguous_json_is_refused(text: str, message: str) -> None:
    with pytest.raises(MalformedDocument, match=message):
        load_json(text, "doc.json")
    with pytest.raises(MalformedDocument, match=r"^doc\.json: "):
        load_json(text.encode(), "doc.json")


@pytest.mark.parametrize(("open_", "close", "inner"), [("[", "]", "1"), ('{"a":', "}", "1")])
def test_json_nested_100000_deep_is_refused_by_a_limit(open_: str, close: str, inner: str) -> None:
    text = _nested(DEEP, open_, close, inner)
    with pytest.raises(TrustLimitExceeded) as refused:
        load_json(text, "deep.json")
    assert refused.value.limit == "document_depth"
    assert refused.value.refusal == "LimitExceeded"
    assert isinstance(refused.value, LimitExceeded | MalformedDocument)
    assert "deep.json: limit document_depth = 200 exceeded" in str(refused.value)


def test_depth_limit_is_exact_and_brackets_inside_strings_do_not_count() -> None:
    limit = LIMITS.document_depth
    assert load_json(_nested(limit), "ok") is not None
    with pytest.raises(TrustLimitExceeded):
        load_json(_nested(limit + 1), "too deep")
    assert load_json(json.dumps({"s": "[[[[" * 1000 + '\\"{{{{' * 1000}), "strings") is not None


def test_a_hostile_unterminated_string_is_scanned_in_one_pass() -> None:
    """A quote followed by 100,000 escaped quotes: a depth scan that retried the string from
    every quote took minutes on this (quadratic); it is one pass now. Refused as not JSON."""
    with pytest.raises(MalformedDocument, match="not JSON"):
        load_json('"' + '\\"' * 100_000, "hostile")


def _reference_depth(text: str) -> int:
    """Character by character, the obvious way: the deepest bracket outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


@settings(max_examples=200)
@given(
    data=st.recursive(
        st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=30,
    ),
    limit=st.integers(min_value=1, max_value=6),
)
def test_the_depth_scan_agrees_with_a_character_by_character_count(
    data: object, limit: int
) -> None:
    text = json.dumps(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("cybernorms.trust.strict_json.LIMITS", Limits(document_depth=limit))
        if _reference_depth(text) > limit:
            with pytest.raises(TrustLimitExceeded):
                check_depth(text, "doc")
        else:
            check_depth(text, "doc")


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cybernorms.trust.strict_json.LIMITS", Limits(document_bytes=100))
    with pytest.raises(TrustLimitExceeded, match="limit document_bytes = 100 exceeded"):
        load_json(json.dumps({"a": "x" * 100}), "big.json")
    assert load_json(json.dumps({"a": "x" * 50}), "small.json") == {"a": "x" * 50}


def test_invalid_utf8_is_refused_with_its_offset() -> None:
    with pytest.raises(MalformedDocument, match=r"doc: not UTF-8 \(invalid start byte at byte 6\)"):
        load_json(b'{"a": \xff}', "doc")


def test_canonical_json_of_a_deep_python_value_is_a_limit_not_a_recursion_error() -> None:
    deep: list[object] = []
    for _ in range(DEEP):
        deep = [deep]
    with pytest.raises(TrustLimitExceeded, match="document_depth"):
        canonical_json({"a": deep})


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300))
def test_random_bytes_are_refused_or_read_never_crash(data: bytes) -> None:
    for parse in (
        lambda: load_json(data, "doc"),
        lambda: parse_canonical_object(data, "payload"),
        lambda: Envelope.from_json(data),
    ):
        with contextlib.suppress(CybernormsError):
            parse()


@settings(max_examples=200)
@given(
    data=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=20,
    )
)
def test_any_json_value_is_read_back_exactly_or_refused(data: object) -> None:
    """Whatever ``json`` writes, the strict reader either returns the same value or refuses
    it (floats); it never returns a different value."""
    text = json.dumps(data)
    try:
        value = load_json(text, "doc")
    except MalformedDocument as exc:
        assert "not an integer" in str(exc)
    else:
        assert value == data


# -- envelopes -------------------------------------------------------------------------------


def test_an_envelope_with_duplicate_fields_is_refused(ring: Keyring) -> None:
    good = sign_document(PROFILE_PAYLOAD_TYPE, {"state": "FRA"}, ring.keys("A"))
    text = good.to_bytes().decode()
    doubled = text.replace('{"payload":', '{"payloadType":"x","payload":', 1)
    assert json.loads(doubled)["payloadType"] == good.payload_type  # json keeps the last
    with pytest.raises(MalformedDocument, match="envelope: duplicate key 'payloadType'"):
        Envelope.from_json(doubled)


def test_an_envelope_nested_100000_deep_is_refused() -> None:
    with pytest.raises(TrustLimitExceeded, match=r"^envelope: limit document_depth"):
        Envelope.from_json(b'{"signatures": ' + _nested(DEEP).encode() + b"}")


def test_an_envelope_of_random_bytes_is_refused() -> None:
    with pytest.raises(MalformedDocument, match="envelope: not UTF-8"):
        Envelope.from_json(bytes(range(128, 256)))


def test_a_payload_nested_100000_deep_is_refused() -> None:
    with pytest.raises(TrustLimitExceeded, match=r"^payload: limit document_depth"):
        parse_canonical_object(_nested(DEEP).encode(), "payload")


def test_unknown_envelope_and_signature_fields_are_refused(ring: Keyring) -> None:
    data = sign_document(PROFILE_PAYLOAD_TYPE, {"state": "FRA"}, ring.keys("A")).to_json()
    with pytest.raises(MalformedDocument, match="unexpected field"):
        Envelope.from_json({**data, "note": "x"})
    data["signatures"][0]["extra"] = 1
    with pytest.raises(MalformedDocument, match=r"signatures\[0\]: unexpected field"):
        Envelope.from_json(data)


# -- roots -------------------------------------------------------------------------------------


def test_a_root_with_two_thresholds_is_refused_not_read_as_the_last(ring: Keyring) -> None:
    """The reproduction: ``root sign`` read ``"threshold": 1, "threshold": 2`` as 2."""
    root = ring.root("AB", 1)
    text = json.dumps(root.to_document()).replace(
        '"threshold": 1', '"threshold": 1, "threshold": 2'
    )
    assert json.loads(text)["threshold"] == 2
    with pytest.raises(MalformedDocument, match="duplicate key 'threshold'"):
        load_json(text, "root.json")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("version", 11.0, "root.version: must be an integer"),
        ("version", True, "root.version: must be an integer"),
        ("threshold", True, "root.threshold: must be an integer"),
        ("threshold", 1.0, "root.threshold: must be an integer"),
        ("threshold", "1", "root.threshold: must be an integer"),
    ],
)
def test_a_root_with_a_float_or_bool_for_an_integer_is_refused(
    ring: Keyring, field: str, value: object, message: str
) -> None:
    document = {**ring.root("A", 1).to_document(), field: value}
    with pytest.raises(MalformedDocument, match=message):
        Root.from_document(document)


def test_a_root_file_with_a_float_version_is_refused_when_read(ring: Keyring) -> None:
    text = json.dumps(ring.root("A", 1).to_document()).replace('"version": 1', '"version": 11.0')
    with pytest.raises(MalformedDocument, match=r"number 11\.0 is not an integer"):
        load_json(text, "root.json")


def test_a_root_with_an_unknown_field_is_refused(ring: Keyring) -> None:
    with pytest.raises(MalformedDocument, match=r"unexpected field\(s\) \['comment'\]"):
        Root.from_document({**ring.root("A", 1).to_document(), "comment": "x"})


# -- key files ---------------------------------------------------------------------------------


def _private(path: Path, content: str | bytes) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content.encode() if isinstance(content, str) else content)
    return path


def test_key_files_are_read_strictly(tmp_path: Path) -> None:
    key = SigningKey.generate("FRA")
    good = tmp_path / "good.key"
    key.save(good)
    text = good.read_text()
    record = json.loads(text)
    cases = {
        "dup": (text.replace('"state":', '"state": "DEU", "state":'), "duplicate key 'state'"),
        "extra": (
            json.dumps({**record, "comment": "mine"}),
            r"unexpected field\(s\) \['comment'\]",
        ),
        "bool": (json.dumps({**record, "state": True}), "state must be a string"),
        "deep": (_nested(DEEP), "limit document_depth"),
        "bytes": (bytes(range(128, 256)), "not UTF-8"),
        "list": ("[]", "must hold a JSON object"),
    }
    for name, (content, message) in cases.items():
        path = _private(tmp_path / name, content)
        with pytest.raises(KeyFileError, match=message):
            SigningKey.load(path)


def test_public_key_files_are_read_strictly(tmp_path: Path) -> None:
    key = SigningKey.generate("FRA")
    record = public_key_record(key)
    good = tmp_path / "good.pub"
    good.write_text(json.dumps(record))
    assert load_public_key(good) == key.public
    cases = {
        "extra": ({**record, "comment": "x"}, r"unexpected field\(s\) \['comment'\]"),
        "missing": ({k: v for k, v in record.items() if k != "keyid"}, "missing field"),
        "keyid": ({**record, "keyid": "0" * 64}, "keyid does not match"),
        "type": ({**record, "type": "other"}, "not a cybernorms public or private key file"),
        "keytype": ({**record, "keytype": "rsa"}, "keytype: must be 'ed25519'"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / f"{name}.pub"
        path.write_text(json.dumps(content))
        with pytest.raises(TrustError, match=message):
            load_public_key(path)
    dup = tmp_path / "dup.pub"
    dup.write_text(json.dumps(record).replace('"state":', '"state": "DEU", "state":'))
    with pytest.raises(KeyFileError, match="duplicate key 'state'"):
        load_public_key(dup)
    noise = tmp_path / "noise.pub"
    noise.write_bytes(bytes(range(128, 256)))
    with pytest.raises(KeyFileError, match="not UTF-8"):
        load_public_key(noise)


def test_public_half_of_a_private_key_file_needs_its_mode_to_be_private(tmp_path: Path) -> None:
    key = SigningKey.generate("FRA")
    path = tmp_path / "k.key"
    key.save(path)
    assert load_public_key(path) == key.public
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="accessible by other users"):
        load_public_key(path)
