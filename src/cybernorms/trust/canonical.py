"""RFC 8785 (JSON Canonicalization Scheme) bytes: what every signature in cybernorms covers.

Why JCS: two parties who build the same document must produce the same bytes, whatever their
language, or a signature made by one cannot be checked by the other. The PyPI package
``rfc8785`` reproduces all six reference cases of the RFC author's repository.

Why ban floats and big integers in signed documents: JCS serialises numbers as IEEE-754 doubles
with the ECMAScript algorithm, a part that implementations in other languages get wrong in
corner cases, and integers beyond 2^53 - 1 lose precision in JavaScript. Signed documents write
decimals and big numbers as strings instead, so every implementation agrees byte for byte.
``canonicalize_any`` keeps the full scheme (floats included) for interoperability tests only.
"""

from __future__ import annotations

import json
from typing import Any, cast

import rfc8785

from cybernorms.trust.errors import MalformedDocument

MAX_SAFE_INTEGER = 2**53 - 1


def canonicalize_any(obj: object) -> bytes:
    """Full RFC 8785 canonical form, floats allowed; for interoperability tests, not signing."""
    try:
        return rfc8785.dumps(cast(Any, obj))
    except rfc8785.CanonicalizationError as exc:
        raise MalformedDocument(f"cannot canonicalise: {exc}") from exc
    except RecursionError as exc:
        raise MalformedDocument("cannot canonicalise: document nested too deeply") from exc


def canonical_json(obj: object) -> bytes:
    """The bytes to sign for ``obj``: RFC 8785, without floats or integers beyond 2^53 - 1.

    Raises ``MalformedDocument`` naming the JSON path of the first offending value.
    """
    try:
        _check_portable(obj, "$")
    except RecursionError as exc:
        raise MalformedDocument("cannot canonicalise: document nested too deeply") from exc
    return canonicalize_any(obj)


def parse_canonical_object(data: bytes, what: str) -> dict[str, Any]:
    """Parse signed bytes back into a JSON object, refusing anything ambiguous.

    Why so strict: the signature covers bytes, but programs act on the parsed value. Duplicate
    keys (parsers disagree on which wins), floats, and any non-canonical spelling would let two
    verifiers see different documents behind one signature, so all are refused; ``what`` names
    the document in the error.
    """
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_object_without_duplicates,
            parse_float=_refuse_float,
            parse_constant=_refuse_float,
        )
    except UnicodeDecodeError as exc:
        raise MalformedDocument(f"{what}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except MalformedDocument as exc:
        raise MalformedDocument(f"{what}: {exc}") from exc
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, int too long, nesting
        raise MalformedDocument(f"{what}: not JSON ({exc})") from exc
    if not isinstance(value, dict):
        raise MalformedDocument(f"{what}: must be a JSON object, not {type(value).__name__}")
    try:
        canonical = canonical_json(value)
    except MalformedDocument as exc:
        raise MalformedDocument(f"{what}: {exc}") from exc
    if canonical != data:
        raise MalformedDocument(f"{what}: bytes are not in RFC 8785 canonical form")
    return value


def _check_portable(obj: object, path: str) -> None:
    if obj is None or isinstance(obj, bool | str):
        return
    if isinstance(obj, int):
        if not -MAX_SAFE_INTEGER <= obj <= MAX_SAFE_INTEGER:
            raise MalformedDocument(
                f"{path}: integer {obj} is beyond 2^53 - 1; write big numbers as strings"
            )
        return
    if isinstance(obj, float):
        raise MalformedDocument(
            f"{path}: float {obj!r} is not allowed in a signed document; write decimals as strings"
        )
    if isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            _check_portable(item, f"{path}[{i}]")
        return
    if isinstance(obj, dict):
        for key, item in obj.items():
            if not isinstance(key, str):
                raise MalformedDocument(f"{path}: object key {key!r} is not a string")
            _check_portable(item, f"{path}.{key}")
        return
    raise MalformedDocument(f"{path}: {type(obj).__name__} is not a JSON value")


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedDocument(f"duplicate key {key!r}")
        result[key] = value
    return result


def _refuse_float(text: str) -> Any:
    raise MalformedDocument(f"number {text} is not an integer; signed documents have no floats")
