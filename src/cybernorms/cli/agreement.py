"""Subcommand ``agreement``: the engine's verdicts beside the EuRepoC coders' judgement.

The command imports the CSV (``cybernorms.ingest.eurepoc``), asks the engine the coders'
act-level question on every incident they judged ("would this act breach the rule if a foreign
state had done it?") with the shipped rulebooks (or ``--rulebooks``), and prints per question
the counts, with undetermined and not applicable apart, observed agreement and Cohen's kappa
over the incidents both decided, and the confusion (``cybernorms.agreement``).
``--disagreements`` lists instead every incident where coders and engine differ or the engine
is undetermined, with the deciding facts and the source cells. The judgement columns are read
only to compare, never to decide.
"""

from __future__ import annotations

import csv
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

import typer

from cybernorms.cli import options
from cybernorms.cli.arguments import parse_date
from cybernorms.cli.console import cell, err, out, plain, progress_over
from cybernorms.cli.helpscreen import Command

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from cybernorms.agreement import Disagreement, Report

NOTE = (
    "Question: would this act breach the rule if a foreign state had done it (the coders' "
    "IL_breach_indicator judges the act, whoever did it). Coded: incidents the coders judged "
    "on the question. Engine yes/no/undet./n.a.: over those; not applicable is never a no. "
    "Agreement and kappa: over the incidents where both said yes or no (n/a when undefined). "
    "Confusion: C = coders, E = engine, + yes, - no. The coders' judgement is compared, never "
    "used to decide."
)


class AgreementFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _kappa(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


# -- the agreement table ---------------------------------------------------------------------

TABLE_COLUMNS: tuple[tuple[str, Literal["left", "right"]], ...] = (
    ("question", "left"),
    ("rule", "left"),
    ("basis", "left"),
    ("coded", "right"),
    ("coder yes/no", "right"),
    ("engine yes", "right"),
    ("engine no", "right"),
    ("undet.", "right"),
    ("n.a.", "right"),
    ("both n", "right"),
    ("agree", "right"),
    ("kappa", "right"),
    ("confusion C+E+ C+E- C-E+ C-E-", "right"),
)


def _row_cells(row: dict[str, Any]) -> list[str]:
    c, e = row["confusion"], row["engine"]
    return [
        row["title"],
        row["rule"],
        row["basis"],
        str(row["coded"]),
        f"{row['coder']['yes']}/{row['coder']['no']}",
        str(e["yes"]),
        str(e["no"]),
        str(e["undetermined"]),
        str(e["not_applicable"]),
        str(row["both_decided"]),
        _pct(row["observed_agreement"]),
        _kappa(row["kappa"]),
        " ".join(
            str(c[f"coder_{a}_engine_{b}"])
            for a, b in (("yes", "yes"), ("yes", "no"), ("no", "yes"), ("no", "no"))
        ),
    ]


def _table(report: Report, title: str) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for col, justify in TABLE_COLUMNS:
        table.add_column(col, justify=justify)
    for r in report.rows:
        table.add_row(*(cell(v) for v in _row_cells(r.to_json())))
    return table


def _print_report(console: Console, report: Report) -> None:
    console.print(_table(report, f"Engine vs EuRepoC coders ({report.incidents} incidents)"))
    console.print(NOTE, style="dim", highlight=False)
    for note in report.state_level:
        console.print(f"State level: {cell(note)}", style="dim", highlight=False)
    for left in report.not_compared:
        console.print(
            f"Not compared: {cell(left.column)}: {cell(left.reason)}", style="dim", highlight=False
        )


def _write_report_csv(report: Report, stream: TextIO) -> None:
    writer = csv.writer(stream)
    writer.writerow([name for name, _ in TABLE_COLUMNS])
    for r in report.rows:
        writer.writerow(_row_cells(r.to_json()))


# -- the disagreements -------------------------------------------------------------------------

DISAGREEMENT_COLUMNS = (
    "incident",
    "name",
    "question",
    "rule",
    "basis",
    "coders",
    "coder_cells",
    "engine",
    "verdicts",
    "deciding_facts",
    "missing",
    "source_cells",
)


def _disagreement_cells(d: Disagreement) -> list[str]:
    from cybernorms.agreement.disagreements import value_text

    return [
        d.incident,
        d.name or "",
        d.question,
        d.rule,
        d.basis,
        "yes" if d.coder else "no",
        "; ".join(f"{k}={v}" for k, v in d.coder_cells.items()),
        d.engine.value,
        "; ".join(f"{v['subject'] or '-'}: {v['outcome']}" for v in d.verdicts),
        "; ".join(f"{k}={value_text(v)}" for k, v in d.facts.items()),
        "; ".join(d.missing),
        "; ".join(f"{k} <- {s['field']}={s['value']}" for k, s in d.sources.items()),
    ]


def _short(text: str, limit: int = 160) -> str:
    """A long value (a whole target list) cut for people; CSV and JSON keep it whole."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _print_disagreements(console: Console, listed: list[Disagreement], incidents: int) -> None:
    """One block per disagreement: a table with a dozen long cells per row is unreadable."""
    from cybernorms.agreement.disagreements import value_text

    console.print(
        f"Where the engine did not give the coders' answer: {len(listed)} (question, basis) "
        f"pairs on {incidents} incidents",
        style="bold",
        highlight=False,
    )
    for d in listed:
        console.print(
            f"\n{cell(d.incident)}  {cell(d.name or '')}\n"
            f"  {cell(d.question)} ({cell(d.rule)}, {cell(d.basis)}): coders "
            f"{'yes' if d.coder else 'no'}, engine {cell(d.engine.value)}",
            highlight=False,
        )
        for column, value in d.coder_cells.items():
            console.print(f"  coders: {cell(column)} = {cell(value)}", highlight=False)
        verdicts = "; ".join(f"{v['subject'] or '-'}: {v['outcome']}" for v in d.verdicts)
        console.print(f"  verdicts: {cell(verdicts)}", highlight=False)
        if d.missing:
            console.print(f"  missing: {cell(', '.join(d.missing))}", highlight=False)
        for fact, value in d.facts.items():
            source = d.sources.get(fact)
            shown = f"  {cell(fact)} = {cell(_short(value_text(value)))}"
            if source is not None:
                shown += f"  <- {cell(source['field'])}: {cell(_short(source['value']))}"
            console.print(shown, highlight=False)
    console.print(
        "\nVerdicts are the engine's on the act-level question (the act put down to a stand-in "
        "foreign state); the facts listed are those the verdicts' traces read, each with the "
        "EuRepoC cell the importer kept for it (<-).",
        style="dim",
        highlight=False,
    )


def _write_disagreements_csv(listed: list[Disagreement], stream: TextIO) -> None:
    writer = csv.writer(stream)
    writer.writerow(DISAGREEMENT_COLUMNS)
    for d in listed:
        writer.writerow(_disagreement_cells(d))


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


def _file_console(stream: TextIO) -> Console:
    from rich.console import Console

    return Console(file=stream, width=200, color_system=None, force_terminal=False)


def register(app: typer.Typer) -> None:
    """Add ``agreement`` to the root command."""

    @app.command(cls=Command)
    def agreement(
        csv_file: Path = typer.Argument(..., metavar="CSV", help="EuRepoC Global Database CSV."),
        position: list[str] = options.positions("Also compare"),
        rulebooks: list[Path] = options.rulebooks(),
        no_shipped: bool = options.no_shipped(),
        as_of: str | None = options.as_of(),
        show_disagreements: bool = typer.Option(
            False,
            "--disagreements",
            help="List every incident where coders and engine differ or the engine is "
            "undetermined, with the deciding facts and source cells.",
        ),
        fmt: AgreementFormat = typer.Option(
            AgreementFormat.table,
            "--format",
            "-f",
            help="table for people, csv or json for scripts.",
        ),
        output: Path | None = typer.Option(
            None, "--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."
        ),
    ) -> None:
        """Compare engine verdicts with the EuRepoC coders' legal judgement (kappa, 2x2)."""
        from cybernorms.cli.outputs import text_target
        from cybernorms.service.agreement import agreement as compare_with_coders

        date = parse_date(as_of)
        composed = options.compose(rulebooks, no_shipped, position)
        states = composed.positions
        found = compare_with_coders(
            composed.books,
            csv_file,
            positions=states,
            as_of=date,
            explain=show_disagreements,
            progress=lambda incidents: progress_over(incidents, "comparing"),
        )
        result, report = found.imported, found.report
        if fmt is not AgreementFormat.json:
            vocab = sum(sum(t.values()) for t in result.unknown_vocabulary.values())
            err().print(
                f"{cell(csv_file)}: {result.rows} rows, {len(result.incidents)} imported, "
                f"{len(result.rejected)} rejected, {vocab} unknown-vocabulary occurrences; "
                f"{report.incidents} incidents carry coder judgement",
                highlight=False,
            )
            for r in result.rejected[:5]:
                err().out(f"  rejected {plain(r)}", highlight=False)
        with text_target(output) as stream:
            if fmt is AgreementFormat.json:
                doc: dict[str, Any] = {
                    "file": str(csv_file),
                    "import": _import_json(result),
                    "positions": states,
                    **report.to_json(),
                }
                if show_disagreements:
                    doc["disagreements"] = [d.to_json() for d in found.disagreements]
                json.dump(doc, stream, ensure_ascii=False, indent=1)
                stream.write("\n")
            elif fmt is AgreementFormat.csv:
                if show_disagreements:
                    _write_disagreements_csv(found.disagreements, stream)
                else:
                    _write_report_csv(report, stream)
            else:
                console = out() if output is None else _file_console(stream)
                if show_disagreements:
                    _print_disagreements(console, found.disagreements, report.incidents)
                else:
                    _print_report(console, report)
