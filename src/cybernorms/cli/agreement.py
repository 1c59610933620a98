"""Subcommand ``agreement``: the engine's verdicts beside the EuRepoC coders' judgement.

The command imports the CSV (``cybernorms.ingest.eurepoc``), evaluates every incident the
coders judged with the shipped rulebooks (or ``--rulebooks``), and prints per question the
counts, observed agreement, Cohen's kappa and a 2x2 confusion (``cybernorms.agreement``). The
judgement columns are read only to compare, never to decide: the engine gets each incident with
its annotations removed.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import typer

from cybernorms.cli import options
from cybernorms.cli.arguments import parse_date
from cybernorms.cli.console import cell, err, out, plain, progress_over
from cybernorms.cli.helpscreen import Command

if TYPE_CHECKING:
    from rich.table import Table

    from cybernorms.agreement import Report


class AgreementFormat(StrEnum):
    table = "table"
    json = "json"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _kappa(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _table(report: Report, title: str) -> Table:
    from rich.table import Table

    table = Table(title=title)
    columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
        ("question", "left"),
        ("rule", "left"),
        ("basis", "left"),
        ("coded", "right"),
        ("coder yes/no", "right"),
        ("engine yes", "right"),
        ("engine no", "right"),
        ("undet.", "right"),
        ("both n", "right"),
        ("agree", "right"),
        ("kappa", "right"),
        ("confusion C+E+ C+E- C-E+ C-E-", "right"),
    )
    for col, justify in columns:
        table.add_column(col, justify=justify)
    for r in report.rows:
        c = r.confusion
        table.add_row(
            cell(r.title),
            cell(r.rule),
            cell(r.basis),
            str(r.coded),
            f"{r.coder_yes}/{r.coded - r.coder_yes}",
            str(r.engine_yes),
            str(r.engine_no),
            str(r.engine_undetermined),
            str(r.both_decided),
            _pct(r.agreement),
            _kappa(r.kappa),
            f"{c.yes_yes} {c.yes_no} {c.no_yes} {c.no_no}",
        )
    return table


def _import_json(result: Any) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "imported": len(result.incidents),
        "rejected": [
            {
                "where": r.where,
                "row": r.row,
                "incident_id": r.incident_id,
                "column": r.column,
                "reason": r.reason,
            }
            for r in result.rejected
        ],
        "unknown_vocabulary": {
            col: dict(sorted(terms.items())) for col, terms in result.unknown_vocabulary.items()
        },
    }


def register(app: typer.Typer) -> None:
    """Add ``agreement`` to the root command."""

    @app.command(cls=Command)
    def agreement(
        csv_file: Path = typer.Argument(..., metavar="CSV", help="EuRepoC Global Database CSV."),
        position: list[str] = options.positions("Also compare"),
        rulebooks: list[Path] = options.rulebooks(),
        no_shipped: bool = options.no_shipped(),
        as_of: str | None = options.as_of(),
        output: AgreementFormat = typer.Option(
            AgreementFormat.table, "--format", "-f", help="table for people, json for scripts."
        ),
    ) -> None:
        """Compare engine verdicts with the EuRepoC coders' legal judgement (kappa, 2x2)."""
        from cybernorms.service.agreement import agreement as compare_with_coders

        date = parse_date(as_of)
        composed = options.compose(rulebooks, no_shipped, position)
        states = composed.positions
        found = compare_with_coders(
            composed.books,
            csv_file,
            positions=states,
            as_of=date,
            progress=lambda incidents: progress_over(incidents, "comparing"),
        )
        result, report = found.imported, found.report
        if output is AgreementFormat.json:
            doc = {
                "file": str(csv_file),
                "import": _import_json(result),
                "positions": states,
                **report.to_json(),
            }
            json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return
        vocab = sum(sum(t.values()) for t in result.unknown_vocabulary.values())
        err().print(
            f"{cell(csv_file)}: {result.rows} rows, {len(result.incidents)} imported, "
            f"{len(result.rejected)} rejected, {vocab} unknown-vocabulary occurrences; "
            f"{report.incidents} incidents carry coder judgement",
            highlight=False,
        )
        for r in result.rejected[:5]:
            err().out(f"  rejected {plain(r)}", highlight=False)
        out().print(_table(report, f"Engine vs EuRepoC coders ({report.incidents} incidents)"))
        out().print(
            "Coded: incidents the coders judged on the question. Engine yes/no/undet.: over "
            "those. Agreement and kappa: on the incidents where both decided (n/a when "
            "undefined). Confusion: C = coders, E = engine, + yes, - no. Coders' judgement is "
            "compared, never used to decide.",
            style="dim",
        )
