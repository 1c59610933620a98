"""Subcommands that analyse rulebooks with the SMT solver: ``analyze`` and ``diff``.

Thin commands over ``cybernorms.service.analysing``: parse the options, run the analysis,
print the findings with their witness incidents. ``analyze`` exits 1 when a finding of
severity error exists, so CI and a forum's tooling can refuse an ambiguous rulebook. The
solver loads when a command runs, not when ``--help`` is asked for.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cybernorms.cli import options
from cybernorms.cli.arguments import parse_date, profile_files
from cybernorms.cli.console import cell, out, plain
from cybernorms.cli.helpscreen import Command
from cybernorms.service.formats import InputFormat

if TYPE_CHECKING:
    from cybernorms.analysis.diff import DiffReport
    from cybernorms.analysis.findings import Finding, Report

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _message(f: Finding) -> str:
    return f"{f.message} ({f.count})" if f.count is not None else f.message


def _print_findings(findings: list[Finding], fmt: Format, title: str) -> None:
    from rich.table import Table

    from cybernorms.service.analysing import witness_text

    console = out()
    if fmt is Format.markdown:
        console.out("| severity | kind | scope | rules | finding | witness |", highlight=False)
        console.out("|---|---|---|---|---|---|", highlight=False)
        for f in findings:
            witness = witness_text(f).replace("\n", " ").replace("|", "\\|")
            witness = f"`{witness}`" if witness else ""
            message = _message(f).replace("|", "\\|")
            console.out(
                plain(
                    f"| {f.severity} | {f.kind} | {f.scope} | {', '.join(f.rules)} | "
                    f"{message} | {witness} |"
                ),
                highlight=False,
            )
        return
    table = Table(title=title, show_lines=True)
    for col in ("severity", "kind", "scope", "rules", "finding", "witness"):
        table.add_column(col, overflow="fold")
    for f in findings:
        table.add_row(
            f"[{SEVERITY_STYLE[f.severity]}]{cell(f.severity)}[/]",
            cell(f.kind),
            cell(f.scope),
            cell(", ".join(f.rules)),
            cell(_message(f)),
            cell(witness_text(f), newlines=True),
        )
    console.print(table)


def _print_departures(matrix: dict[str, dict[str, str]], fmt: Format) -> None:
    """Readings x rules: where each position departs from its package, with the witness's
    outcomes; a rule no reading departs on is left out."""
    if not matrix:
        return
    from rich.table import Table

    rules = sorted({rule for row in matrix.values() for rule in row})
    if fmt is Format.markdown:
        out().out("| reading | " + " | ".join(rules) + " |", highlight=False)
        out().out("|---|" + "---|" * len(rules), highlight=False)
        for reading, row in sorted(matrix.items()):
            cells = [row.get(r, "") for r in rules]
            out().out(plain(f"| {reading} | " + " | ".join(cells) + " |"), highlight=False)
        return
    table = Table(title="Departures from the package (readings x rules)", show_lines=True)
    table.add_column("reading", no_wrap=True)
    for rule in rules:
        table.add_column(cell(rule), overflow="fold")
    for reading, row in sorted(matrix.items()):
        table.add_row(cell(reading), *(cell(row.get(r, "")) for r in rules))
    out().print(table)


def _print_report(report: Report, fmt: Format) -> None:
    from cybernorms.service.analysing import departures

    if fmt is Format.json:
        doc = {**report.to_json(), "departures": departures(report)}
        out().out(json.dumps(doc, indent=2, ensure_ascii=False), highlight=False)
        return
    findings = report.sorted()
    _print_findings(findings, fmt, "Findings")
    out().out("", highlight=False)
    _print_departures(departures(report), fmt)
    errors = sum(f.severity == "error" for f in findings)
    out().out(
        f"\n{len(findings)} findings ({errors} errors); {report.solver_calls} solver calls in "
        f"{report.seconds:.2f} s",
        highlight=False,
    )


def _print_diff(report: DiffReport, fmt: Format) -> None:
    from rich.table import Table

    console = out()
    if fmt is Format.json:
        console.out(json.dumps(report.to_json(), indent=2, ensure_ascii=False), highlight=False)
        return
    findings = [f for r in report.rules for f in r.findings]
    if fmt is Format.markdown:
        console.out(plain(f"Diff {report.old} -> {report.new}\n", newlines=True), highlight=False)
        console.out("| rule | status |\n|---|---|", highlight=False)
        for r in report.rules:
            console.out(plain(f"| {r.rule} | {r.status} |"), highlight=False)
        console.out("", highlight=False)
    else:
        table = Table(title=cell(f"{report.old} -> {report.new}"))
        table.add_column("rule")
        table.add_column("status")
        for r in report.rules:
            table.add_row(cell(r.rule), cell(r.status))
        console.print(table)
    if findings:
        _print_findings(findings, fmt, "Witnesses")
    console.out(f"\n{report.solver_calls} solver calls in {report.seconds:.2f} s", highlight=False)


def register(app: typer.Typer) -> None:
    @app.command(cls=Command)
    def analyze(
        targets: list[str] = typer.Argument(
            None,
            metavar="[TARGET]...",
            help="Package ids and position states (ISO3) to analyse; all by default.",
        ),
        rulebooks: list[Path] = options.rulebooks(),
        no_shipped: bool = options.no_shipped(),
        profile: list[str] = options.profile_overrides(),
        free_profiles: bool = typer.Option(
            False, "--free-profiles", help="Let every state publish any parameters."
        ),
        as_of: str | None = options.as_of(),
        bound: int = typer.Option(
            3, "--bound", metavar="1-8", min=1, max=8, help="Slots per list of facts."
        ),
        timeout_ms: int = typer.Option(
            10_000, "--timeout-ms", metavar="MS", min=1, help="Budget per query."
        ),
        fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
        incidents: list[Path] = typer.Option(
            [],
            "--incidents",
            metavar="FILE|DIR",
            help="Incident files or directories (JSON, YAML, EuRepoC CSV): count on how many "
            "of them each position departs from its package.",
        ),
    ) -> None:
        """Find dead rules, conflicts, gaps and position differences, each with a witness.

        Exits 1 when a finding of severity error exists.
        """
        from cybernorms.cli.evaluation import load_inputs
        from cybernorms.service import analysing, loading

        date = parse_date(as_of)
        books = options.compose(rulebooks, no_shipped).books
        profiles = loading.profiles_replacing(books.profiles, profile_files(profile))
        report = analysing.analyse(
            books,
            targets or [],
            profiles=profiles,
            free_profiles=free_profiles,
            as_of=date,
            bound=bound,
            timeout_ms=timeout_ms,
            incidents=load_inputs(incidents, InputFormat.auto).incidents if incidents else (),
        )
        _print_report(report, fmt)
        if report.has_errors:
            raise typer.Exit(1)

    @app.command(cls=Command)
    def diff(
        old: Path = typer.Argument(
            ..., metavar="OLD", help="The old version: package.yaml or its directory."
        ),
        new: Path = typer.Argument(
            ..., metavar="NEW", help="The new version: package.yaml or its directory."
        ),
        rulebooks: list[Path] = options.rulebooks(),
        no_shipped: bool = options.no_shipped(),
        fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
        timeout_ms: int = typer.Option(
            10_000, "--timeout-ms", metavar="MS", min=1, help="Budget per query."
        ),
    ) -> None:
        """Per rule: is the new criterion equivalent, stricter, looser or incomparable?"""
        from cybernorms.service import analysing

        books = options.compose(rulebooks, no_shipped).books
        report = analysing.diff(books, old, new, timeout_ms=timeout_ms)
        _print_diff(report, fmt)
        if any(f.severity == "error" for r in report.rules for f in r.findings):
            raise typer.Exit(1)
