"""Reading single EuRepoC cells: list literals, ``;``-joined lists, dates, "not known" words.

EuRepoC stores lists two ways: as Python list literals (``"['China', 'Russia']"``, nested one
list per receiver as ``"[['Media'], ['Media']]"``) and as ``"; "``-joined text
(``"State; State"``). Literals are parsed with ``ast.literal_eval`` and nothing else: it builds
only constants and containers, so a cell such as ``__import__('os')`` is refused, never run.
The result must then be a list of strings (or of lists of strings); any other shape is refused
too, because a dict or a number where a list of names belongs means the column was not what we
think it is.

Why the words for "not known" are kept apart here: ``"Not available"`` (the coders had no
information), ``"Unknown"`` (the coders looked and it is not known) and an empty cell (the
field was not coded) all become ``None`` in the facts, but the cell is kept verbatim in the
incident's provenance, so a trace still shows which of the three it was.
"""

from __future__ import annotations

import ast
import datetime as dt
from enum import StrEnum

from cybernorms.errors import CybernormsError, LimitExceeded
from cybernorms.limits import LIMITS


class Missing(StrEnum):
    """The three ways a EuRepoC cell says a value is not known (kept apart in provenance)."""

    NOT_AVAILABLE = "not_available"
    UNKNOWN = "unknown"
    EMPTY = "empty"


_MISSING_WORDS = {
    "": Missing.EMPTY,
    "not available": Missing.NOT_AVAILABLE,
    "unknown": Missing.UNKNOWN,
    # Artefacts of the pandas export of the original database: a missing value written out.
    "nan": Missing.EMPTY,
    "nat": Missing.EMPTY,
}


def missing_kind(text: str) -> Missing | None:
    """Which "not known" word ``text`` is, or ``None`` when it carries a value."""
    return _MISSING_WORDS.get(text.strip().lower())


class CellError(CybernormsError, ValueError):
    """A cell that cannot be read; the message says why (the caller adds column and row)."""


class CellLimitExceeded(CellError, LimitExceeded):
    """A cell longer than ``LIMITS.eurepoc_cell_chars``: refused before the literal parser sees
    it (a real cell is under 10 kB), so a hostile file cannot make it build a huge tree."""

    def __init__(self, limit: str, allowed: int, detail: str) -> None:
        LimitExceeded.__init__(self, limit, allowed, "", detail)

    @property
    def refusal(self) -> str:
        return "LimitExceeded"


def literal_list(cell: str) -> list[str]:
    """A flat list literal (``"['China', 'Russia']"``); an empty cell is an empty list.

    A ``None`` entry (the export's missing value) reads as ``""``, an entry not coded.
    """
    value = _literal(cell)
    if not all(v is None or isinstance(v, str) for v in value):
        raise CellError("expected a list of strings")
    return ["" if v is None else str(v) for v in value]


def nested_list(cell: str) -> list[list[str]]:
    """A list of lists literal, one inner list per receiver; an empty cell is ``[]``."""
    value = _literal(cell)
    out: list[list[str]] = []
    for inner in value:
        if not isinstance(inner, list) or not all(v is None or isinstance(v, str) for v in inner):
            raise CellError("expected a list of lists of strings (one list per receiver)")
        out.append(["" if v is None else str(v) for v in inner])
    return out


def _literal(cell: str) -> list[object]:
    text = cell.strip()
    if not text:
        return []
    if len(text) > LIMITS.eurepoc_cell_chars:
        raise CellLimitExceeded(
            "eurepoc_cell_chars", LIMITS.eurepoc_cell_chars, f"the cell has {len(text)} characters"
        )
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        detail = (
            exc.msg
            if isinstance(exc, SyntaxError)
            else "only strings and lists are allowed; code is never run"
        )
        raise CellError(f"not a Python list literal ({detail})") from None
    if not isinstance(value, list):
        raise CellError(f"expected a list literal, got {type(value).__name__}")
    return value


def split_list(cell: str) -> list[str]:
    """A ``"; "``-joined cell as its parts, stripped; an empty cell is ``[]``.

    Empty parts are kept (``"; Hacktivist(s)"`` is two parts) so that parallel columns stay
    aligned position by position.
    """
    if not cell.strip():
        return []
    return [part.strip() for part in cell.split(";")]


def parse_date(cell: str) -> dt.date | None:
    """``YYYY-MM-DD`` (a time part ``00:00:00`` is accepted); a "not known" word is ``None``."""
    text = cell.strip()
    if missing_kind(text) is not None:
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) in (10, 19) else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> dt.date:
    raise CellError(f"not a date (YYYY-MM-DD): {text!r}")
