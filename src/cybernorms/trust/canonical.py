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

import datetime as dt
from typing import Any, cast

import rfc8785

from cybernorms.limits import LIMITS
from cybernorms.trust.errors import MalformedDocument, TrustLimitExceeded
from cybernorms.trust.strict_json import load_json

MAX_SAFE_INTEGER = 2**53 - 1


def json_ready(value: Any) -> Any:
    """A YAML document's values as JSON values: dates become ISO strings, the rest is left as it
    is (anything else that is not JSON, floats included, is refused by ``canonical_json``,
    which names the path). One place, because a package's identity is the hash of this form:
    the registry that signs it and the forum record that names it must compute the same."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    return value


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
    verifiers see different documents behind one signature, so all are refused, as are
    documents beyond the size and depth limits (``strict_json.load_json``); ``what`` names the
    document in the error.
    """
    value = load_json(data, what)
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
    """Walk ``obj`` without recursion (depth bounded by ``LIMITS.document_depth``)."""
    stack: list[tuple[object, str, int]] = [(obj, path, 0)]
    while stack:
        value, where, depth = stack.pop()
        if value is None or isinstance(value, bool | str):
            continue
        if isinstance(value, int):
            if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
                raise MalformedDocument(
                    f"{where}: integer {value} is beyond 2^53 - 1; write big numbers as strings"
                )
            continue
        if isinstance(value, float):
            raise MalformedDocument(
                f"{where}: float {value!r} is not allowed in a signed document; "
                f"write decimals as strings"
            )
        if isinstance(value, list | tuple | dict) and depth >= LIMITS.document_depth:
            raise TrustLimitExceeded(
                "document_depth", LIMITS.document_depth, where, "document nested too deeply"
            )
        if isinstance(value, list | tuple):
            stack.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise MalformedDocument(f"{where}: object key {key!r} is not a string")
                stack.append((item, f"{where}.{key}", depth + 1))
            continue
        raise MalformedDocument(f"{where}: {type(value).__name__} is not a JSON value")
