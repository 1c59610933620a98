"""Reading a EuRepoC Global Database CSV: every row imported or rejected with its reason.

File-level problems (not a readable CSV, a header that is not Global Database 1.1, broken
quoting) raise ``DocumentError`` naming ``file:line``: nothing is imported from a file we cannot
read as a whole. Row-level problems (a cell that is not a list literal, a bad date, a row with
the wrong number of fields) reject that row only, with ``file:line``, column and value, and the
other rows import. Unknown vocabulary never stops anything: the fact becomes unknown and the
term is listed in ``unknown_vocabulary`` (or, with ``strict_vocabulary``, the row is rejected).

What is read: only the Global Database file. The Receiver and Attribution datasets beside it
restate the same receiver and attribution columns one row per receiver / attribution, with the
same vocabularies; the Global Database's own nested and ``;``-joined columns carry the same
pairing, so joining them would add no fact (``companions()`` reports whether they are there).
"""

from __future__ import annotations

import csv
import difflib
import io
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cybernorms.ingest.eurepoc.mapping import REQUIRED_COLUMNS, map_row
from cybernorms.ingest.eurepoc.row import RowError, VocabularyLog
from cybernorms.model.documents import DocumentError, Problem, open_regular_file
from cybernorms.model.facts import Incident

COMPANION_FILES = ("EuRepoC_Receiver_dataset_1.1.csv", "EuRepoC_Attribution_dataset_1.1.csv")


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not imported: where it is, which incident, and why."""

    where: str  # "file.csv:123"
    row: int  # 1-based data row (the header is row 0)
    incident_id: str
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        cell = f" {self.column}={_short(self.value)}" if self.column else ""
        return f"{self.where}: row {self.row} (ID {self.incident_id or '?'}){cell}: {self.reason}"


@dataclass(frozen=True)
class RowNote:
    """Something the importer decided about a row that a reader should know."""

    where: str
    incident_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: eurepoc:{self.incident_id}: {self.message}"


@dataclass
class EurepocImport:
    """The result of importing one file."""

    path: Path
    rows: int = 0
    incidents: list[Incident] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    unknown_vocabulary: dict[str, Counter[str]] = field(default_factory=dict)
    notes: list[RowNote] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every row is accounted for: imported or rejected with a reason."""
        return len(self.incidents) + len(self.rejected) == self.rows

    def summary(self) -> str:
        """A short report for people: counts, rejections, unknown vocabulary, notes."""
        lines = [
            f"{self.path}: {self.rows} rows, {len(self.incidents)} imported, "
            f"{len(self.rejected)} rejected",
        ]
        for r in self.rejected:
            lines.append(f"  rejected {r}")
        if self.unknown_vocabulary:
            total = sum(sum(c.values()) for c in self.unknown_vocabulary.values())
            lines.append(f"unknown vocabulary ({total} occurrences, read as unknown):")
            for column, terms in self.unknown_vocabulary.items():
                for term, n in terms.most_common():
                    lines.append(f"  {column}: {term!r} x{n}")
        else:
            lines.append("unknown vocabulary: none")
        if self.notes:
            kinds = Counter(n.message.split(":")[0].split(" ")[0] for n in self.notes)
            lines.append(
                f"notes: {len(self.notes)} ("
                + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
                + ")"
            )
        return "\n".join(lines)


def companions(path: Path) -> dict[str, bool]:
    """Which companion datasets sit beside the file (reported, not read: see module doc)."""
    return {name: (path.parent / name).is_file() for name in COMPANION_FILES}


