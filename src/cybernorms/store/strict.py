"""JSON read strictly: one meaning per document, bounded before it is parsed.

Why strict: what a signer is shown, what a registry stores and what a verifier checks must be
the same document. Python's ``json`` keeps the last of duplicate keys (other parsers keep the
first), reads ``1.0`` as a float that a model then silently turns into ``1``, and recurses once
per nesting level, so a file nested 100,000 deep ends in ``RecursionError``. Every JSON the
registry reads from a user (roots, envelopes, key files, receipts) goes through
``parse_json``: duplicate keys, floats, ``NaN``/``Infinity`` and nesting deeper than
``LIMITS.document_depth`` are refused with ``MalformedDocument`` naming the document, never an
exception of another type. The depth is measured by a scan of the text before parsing, so no
recursion happens on hostile input.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cybernorms.errors import LimitExceeded
from cybernorms.limits import LIMITS
from cybernorms.trust.errors import MalformedDocument

# A JSON string (with escapes) or one bracket; strings are matched whole so that brackets
# inside them are not counted. The closing quote is optional: an unterminated string then runs
# to the end of the text in one match instead of failing and being retried from every later
# quote (quadratic on a quote followed by many escaped quotes).
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.S)


class _Refused(Exception):
    """Raised inside the parser's hooks; turned into ``MalformedDocument`` with context."""


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON ``text`` (0 for a scalar).

    Linear in the text and without recursion; text that is not JSON gets some number, and
    the parser refuses it afterwards."""
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def parse_json(data: str | bytes, what: str) -> Any:
    """Parse JSON ``data`` strictly (module docstring); ``what`` names it in every error."""
    if len(data) > LIMITS.document_bytes:
        raise LimitExceeded("document_bytes", LIMITS.document_bytes, what)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedDocument(
                f"{what}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
    else:
        text = data
    if nesting_depth(text) > LIMITS.document_depth:
        raise LimitExceeded("document_depth", LIMITS.document_depth, what, "nested too deeply")
    try:
        return json.loads(
            text,
            object_pairs_hook=_without_duplicates,
            parse_float=_no_float,
            parse_constant=_no_float,
        )
    except _Refused as exc:
        raise MalformedDocument(f"{what}: {exc}") from None
    except RecursionError:  # only if the limit is set above what the interpreter allows
        raise LimitExceeded("document_depth", LIMITS.document_depth, what) from None
    except ValueError as exc:  # JSONDecodeError, integers too long to convert
        raise MalformedDocument(f"{what}: not JSON ({exc})") from None


def _without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_float(text: str) -> Any:
    raise _Refused(
        f"number {text} is not an integer (signed documents have no floats; "
        f"write decimals as strings)"
    )
