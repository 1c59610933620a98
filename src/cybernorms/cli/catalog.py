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
from cybernorms.cli.helpscreen import Command, Group

Row = dict[str, Any]


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def _books(rulebooks: Sequence[Path], no_shipped: bool, position: Sequence[str]) -> Any:
    from cybernorms.service.loading import compose

    return compose(rulebooks, shipped=not no_shipped, positions=position, with_examples=True).books


# How a column of a list reads on a terminal: ``id`` never broken (ids, dates, versions),
# ``list`` one item per line, ``text`` wrapped in the space left, ``titled`` the item's id
# with its title beneath (dim) in the space left.
Column = tuple[str, str]


def _print_rows(rows: list[Row], columns: Sequence[Column], fmt: ListFormat, title: str) -> None:
    """JSON: every key of every row. Table: ``columns`` only (the long ``source`` and the
    criteria are for ``show``), fitted to the terminal without breaking an id (issue 11:
    titles and sources side by side broke every id at 80 columns)."""
    if fmt is ListFormat.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    from rich.table import Table

    table = Table(title=title)
    for key, kind in columns:
        if kind in ("text", "titled"):
            table.add_column(key, overflow="fold", ratio=1, min_width=12)
        else:
            table.add_column(key, no_wrap=True)
    for row in rows:
        table.add_row(*(_cell(row, key, kind) for key, kind in columns))
    out().print(table)


def _cell(row: Row, key: str, kind: str) -> str:
    if kind == "reading":  # a column of its own, from several keys
        return cell("\n".join(_reading(row)) or "-", newlines=True)
    value = row[key]
    if kind == "list" and isinstance(value, list):
        return cell("\n".join(map(str, value)) or "-", newlines=True)
    if kind == "titled":
        return cell(_text(value)) + (f"\n[dim]{cell(row['title'])}[/]" if row["title"] else "")
    return cell(_text(value))


def _reading(position: Row) -> list[str]:
    """What a position does with each rule it names, one line each."""
    lines = []
    for rule in position["overrides"]:
        if rule in position["no_rule"]:
            lines.append(f"no rule  {rule}")
        elif rule in position["holds_open"]:
            lines.append(f"open     {rule}")
        else:
            lines.append(f"re-reads {rule}")
    lines += [f"agrees   {r}" for r in position["agrees"] if r not in position["overrides"]]
    lines += [f"adds     {r}" for r in position["added"]]
    return lines


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
    columns: Sequence[Column],
    detail_of: str,
    item: str,
) -> typer.Typer:
    """A ``list``/``show`` pair over ``service.listing``'s functions named ``rows_of`` and
    ``detail_of`` (by name: the service loads when a command runs, not for ``--help``)."""
    family = typer.Typer(cls=Group, help=help_text, no_args_is_help=True)

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
        heading = f"{name.lower().removesuffix('s')} {key}"  # "position group:AU", "rule il.x"
        _print_detail(detail(_books(rulebooks, no_shipped, position), key), fmt, heading)

    return family


def register(app: typer.Typer) -> None:
    """Add ``rules``, ``packages`` and ``positions`` to the root command."""

    app.add_typer(
        _family(
            "Rules",
            "The rules of the loaded packages and positions: list, show RULE.",
            "rule_rows",
            (("id", "titled"), ("package", "id"), ("kind", "id"), ("question", "id")),
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
            (
                ("id", "titled"),
                ("version", "id"),
                ("basis", "id"),
                ("rules", "id"),
                ("requires", "list"),
            ),
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
            (("state", "id"), ("date", "id"), ("rules", "reading"), ("title", "text")),
            "position_detail",
            "ISO3|group:NAME",
        ),
        name="positions",
    )
