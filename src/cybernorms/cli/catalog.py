"""``cybernorms rules|packages|positions list|show``: what the loaded rulebooks hold.

``list`` prints one row per item (table, or JSON for scripts); ``show`` prints one item in
full: text, source, criteria, the positions' readings, the examples that specify it. The same
rulebook options as every command (``--rulebooks`` adds, ``--no-shipped``, positions by path).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from cybernorms.cli import options
from cybernorms.cli.console import cell, out
from cybernorms.cli.helpscreen import Command

Row = dict[str, Any]


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def _books(rulebooks: Sequence[Path], no_shipped: bool, position: Sequence[str]) -> Any:
    from cybernorms.service.loading import compose

    return compose(rulebooks, shipped=not no_shipped, positions=position, with_examples=True).books


def _print_rows(rows: list[Row], columns: Sequence[str], fmt: ListFormat, title: str) -> None:
    if fmt is ListFormat.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    from rich.table import Table

    table = Table(title=title)
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*(cell(_text(row[c])) for c in columns))
    out().print(table)


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    return str(value)


def _print_detail(row: Row, fmt: ListFormat, heading: str) -> None:
    """A detail as JSON, or as labelled paragraphs (nested lists indented)."""
    if fmt is ListFormat.json:
        json.dump(row, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    out().print(f"[bold]{cell(heading)}[/]")
    for key, value in row.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out().print(f"[bold]{cell(key)}[/]:")
            for item in value:
                first = True
                for k, v in item.items():
                    lead = "  - " if first else "    "
                    first = False
                    out().print(f"{lead}{cell(k)}: {cell(_text(v), newlines=True)}")
        elif value not in (None, [], ""):
            out().print(f"[bold]{cell(key)}[/]: {cell(_text(value), newlines=True)}")


def _family(
    name: str,
    help_text: str,
    rows_of: str,
    columns: Sequence[str],
    detail_of: str,
    item: str,
) -> typer.Typer:
    """A ``list``/``show`` pair over ``service.listing``'s functions named ``rows_of`` and
    ``detail_of`` (by name: the service loads when a command runs, not for ``--help``)."""
    family = typer.Typer(help=help_text, no_args_is_help=True)

    def rows(books: Any) -> list[Row]:
        from cybernorms.service import listing

        found: Callable[[Any], list[Row]] = getattr(listing, rows_of)
        return found(books)

    def detail(books: Any, key: str) -> Row:
        from cybernorms.service import listing

        found: Callable[[Any, str], Row] = getattr(listing, detail_of)
        return found(books, key)

    @family.command("list", cls=Command)
    def list_items(
        fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
        rulebooks: list[Path] = options.rulebooks(),
        no_shipped: bool = options.no_shipped(),
        position: list[str] = options.positions("Also load"),
    ) -> None:
        """One row per item of the loaded rulebooks."""
        _print_rows(rows(_books(rulebooks, no_shipped, position)), columns, fmt, name)

    @family.command("show", cls=Command)
    def show(
        key: str = typer.Argument(..., metavar=item),
        fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
        rulebooks: list[Path] = options.rulebooks(),
        no_shipped: bool = options.no_shipped(),
        position: list[str] = options.positions("Also load"),
    ) -> None:
        """One item in full: text, source, criteria, readings, examples."""
        _print_detail(detail(_books(rulebooks, no_shipped, position), key), fmt, f"{item} {key}")

    return family


def register(app: typer.Typer) -> None:
    """Add ``rules``, ``packages`` and ``positions`` to the root command."""

    app.add_typer(
        _family(
            "Rules",
            "The rules of the loaded packages and positions: list, show RULE.",
            "rule_rows",
            ("id", "package", "title", "kind", "source"),
            "rule_detail",
            "RULE",
        ),
        name="rules",
    )
    app.add_typer(
        _family(
            "Packages",
            "The loaded packages: list, show ID.",
            "package_rows",
            ("id", "version", "title", "basis", "rules", "requires"),
            "package_detail",
            "ID",
        ),
        name="packages",
    )
    app.add_typer(
        _family(
            "Positions",
            "The loaded national and group positions: list, show ISO3 or group:NAME.",
            "position_rows",
            ("state", "title", "date", "package", "overrides", "added"),
            "position_detail",
            "ISO3|group:NAME",
        ),
        name="positions",
    )
