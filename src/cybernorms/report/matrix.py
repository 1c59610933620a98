"""The side-by-side matrix of ``cybernorms compare`` (rules x readings for one incident) as
markdown, CSV or a self-contained HTML page.

Each writer takes the comparison's JSON form (``service.comparing.Comparison.to_json``): a
cell is the outcome under that reading, marked ``*`` where the position reads the rule itself
and differs from the package; the last column names the facts deciding each difference.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from html import escape
from typing import Any, TextIO

from cybernorms.report.html import OUTCOMES
from cybernorms.report.tables import markdown_cell

Matrix = Mapping[str, Any]


def cell_text(row: Mapping[str, Any], column: str) -> str:
    """A cell as text: the outcome, ``*`` when this reading differs from the package's,
    ``-`` when the reading gives no verdict."""
    reading = row["readings"].get(column)
    if reading is None:
        return "-"
    return str(reading["outcome"]) + ("*" if column in row["deciding"] else "")


def deciding_text(row: Mapping[str, Any]) -> str:
    return "; ".join(
        f"{column}: {', '.join(facts) or '(no fact read)'}"
        for column, facts in row["deciding"].items()
    )


def heading(matrix: Matrix) -> str:
    name = f" {matrix['name']}" if matrix.get("name") else ""
    date = f" ({matrix['start_date']})" if matrix.get("start_date") else ""
    return f"{matrix['incident']}:{name}{date}"


def write_markdown(matrix: Matrix, stream: TextIO, clean: Callable[[object], str] = str) -> None:
    columns = matrix["columns"]
    stream.write(f"**{markdown_cell(heading(matrix), clean)}**\n\n")
    stream.write("| rule | subject | " + " | ".join(columns) + " | deciding facts |\n")
    stream.write("|---|---|" + "---|" * len(columns) + "---|\n")
    for row in matrix["rows"]:
        cells = [
            f"{row['rule']} ({row['title']})" if row["title"] else row["rule"],
            row["subject"] or "-",
            *(cell_text(row, c) for c in columns),
            deciding_text(row),
        ]
        stream.write("| " + " | ".join(markdown_cell(c, clean) for c in cells) + " |\n")
    stream.write("\n`*`: this reading differs from the package's; deciding facts as read.\n")


def write_csv(matrix: Matrix, stream: TextIO) -> None:
    columns = matrix["columns"]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["incident", "rule", "title", "subject", *columns, "deciding"])
    for row in matrix["rows"]:
        writer.writerow(
            [
                matrix["incident"],
                row["rule"],
                row["title"],
                row["subject"] or "",
                *(row["readings"][c]["outcome"] if c in row["readings"] else "" for c in columns),
                deciding_text(row),
            ]
        )


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
th{background:#f3f3f3}.differs{background:#fff4d6}.inherited{color:#888}
.violation{color:#b00020;font-weight:bold}.no_violation{color:#1b7a1b}
.undetermined{color:#a66b00}.not_applicable{color:#777}.dim{color:#666}
"""


def html_page(matrix: Matrix) -> str:
    """One self-contained HTML page (no external asset), every data string escaped."""
    columns = matrix["columns"]
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in matrix["rows"]:
        cells = []
        for c in columns:
            reading = row["readings"].get(c)
            if reading is None:
                cells.append("<td>-</td>")
                continue
            outcome = reading["outcome"]
            css = outcome if outcome in OUTCOMES else ""
            extra = " differs" if c in row["deciding"] else ""
            extra += "" if reading["own"] else " inherited"
            cells.append(f'<td class="{css}{extra}">{escape(outcome)}</td>')
        deciding = "".join(
            f"<li>{escape(c)}: {escape(', '.join(facts) or '(no fact read)')}</li>"
            for c, facts in row["deciding"].items()
        )
        rule = escape(row["rule"]) + (
            f'<br><span class="dim">{escape(row["title"])}</span>' if row["title"] else ""
        )
        body.append(
            f"<tr><td>{rule}</td><td>{escape(row['subject'] or '-')}</td>{''.join(cells)}"
            f"<td><ul>{deciding}</ul></td></tr>"
            if deciding
            else f"<tr><td>{rule}</td><td>{escape(row['subject'] or '-')}</td>"
            f"{''.join(cells)}<td></td></tr>"
        )
    title = escape(heading(matrix))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style></head><body>\n<h1>{title}</h1>\n"
        '<p class="dim">Each column is one reading: "package" is each rule\'s own package '
        "(consensus or restatement); position:ISO3 is that state's reading, group:NAME a "
        "group's common reading, never consensus. "
        "Grey: the position does not read this rule itself. Highlighted: differs from the "
        "package, with the facts that decide it.</p>\n"
        f"<table><tr><th>rule</th><th>subject</th>{head}<th>deciding facts</th></tr>\n"
        + "\n".join(body)
        + "\n</table></body></html>\n"
    )
