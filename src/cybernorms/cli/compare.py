"""``cybernorms compare``: one incident under every reading side by side (rules x readings),
with the facts deciding each difference. Thin over ``service.comparing``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from cybernorms.cli import options
from cybernorms.cli.arguments import parse_date
from cybernorms.cli.console import cell, out, plain
from cybernorms.cli.helpscreen import Command
from cybernorms.service.formats import InputFormat


class CompareFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    html = "html"
    csv = "csv"
    json = "json"


STYLE = {
    "violation": "bold red",
    "no_violation": "green",
    "undetermined": "yellow",
    "not_applicable": "dim",
}

# Space a column of the matrix takes beyond its widest text (rich's padding and border).
_PADDING = 3
# Narrowest useful widths of the matrix's rule and deciding-facts columns.
_RULE_MIN, _DECIDING_MIN = 18, 24


def _matrix_width(matrix: dict[str, Any]) -> int:
    """The narrowest the rules x readings matrix can be without breaking an outcome word."""
    from cybernorms.report.matrix import cell_text

    readings = sum(
        max(len(c), *(len(cell_text(r, c)) for r in matrix["rows"])) + _PADDING
        for c in matrix["columns"]
    )
    return readings + _RULE_MIN + len("subject") + _DECIDING_MIN + 3 * _PADDING


def compare_tables(matrix: dict[str, Any], width: int) -> list[Any]:
    """What ``compare`` prints on a terminal ``width`` columns wide: the rules x readings
    matrix when it fits, else readings as rows (issue 11: twelve positions in columns broke
    every outcome word at 80 and 120 columns, even at 200).

    Readings as rows: per rule and subject, one line per outcome, naming the readings that
    reached it (``package`` first, positions by ISO3) and, where a position departs from the
    package, the facts that decided it."""
    if matrix["rows"] and _matrix_width(matrix) > width:
        return _by_outcome(matrix)
    return _matrix(matrix)


def _matrix(matrix: dict[str, Any]) -> list[Any]:
    from rich.table import Table

    from cybernorms.report.matrix import cell_text, heading

    columns = matrix["columns"]
    table = Table(title=cell(heading(matrix)), show_lines=True)
    table.add_column("rule", overflow="fold", ratio=3)
    table.add_column("subject", no_wrap=True)
    for c in columns:
        table.add_column(cell(c), overflow="fold")
    table.add_column("deciding facts", overflow="fold", ratio=4)
    for row in matrix["rows"]:
        rule = cell(row["rule"]) + (f"\n[dim]{cell(row['title'])}[/]" if row["title"] else "")
        cells = []
        for c in columns:
            reading = row["readings"].get(c)
            text = cell(cell_text(row, c))
            if reading is not None:
                style = STYLE.get(reading["outcome"], "")
                style += "" if reading["own"] else " dim"
                text = f"[{style.strip()}]{text}[/]" if style.strip() else text
            cells.append(text)
        deciding = "\n".join(
            f"{cell(c)}: {cell(', '.join(f) or '(no fact read)')}"
            for c, f in row["deciding"].items()
        )
        table.add_row(rule, cell(row["subject"] or "-"), *cells, deciding)
    return [
        table,
        "[dim]package: each rule's own package (consensus or restatement). position:ISO3 is "
        "one state's reading, group:NAME a group's common reading, never consensus; dim: the "
        "position does not read the rule itself. *: differs from the package.[/]",
    ]


def _short(column: str) -> str:
    return column.removeprefix("position:")


def _by_outcome(matrix: dict[str, Any]) -> list[Any]:
    from rich.table import Table

    from cybernorms.report.matrix import heading

    table = Table(title=cell(heading(matrix)))
    table.add_column("rule", overflow="fold", ratio=1, min_width=16)
    table.add_column("subject", no_wrap=True)
    table.add_column("outcome", no_wrap=True)
    table.add_column("readings; deciding facts", overflow="fold", ratio=2)
    for row in matrix["rows"]:
        groups: dict[str, list[str]] = {}
        for c in matrix["columns"]:  # package first: the columns' order
            reading = row["readings"].get(c)
            if reading is not None:
                groups.setdefault(reading["outcome"], []).append(c)
        rule = cell(row["rule"]) + (f"\n[dim]{cell(row['title'])}[/]" if row["title"] else "")
        for index, (outcome, columns) in enumerate(groups.items()):
            departs = [c for c in columns if c in row["deciding"]]
            style = STYLE.get(outcome, "")
            word = cell(outcome) + ("*" if departs else "")
            names = ", ".join(
                cell(_short(c)) if row["readings"][c]["own"] else f"[dim]{cell(_short(c))}°[/]"
                for c in columns
            )
            same_facts: dict[str, list[str]] = {}  # readings decided by the same facts: once
            for c in departs:
                read = ", ".join(row["deciding"][c]) or "(no fact read)"
                same_facts.setdefault(read, []).append(_short(c))
            facts = "".join(
                f"\n  [dim]{cell(', '.join(names))}: {cell(read)}[/]"
                for read, names in same_facts.items()
            )
            first = index == 0
            table.add_row(
                rule if first else "",
                cell(row["subject"] or "-") if first else "",
                f"[{style}]{word}[/]" if style else word,
                names + facts,
                end_section=index == len(groups) - 1,
            )
    return [
        table,
        "[dim]package: each rule's own package (consensus or restatement); AUS, CAN, ...: "
        "position:ISO3, one state's reading; group:NAME, a group's common reading; never "
        "consensus. *: some readings differ from "
        "the package; °: the position does not read the rule itself (the package's "
        "outcome). A wider terminal shows the rules x readings matrix; -f markdown, html "
        "and csv always do.[/]",
    ]


def _print_table(matrix: dict[str, Any]) -> None:
    console = out()
    for part in compare_tables(matrix, console.width):
        console.print(part)


def register(app: typer.Typer) -> None:
    """Add ``compare`` to the root command."""

    @app.command(cls=Command)
    def compare(
        inputs: list[Path] = options.inputs(),
        incident: str | None = typer.Option(
            None,
            "--incident",
            "-i",
            metavar="ID",
            help="The incident to compare (needed when the input holds more than one).",
        ),
        position: list[str] = typer.Option(
            ["ALL"],
            "--position",
            metavar="ISO3|group:NAME|FILE|ALL",
            help="The readings beside the packages': states, groups (group:AU), position "
            "files, or ALL (every loaded position, groups included); repeatable.",
        ),
        package: list[str] = options.packages(),
        differences: bool = typer.Option(
            False, "--differences", help="Only the rules on which the readings differ."
        ),
        fmt: CompareFormat = typer.Option(
            CompareFormat.table, "--format", "-f", help="Output format."
        ),
        output: Path | None = typer.Option(
            None, "--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."
        ),
        as_of: str | None = options.as_of(),
        profiles: list[Path] = options.profiles(),
        profile: list[str] = options.profile_overrides(),
        rulebooks: list[Path] = options.rulebooks(),
        no_shipped: bool = options.no_shipped(),
        source_format: InputFormat = options.source_format(),
        reference_data: Path | None = options.reference_data(),
        assume_defaults: bool = options.assume_defaults(),
    ) -> None:
        """One incident under every reading side by side, with the facts deciding each difference.

        A matrix of rules x readings: each rule's own package (consensus or restatement) and
        each position (--position ALL, the default, or a list)."""
        from cybernorms.cli.evaluation import load_inputs
        from cybernorms.cli.outputs import text_target
        from cybernorms.report import matrix as render
        from cybernorms.service.comparing import compare as compare_readings
        from cybernorms.service.errors import BadRequest

        date = parse_date(as_of)
        names = [p for p in position if p.upper() != "ALL"]
        composed = options.compose(rulebooks, no_shipped, names, package)
        wanted = [*composed.positions, *(["ALL"] if len(names) < len(position) else [])]
        loaded = load_inputs(inputs, source_format, reference_data=reference_data)
        if incident is None:
            if len(loaded.incidents) != 1:
                raise BadRequest(
                    f"the input holds {len(loaded.incidents)} incidents: name one with "
                    "--incident ID"
                )
            chosen = loaded.incidents[0]
        else:
            chosen = loaded.by_id(incident)
        result = compare_readings(
            composed.books,
            chosen,
            wanted,
            packages=composed.packages,
            profiles=options.chosen_profiles(composed.books, profiles, profile),
            as_of=date,
            only_differences=differences,
            assume_defaults=assume_defaults,
        ).to_json()
        if fmt is CompareFormat.table and output is None:
            _print_table(result)
            return
        with text_target(output) as stream:
            if fmt is CompareFormat.json:
                json.dump(result, stream, ensure_ascii=False, indent=1)
                stream.write("\n")
            elif fmt is CompareFormat.csv:
                render.write_csv(result, stream)
            elif fmt is CompareFormat.html:
                stream.write(render.html_page(result))
            else:
                render.write_markdown(result, stream, clean=plain if output is None else str)