def import_eurepoc(path: Path | str, *, strict_vocabulary: bool = False) -> EurepocImport:
    """Import a EuRepoC Global Database CSV (see the module doc for what fails how)."""
    path = Path(path)
    result = EurepocImport(path)
    vocabulary = VocabularyLog()
    # A FIFO or device is refused at once, never read (it could block or never end).
    handle = io.TextIOWrapper(open_regular_file(path), encoding="utf-8-sig", newline="")
    limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with handle:
            reader = csv.reader(handle, strict=True)
            header = _header(path, reader)
            seen: dict[str, int] = {}
            line = reader.line_num + 1
            for cells in reader:
                result.rows += 1
                where = f"{path}:{line}"
                line = reader.line_num + 1
                _row(result, vocabulary, header, cells, where, seen, strict_vocabulary)
    except csv.Error as exc:
        where = f"{path}:{reader.line_num}"
        raise DocumentError([Problem(where, f"malformed CSV: {exc}")]) from None
    except UnicodeDecodeError as exc:
        raise DocumentError([Problem(str(path), f"not UTF-8 text: {exc.reason}")]) from None
    finally:
        csv.field_size_limit(limit)
    result.unknown_vocabulary = vocabulary.as_dict()
    return result


# More required columns missing than this: the file is another table (each missing column
# is not listed; a damaged or misspelt header is, with the column it resembles).
_FEW_MISSING = 5


def _companion(header: list[str]) -> str | None:
    """What to import instead when the file is one of EuRepoC's companion datasets."""
    if "attribution_ID" in header:
        name = "Attribution dataset"
    elif "receiver_country" in header and "name" not in header:
        name = "Receiver dataset"
    else:
        return None
    return (
        f"this looks like the EuRepoC {name}, a companion table of the Global Database: "
        "import EuRepoC_Global_Database_1.1.csv (it holds the attributions and receivers)"
    )


def _header(path: Path, reader: Iterator[list[str]]) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise DocumentError([Problem(str(path), "empty file: expected a EuRepoC header")]) from None
    duplicates = sorted(c for c, n in Counter(header).items() if n > 1)
    problems = [Problem(f"{path}:1", f"duplicate column {c!r}") for c in duplicates]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if len(missing) > _FEW_MISSING:  # another table, not a damaged header: one line, not 40
        shown = ", ".join(repr(c) for c in missing[:4])
        problems.append(
            Problem(f"{path}:1", f"{len(missing)} required columns missing ({shown}, ...)")
        )
        companion = _companion(header)
        if companion:
            problems.append(Problem(f"{path}:1", companion))
    else:
        for column in missing:
            near = difflib.get_close_matches(column, header, n=1)
            hint = f" (found {near[0]!r})" if near else ""
            problems.append(Problem(f"{path}:1", f"missing column {column!r}{hint}"))
    if problems:
        problems.append(
            Problem(
                f"{path}:1", f"not a EuRepoC Global Database 1.1 header ({len(header)} columns)"
            )
        )
        raise DocumentError(problems)
    return header


def _row(
    result: EurepocImport,
    vocabulary: VocabularyLog,
    header: list[str],
    cells: list[str],
    where: str,
    seen: dict[str, int],
    strict: bool,
) -> None:
    number = result.rows
    raw_id = cells[0].strip() if cells else ""
    if len(cells) != len(header):
        result.rejected.append(
            RejectedRow(
                where,
                number,
                raw_id,
                None,
                None,
                f"row has {len(cells)} fields, the header has {len(header)}",
            )
        )
        return
    row = dict(zip(header, cells, strict=True))
    raw_id = row["ID"].strip()
    if raw_id in seen:
        result.rejected.append(
            RejectedRow(
                where,
                number,
                raw_id,
                "ID",
                raw_id,
                f"duplicate incident ID (first in row {seen[raw_id]})",
            )
        )
        return
    try:
        incident, ctx = map_row(row, vocabulary)
    except RowError as exc:
        result.rejected.append(
            RejectedRow(where, number, raw_id, exc.column, exc.value, exc.reason)
        )
        return
    if strict and ctx.unknown_terms:
        column, term = ctx.unknown_terms[0]
        result.rejected.append(
            RejectedRow(where, number, raw_id, column, term, "unknown vocabulary")
        )
        return
    seen[raw_id] = number
    result.incidents.append(incident)
    result.notes.extend(RowNote(where, raw_id, n) for n in ctx.notes)


def _short(value: str | None, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
