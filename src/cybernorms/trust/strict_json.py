"""One strict JSON reader for everything the trust layer reads: envelopes, roots, key files.

Why strict (issue 14, finding 6): a signer is shown, and a verifier acts on, the *parsed* value.
Where parsers disagree about the same bytes (which of two duplicate keys wins, whether ``11.0``
is the integer 11), a document can be signed meaning one thing and read meaning another. So:

* duplicate object keys are refused (Python's ``json`` keeps the last silently);
* numbers with a fraction or exponent, ``NaN`` and ``Infinity`` are refused: signed documents
  carry integers only (``canonical.py`` says why), so ``"version": 11.0`` never becomes 11;
* bytes that are not UTF-8 are refused with the byte offset, not a ``UnicodeDecodeError``;
* size (``LIMITS.document_bytes``) and nesting depth (``LIMITS.document_depth``) are bounded
  *before* parsing, by a flat scan of the brackets: Python's ``json`` recurses once per level,
  so 100,000 nested brackets would otherwise end in ``RecursionError``.

Every refusal is a ``MalformedDocument`` (``TrustLimitExceeded`` for a limit) naming ``what``.
Type checks (a bool where an integer is required) belong to each document's own parser, which
knows the fields; they use ``is_json_int``.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any, TypeGuard

from cybernorms.limits import LIMITS
from cybernorms.trust.errors import MalformedDocument, TrustLimitExceeded

# A JSON string, removed whole so that brackets inside strings do not count. The closing quote
# is optional: an unterminated string then runs to the end of the text in one match, rather
# than failing and being retried from every later quote (quadratic time on a hostile text such
# as a quote followed by many escaped quotes).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def load_json(data: bytes | str, what: str) -> Any:
    """Parse one JSON value strictly; ``MalformedDocument`` names ``what`` and the problem."""
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > LIMITS.document_bytes:
        raise TrustLimitExceeded("document_bytes", LIMITS.document_bytes, what, f"{size} bytes")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedDocument(
                f"{what}: not UTF-8 ({exc.reason} at byte {exc.start})"
            ) from None
    else:
        text = data
    check_depth(text, what)
    try:
        return json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_float=_refuse_float,
            parse_constant=_refuse_float,
        )
    except MalformedDocument as exc:
        raise MalformedDocument(f"{what}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise MalformedDocument(
            f"{what}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except (ValueError, RecursionError) as exc:  # an integer of more than 4,300 digits
        raise MalformedDocument(f"{what}: not JSON ({exc})") from None


def check_depth(text: str, what: str) -> None:
    """Refuse JSON text nested deeper than ``LIMITS.document_depth``, without recursing.

    Strings and everything but brackets are removed by regular expressions, and the depth is a
    running sum over the brackets left (``accumulate``), so the scan runs at C speed; text that
    is not JSON gets some depth, and the parser refuses it afterwards.
    """
    limit = LIMITS.document_depth
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if brackets.count("[") + brackets.count("{") <= limit:
        return
    if max(accumulate(map(_STEP.__getitem__, brackets))) > limit:
        raise TrustLimitExceeded(
            "document_depth", limit, what, f"nested more than {limit} levels deep"
        )


def is_json_int(value: object) -> TypeGuard[int]:
    """An integer as JSON means it: ``True`` is a bool (a subclass of int in Python), not 1."""
    return isinstance(value, int) and not isinstance(value, bool)


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedDocument(f"duplicate key {key!r}")
        result[key] = value
    return result


def _refuse_float(text: str) -> Any:
    raise MalformedDocument(f"number {text} is not an integer; signed documents have no floats")
