"""``cybernorms standing --state ISO3 [--as-of DATE] [--db URL]``: which package versions bind
a state on a date, and why - the forum record's answer (``forum.packages_as_of``).

A command of its own, beside ``evaluate``: it reads the same record that gives verdicts their
basis (the shipped history, or the registry's log with ``--db``), so what it prints is what
``evaluate`` would cite. ``--format json`` for scripts.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum

import typer

from cybernorms.cli.arguments import parse_date
from cybernorms.cli.console import cell, out
from cybernorms.cli.helpscreen import Command

COLUMNS = (
    "package",
    "version",
    "kind",
    "forum",
    "decision",
    "log_index",
    "in_force_from",
    "basis",
    "disassociated",
    "reserved",
)


class StandingFormat(StrEnum):
    table = "table"
    json = "json"


def register(app: typer.Typer) -> None:
    @app.command(cls=Command)
    def standing(
        state: str = typer.Option(..., "--state", metavar="ISO3", help="The state asked about."),
        as_of: str | None = typer.Option(
            None, "--as-of", metavar="YYYY-MM-DD", help="The date (default today)."
        ),
        db: str | None = typer.Option(
            None,
            "--db",
            envvar="CYBERNORMS_DB",
            metavar="URL",
            help="Read the forum record on this registry's log (default $CYBERNORMS_DB when "
            "set); without it, the shipped history recorded from public sources.",
        ),
        output_format: StandingFormat = typer.Option(
            StandingFormat.table, "--format", "-f", help="table or json."
        ),
    ) -> None:
        """Package versions in force for a state on a date, with the decision behind each."""
        from cybernorms.service import loading
        from cybernorms.service.record import standing_rows

        on = parse_date(as_of) or dt.date.today()
        record = loading.forum_record(db)
        rows = standing_rows(record, on, state.upper())
        if output_format is StandingFormat.json:
            json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return
        from rich.table import Table

        table = Table(
            title=f"In force for {cell(state.upper())} on {on.isoformat()}",
            caption=f"record: {cell(record.log)}",
        )
        for column in COLUMNS:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(cell(_text(row[c])) for c in COLUMNS))
        out().print(table)


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    return str(value)
