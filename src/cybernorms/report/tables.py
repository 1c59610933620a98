"""Verdict records as CSV (one row per verdict, lists joined with ``;``) and as a markdown
table (rule titles, each incident named once)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

# The CSV columns, in order: the output contract's, then what identifies the incident.
CSV_COLUMNS = (
    "incident",
    "name",
    "start_date",
    "victims",
    "package",
    "rule",
    "subject",
    "basis",
    "outcome",
    "missing",
    "profiles",
)


def csv_row(record: Mapping[str, Any]) -> list[str]:
    """One record as CSV cells: lists joined with ``;``, null as the empty cell."""
    cells = []
    for column in CSV_COLUMNS:
        value = record.get(column)
        if isinstance(value, list):
            cells.append(";".join(map(str, value)))
        else:
            cells.append("" if value is None else str(value))
    return cells


def write_csv(records: Iterable[Mapping[str, Any]], stream: TextIO) -> int:
    """Write a header and one row per record; returns the number of rows."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in records:
        writer.writerow(csv_row(record))
        count += 1
    return count


def markdown_cell(text: object, clean: Callable[[object], str] = str) -> str:
    """Text safe in one markdown table cell: pipes escaped, line breaks as spaces; ``clean``
    first (a terminal front end passes its control-character escaping)."""
    return clean(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def write_markdown(
    records: Iterable[Mapping[str, Any]],
    stream: TextIO,
    titles: Mapping[str, str],
    clean: Callable[[object], str] = str,
) -> int:
    """A markdown table: incident (named on its first row only), rule with its title, subject,
    basis, outcome, missing facts. Returns the number of rows."""
    stream.write("| incident | rule | subject | basis | outcome | missing |\n")
    stream.write("|---|---|---|---|---|---|\n")
    previous = None
    count = 0
    for r in records:
        incident = r["incident"]
        shown = "" if incident == previous else _incident_label(r)
        previous = incident
        rule = r["rule"] + (f" ({titles[r['rule']]})" if r["rule"] in titles else "")
        cells = [
            shown,
            rule,
            r["subject"] or "-",
            r["basis"] + (" (selection)" if r.get("selection") else ""),
            r["outcome"],
            ", ".join(r["missing"]),
        ]
        stream.write("| " + " | ".join(markdown_cell(c, clean) for c in cells) + " |\n")
        count += 1
    return count


def _incident_label(record: Mapping[str, Any]) -> str:
    name = record.get("name")
    return f"{record['incident']}: {name}" if name else str(record["incident"])
