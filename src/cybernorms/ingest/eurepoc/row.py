"""One EuRepoC row being mapped: cell access, provenance, unknown vocabulary, row errors.

Every mapper reads cells through ``RowContext`` so that three things can never be forgotten:
the source cell is kept for the trace (``keep``), a term no table knows is logged as unknown
vocabulary (``lookup``), and a cell that cannot be read rejects the row with the column and
value named (``RowError``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from typing import TypeVar

from cybernorms.errors import CybernormsError
from cybernorms.ingest.eurepoc.cells import CellError, literal_list, missing_kind, nested_list
from cybernorms.model.facts import SourceValue

SOURCE = "eurepoc"
T = TypeVar("T")


class RowError(CybernormsError):
    """A row that cannot be imported, with the column and the cell that stopped it."""

    def __init__(self, column: str | None, value: str | None, reason: str) -> None:
        self.column = column
        self.value = value
        self.reason = reason
        super().__init__(f"{column}: {reason}" if column else reason)


class VocabularyLog:
    """Source terms no mapping table knows: column -> term -> number of occurrences."""

    def __init__(self) -> None:
        self.terms: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def record(self, column: str, term: str) -> None:
        self.terms[column][term] += 1

    def as_dict(self) -> dict[str, Counter[str]]:
        return {column: Counter(terms) for column, terms in sorted(self.terms.items())}


class RowContext:
    """The cells of one row and what mapping them produced besides the facts."""

    __slots__ = ("cells", "notes", "provenance", "unknown_terms", "vocab")

    def __init__(self, cells: Mapping[str, str], vocab: VocabularyLog) -> None:
        self.cells = cells
        self.vocab = vocab
        self.provenance: dict[str, SourceValue] = {}
        self.notes: list[str] = []
        self.unknown_terms: list[tuple[str, str]] = []

    def cell(self, column: str) -> str:
        return self.cells[column]

    def keep(self, path: str, column: str, value: str | None = None) -> None:
        """Record the source of the fact at ``path``: the whole cell, or the part of it
        (one receiver's entry of a list cell) that gave this fact."""
        raw = self.cells[column] if value is None else value
        self.provenance[path] = SourceValue(source=SOURCE, field=column, value=raw)

    def keep_cells(self, path: str, columns: tuple[str, ...], values: tuple[str, ...]) -> None:
        """Record a fact read from several columns: their names ``"; "``-joined, their
        cells (or the parts of them that gave this fact) ``" | "``-joined in the same order."""
        self.provenance[path] = SourceValue(
            source=SOURCE, field="; ".join(columns), value=" | ".join(values)
        )

    def parse(self, column: str, parser: Callable[[str], T]) -> T:
        """Apply a cell parser; a ``CellError`` rejects the row, naming column and value."""
        raw = self.cells[column]
        try:
            return parser(raw)
        except CellError as exc:
            raise RowError(column, raw, str(exc)) from None

    def literal(self, column: str) -> list[str]:
        return self.parse(column, literal_list)

    def nested(self, column: str) -> list[list[str]]:
        return self.parse(column, nested_list)

    def lookup(self, column: str, table: Mapping[str, T], term: str) -> T | None:
        """Map one source term; a "not known" word gives ``None``, an unknown term is logged."""
        text = term.strip()
        if text in table:
            return table[text]
        if missing_kind(text) is not None:
            return None
        self.unknown(column, text)
        return None

    def unknown(self, column: str, term: str) -> None:
        self.vocab.record(column, term)
        self.unknown_terms.append((column, term))
