"""Subcommands that analyse rulebooks with the SMT solver: ``analyze`` and ``diff``.

A thin shell over ``cybernorms.analysis``: load the rulebooks, run the queries, print the
findings with their witness incidents. ``analyze`` exits 1 when a finding of severity error
exists, so CI and a forum's tooling can refuse an ambiguous rulebook.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from cybernorms.analysis.checks import Analysis, Options
from cybernorms.analysis.counts import add_counts, disagreements
from cybernorms.analysis.diff import DiffReport, diff_packages
from cybernorms.analysis.encode import TranslationError
from cybernorms.analysis.findings import Finding, Report
from cybernorms.analysis.solve import Budget
from cybernorms.cli.evaluation import InputFormat, fail, load_inputs
from cybernorms.model.documents import DocumentError
from cybernorms.model.profile import Profile
from cybernorms.rules.catalog import Rulebooks, load_profiles, load_rulebooks
from cybernorms.rules.package import Package, load_package

out = Console(width=None if sys.stdout.isatty() else 200)

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _books(rulebooks: Path | None) -> Rulebooks:
    try:
        return load_rulebooks(rulebooks, with_examples=False)
    except DocumentError as exc:
        fail(exc.problems)


def _profiles(books: Rulebooks, specs: Sequence[str]) -> list[Profile]:
    """The rulebooks' profiles, with ``ISO3=FILE`` replacing that state's versions."""
    profiles = list(books.profiles)
    for spec in specs:
        state, sep, file = spec.partition("=")
        state = state.strip().upper()
        if not sep or len(state) != 3 or not file:
            fail(f"--profile {spec!r}: expected ISO3=FILE")
        try:
            loaded = load_profiles(file)
        except DocumentError as exc:
            fail(exc.problems)
        except OSError as exc:
            fail(f"--profile {spec!r}: {exc}")
        wrong = [p.state for p in loaded if p.state != state]
        if wrong:
            fail(f"--profile {spec!r}: the file holds profiles of {', '.join(wrong)}")
        profiles = [p for p in profiles if p.state != state] + loaded
    return profiles


def _witness_text(f: Finding) -> str:
    if f.witness is None:
        return f"({f.proof})" if f.proof == "unsat" else ""
    data = f.witness.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data.pop("id", None)
    claims = "; ".join(
        f"{c.version + ' ' if c.version else ''}{c.rule}[{c.subject or 'null'}]"
        f"@{c.basis} = {c.outcome}"
        for c in f.expect
    )
    return json.dumps(data, separators=(",", ":")) + "\n=> " + claims


def _message(f: Finding) -> str:
    return f"{f.message} ({f.count})" if f.count is not None else f.message


def _print_findings(findings: list[Finding], fmt: Format, title: str) -> None:
    if fmt is Format.markdown:
        out.out("| severity | kind | scope | rules | finding | witness |", highlight=False)
        out.out("|---|---|---|---|---|---|", highlight=False)
        for f in findings:
            witness = _witness_text(f).replace("\n", " ").replace("|", "\\|")
            witness = f"`{witness}`" if witness else ""
            message = _message(f).replace("|", "\\|")
            out.out(
                f"| {f.severity} | {f.kind} | {f.scope} | {', '.join(f.rules)} | "
                f"{message} | {witness} |",
                highlight=False,
            )
        return
    table = Table(title=title, show_lines=True)
    for col in ("severity", "kind", "scope", "rules", "finding", "witness"):
        table.add_column(col, overflow="fold")
    for f in findings:
        table.add_row(
            f"[{SEVERITY_STYLE[f.severity]}]{f.severity}[/]",
            f.kind,
            f.scope,
            ", ".join(f.rules),
            _message(f),
            _witness_text(f),
        )
    out.print(table)


def _print_report(report: Report, fmt: Format) -> None:
    if fmt is Format.json:
        out.out(json.dumps(report.to_json(), indent=2, ensure_ascii=False), highlight=False)
        return
    findings = report.sorted()
    _print_findings(findings, fmt, "Findings")
    errors = sum(f.severity == "error" for f in findings)
    out.out(
        f"\n{len(findings)} findings ({errors} errors); {report.solver_calls} solver calls in "
        f"{report.seconds:.2f} s",
        highlight=False,
    )


def _print_diff(report: DiffReport, fmt: Format) -> None:
    if fmt is Format.json:
        out.out(json.dumps(report.to_json(), indent=2, ensure_ascii=False), highlight=False)
        return
    findings = [f for r in report.rules for f in r.findings]
    if fmt is Format.markdown:
        out.out(f"Diff {report.old} -> {report.new}\n", highlight=False)
        out.out("| rule | status |\n|---|---|", highlight=False)
        for r in report.rules:
            out.out(f"| {r.rule} | {r.status} |", highlight=False)
        out.out("", highlight=False)
    else:
        table = Table(title=f"{report.old} -> {report.new}")
        table.add_column("rule")
        table.add_column("status")
        for r in report.rules:
            table.add_row(r.rule, r.status)
        out.print(table)
    if findings:
        _print_findings(findings, fmt, "Witnesses")
    out.out(f"\n{report.solver_calls} solver calls in {report.seconds:.2f} s", highlight=False)


def _package_file(path: Path) -> Path:
    return path / "package.yaml" if path.is_dir() else path


def error_findings(books: Rulebooks) -> list[str]:
    """The analyses' findings of severity error, one line each with its witness: what
    ``cybernorms check`` refuses a rulebook for (a conflict, a gap, a rule that cannot be
    decided), next to its failing examples."""
    report = Analysis(books.packages, books.positions, books.profiles, Options()).run()
    return [
        f"analysis: {f.kind} ({f.scope}): {f.message}"
        + (f"; witness: {_witness_text(f).replace(chr(10), ' ')}" if f.witness else "")
        for f in report.sorted()
        if f.severity == "error"
    ]


def register(app: typer.Typer) -> None:
    @app.command()
    def analyze(
        targets: list[str] = typer.Argument(
            None, help="Package ids and position states (ISO3) to analyse; all by default."
        ),
        rulebooks: Path = typer.Option(
            None, "--rulebooks", help="Rulebook directory (default: the shipped rulebooks)."
        ),
        profile: list[str] = typer.Option(
            [], "--profile", help="ISO3=FILE: analyse with this state's profile from FILE."
        ),
        free_profiles: bool = typer.Option(
            False, "--free-profiles", help="Let every state publish any parameters."
        ),
        as_of: dt.datetime = typer.Option(
            None, "--as-of", formats=["%Y-%m-%d"], help="Evaluation date (default: today)."
        ),
        bound: int = typer.Option(3, "--bound", min=1, max=8, help="Slots per list of facts."),
        timeout_ms: int = typer.Option(10_000, "--timeout-ms", min=1, help="Budget per query."),
        fmt: Format = typer.Option(Format.table, "--format", help="table, json or markdown."),
        incidents: list[Path] = typer.Option(
            [],
            "--incidents",
            help="Incident files or directories (JSON, YAML, EuRepoC CSV): count on how many "
            "of them each position departs from its package.",
        ),
    ) -> None:
        """Find dead rules, conflicts, gaps and position differences, each with a witness.

        Exits 1 when a finding of severity error exists.
        """
        books = _books(rulebooks)
        profiles = _profiles(books, profile)
        known = {p.id for p in books.packages} | {p.state.lower() for p in books.positions}
        unknown = [t for t in targets or [] if t.lower() not in known]
        if unknown:
            fail(
                f"unknown package or position: {', '.join(unknown)} "
                f"(known: {', '.join(sorted(known))})"
            )
        options = Options(
            bound=bound,
            budget=Budget(timeout_ms=timeout_ms),
            free_profiles=free_profiles,
            as_of=as_of.date() if as_of else None,
        )
        try:
            report = Analysis(books.packages, books.positions, profiles, options).run(targets or [])
        except TranslationError as exc:
            fail(f"cannot translate a rule into SMT: {exc}")
        if incidents:
            loaded = load_inputs(incidents, InputFormat.auto)
            counts = disagreements(books.packages, books.positions, profiles, loaded)
            add_counts(report.findings, counts, len(loaded))
        _print_report(report, fmt)
        if report.has_errors:
            raise typer.Exit(1)

    @app.command()
    def diff(
        old: Path = typer.Argument(..., help="The old version: package.yaml or its directory."),
        new: Path = typer.Argument(..., help="The new version: package.yaml or its directory."),
        rulebooks: Path = typer.Option(
            None, "--rulebooks", help="Where required packages and profiles are (default: shipped)."
        ),
        fmt: Format = typer.Option(Format.table, "--format", help="table, json or markdown."),
        timeout_ms: int = typer.Option(10_000, "--timeout-ms", min=1, help="Budget per query."),
    ) -> None:
        """Per rule: is the new criterion equivalent, stricter, looser or incomparable?"""
        books = _books(rulebooks)
        try:
            before = load_package(_package_file(old), books.packages)
            after = load_package(_package_file(new), books.packages)
        except DocumentError as exc:
            fail(exc.problems)
        except OSError as exc:
            fail(str(exc))
        if before.id != after.id:
            fail(f"OLD is package {before.id!r}, NEW is {after.id!r}: diff compares versions")
        others = _required(books.packages, [*before.requires, *after.requires])
        try:
            report = diff_packages(
                before, after, others, books.profiles, Options(budget=Budget(timeout_ms))
            )
        except TranslationError as exc:
            fail(f"cannot translate a rule into SMT: {exc}")
        _print_diff(report, fmt)
        if any(f.severity == "error" for r in report.rules for f in r.findings):
            raise typer.Exit(1)


def _required(packages: Sequence[Package], names: Sequence[str]) -> list[Package]:
    """The packages named and those they require, in load order."""
    by_id = {p.id: p for p in packages}
    wanted: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in wanted or name not in by_id:
            continue
        wanted.add(name)
        todo += list(by_id[name].requires)
    return [p for p in packages if p.id in wanted]
