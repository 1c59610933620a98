"""Subcommands that evaluate: ``evaluate``, ``explain``, ``check``.

Thin commands over ``cybernorms.service``: parse the options, call one service function,
print. Refusals are raised, and the error boundary (``cli.app``) prints them and exits 1.
Only typer and the standard library are imported at module level: the engine loads when a
command runs, not when ``--help`` is asked for.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cybernorms.cli.arguments import fail, parse_date
from cybernorms.cli.console import cell, err, out, plain, progress_over
from cybernorms.service.formats import DATE_RULE, Detail, InputFormat

if TYPE_CHECKING:
    from rich.tree import Tree

    from cybernorms.model.verdict import TraceNode, Verdict
    from cybernorms.service.loading import IncidentSet

# Outcome label -> rich style.
OUTCOME_STYLE = {
    "violation": "bold red",
    "no_violation": "green",
    "undetermined": "yellow",
    "not_applicable": "dim",
}
OUTCOME_ORDER = ("violation", "undetermined", "no_violation", "not_applicable")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    summary = "summary"


def detail_for(output: OutputFormat, with_trace: bool) -> Detail:
    """What of each verdict the output shows: the engine computes no more (issue 7)."""
    if output is OutputFormat.summary:
        return Detail.outcome
    if output in (OutputFormat.table, OutputFormat.markdown):
        return Detail.missing
    return Detail.trace if with_trace else Detail.profiles


def load_inputs(paths: Sequence[Path], fmt: InputFormat) -> IncidentSet:
    """Incidents, with a warning on stderr for EuRepoC rows not imported."""
    from cybernorms.service.loading import load_incident_inputs

    loaded = load_incident_inputs(paths, fmt)
    for skipped in loaded.skipped:
        err().print(
            f"[yellow]{len(skipped.rejected)} EuRepoC rows not imported[/yellow] "
            f"({skipped.imported} imported); first reasons:"
        )
        for row in skipped.rejected[:5]:
            err().out(f"  {plain(row)}", highlight=False)
    return loaded


# -- output --------------------------------------------------------------------------------

COLUMNS = ("incident", "package", "rule", "subject", "basis", "outcome", "missing")


def _cells(v: Verdict) -> list[str]:
    return [
        v.incident,
        v.package,
        v.rule,
        v.subject or "-",
        v.basis,
        v.outcome.label,
        ", ".join(v.missing),
    ]


def print_table(verdicts: Iterable[Verdict]) -> None:
    from rich.table import Table

    table = Table(title="Verdicts", show_lines=False)
    for col in COLUMNS:
        table.add_column(col)
    for v in verdicts:
        row = [cell(c) for c in _cells(v)]
        row[5] = f"[{OUTCOME_STYLE[v.outcome.label]}]{row[5]}[/]"
        table.add_row(*row)
    out().print(table)


def print_markdown(verdicts: Iterable[Verdict]) -> None:
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for v in verdicts:
        print("| " + " | ".join(plain(c).replace("|", "\\|") for c in _cells(v)) + " |")


def print_summary(verdicts: Iterable[Verdict], incidents: int, illustrative: bool) -> None:
    from rich.table import Table

    by_rule: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_state: dict[str, Counter[str]] = defaultdict(Counter)
    for v in verdicts:
        label = v.outcome.label
        by_rule[(v.rule, v.basis)][label] += 1
        if label != "not_applicable":
            by_state[v.subject or "unknown"][label] += 1
    table = Table(title=f"Outcomes by rule ({incidents} incidents)")
    table.add_column("rule")
    table.add_column("basis")
    for o in OUTCOME_ORDER:
        table.add_column(o, justify="right", style=OUTCOME_STYLE[o])
    for (rule, basis), counts in sorted(by_rule.items()):
        table.add_row(cell(rule), cell(basis), *(str(counts[o]) for o in OUTCOME_ORDER))
    out().print(table)
    states = Table(title="Outcomes by subject state (rules that apply)")
    states.add_column("subject")
    for o in OUTCOME_ORDER[:3]:
        states.add_column(o, justify="right", style=OUTCOME_STYLE[o])
    ranked = sorted(by_state.items(), key=lambda kv: (-kv[1]["violation"], kv[0]))
    for state, counts in ranked:
        states.add_row(cell(state), *(str(counts[o]) for o in OUTCOME_ORDER[:3]))
    out().print(states)
    out().print(
        "Positions are national views (basis position:ISO3), never consensus. "
        "A profile label ISO3@default means the state has published no profile here."
        + (
            " Profiles given here are illustrative, not states' own documents."
            if illustrative
            else ""
        ),
        style="dim",
    )


def render_trace(node: TraceNode, tree: Tree | None = None) -> Tree:
    """The reasoning tree as a person reads it: each sub-expression, its value, what it read."""
    from rich.tree import Tree

    if node.value is None or isinstance(node.value, bool):
        value = {True: "[red]true[/]", False: "[green]false[/]", None: "[yellow]unknown[/]"}[
            node.value
        ]
    else:
        value = f"[cyan]{cell(_short(node.value))}[/]"
    label = f"{cell(node.bind) + ': ' if node.bind else ''}[bold]{cell(node.expr)}[/] = {value}"
    extras = []
    if node.fact and node.fact != node.expr:
        extras.append(f"fact {node.fact}")
    if node.source is not None:
        extras.append(f"source {node.source.source} {node.source.field}={node.source.value!r}")
    if node.profile:
        extras.append(f"profile {node.profile}")
    if node.missing and node.value is None:
        extras.append("missing " + ", ".join(sorted(node.missing)))
    if extras:
        label += "  [dim](" + cell("; ".join(extras)) + ")[/]"
    branch = Tree(label) if tree is None else tree.add(label)
    for child in node.children:
        render_trace(child, branch)
    return branch


def _short(value: object) -> str:
    if isinstance(value, list) and value and hasattr(value[0], "model_dump"):
        return f"[{len(value)} items]"
    if isinstance(value, frozenset | set):
        return "{" + ", ".join(sorted(map(str, value))) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    model_dump = getattr(value, "model_dump", None)
    if model_dump is not None:
        return json.dumps(model_dump(mode="json", exclude_none=True))
    return str(value)


def _write_json(verdicts: Iterable[Verdict], with_trace: bool, lines: bool) -> None:
    if lines:
        for v in verdicts:
            sys.stdout.write(json.dumps(v.to_json(with_trace=with_trace), ensure_ascii=False))
            sys.stdout.write("\n")
        return
    rows = [v.to_json(with_trace=with_trace) for v in verdicts]
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


# -- commands ------------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    """Add evaluate, explain and check to the root command."""

    @app.command()
    def evaluate(
        inputs: list[Path] = typer.Argument(
            ..., help="Incident files (JSON/YAML), directories, or a EuRepoC CSV."
        ),
        source_format: InputFormat = typer.Option(InputFormat.auto, "--from", help="Input format."),
        package: list[str] = typer.Option(
            [],
            "--package",
            "-p",
            help="Evaluate only these package ids (and what their rules reach); default: all.",
        ),
        position: list[str] = typer.Option(
            [], "--position", help="Also evaluate under this state's position (ISO3)."
        ),
        as_of: str | None = typer.Option(None, "--as-of", help=DATE_RULE),
        output: OutputFormat = typer.Option(
            OutputFormat.table, "--format", "-f", help="Output format."
        ),
        profiles: list[Path] = typer.Option(
            [], "--profiles", help="Profile files or directories to use."
        ),
        rulebooks: Path | None = typer.Option(
            None, "--rulebooks", help="Rulebook directory (default: shipped)."
        ),
        with_trace: bool = typer.Option(
            True, "--trace/--no-trace", help="Include traces in JSON output."
        ),
        db: str | None = typer.Option(
            None,
            "--db",
            help="Take profiles from this registry (database URL), as verified there and in "
            "force on --as-of (default today), instead of --profiles.",
        ),
    ) -> None:
        """Evaluate incidents against the packages: one verdict per rule and subject."""
        import datetime as dt

        from cybernorms.service import evaluating, loading

        date = parse_date(as_of)
        if db is not None and profiles:
            fail("give --db or --profiles, not both")
        books = loading.rulebooks(rulebooks)
        profile_list = (
            loading.registry_profiles(db, date or dt.date.today())
            if db is not None
            else loading.profile_files(profiles)
        )
        incidents = load_inputs(inputs, source_format).incidents
        chosen = evaluating.setup(
            books, packages=package, positions=position, profiles=profile_list
        )
        detail = detail_for(output, with_trace)
        verdicts = evaluating.evaluate(
            chosen, progress_over(incidents, "evaluating"), as_of=date, detail=detail
        )
        if output in (OutputFormat.json, OutputFormat.jsonl):
            _write_json(verdicts, with_trace, lines=output is OutputFormat.jsonl)
        elif output is OutputFormat.table:
            print_table(verdicts)
        elif output is OutputFormat.markdown:
            print_markdown(verdicts)
        else:
            print_summary(verdicts, len(incidents), chosen.illustrative)

    @app.command()
    def explain(
        inputs: list[Path] = typer.Argument(
            ..., help="Incident files, directories, or a EuRepoC CSV."
        ),
        incident: str = typer.Option(..., "--incident", "-i", help="Incident id."),
        rule: str = typer.Option(..., "--rule", "-r", help="Rule id."),
        subject: str | None = typer.Option(None, "--subject", "-s", help="Subject state (ISO3)."),
        position: list[str] = typer.Option(
            [], "--position", help="Explain under this state's position."
        ),
        as_of: str | None = typer.Option(None, "--as-of", help=DATE_RULE),
        source_format: InputFormat = typer.Option(InputFormat.auto, "--from", help="Input format."),
        profiles: list[Path] = typer.Option([], "--profiles", help="Profile files or directories."),
        rulebooks: Path | None = typer.Option(None, "--rulebooks", help="Rulebook directory."),
    ) -> None:
        """Show the reasoning behind one verdict, as a tree."""
        from cybernorms.service import loading
        from cybernorms.service.explaining import explain as explain_verdict

        date = parse_date(as_of)
        books = loading.rulebooks(rulebooks)
        found = load_inputs(inputs, source_format).by_id(incident)
        explanations = explain_verdict(
            books,
            found,
            rule,
            subject=subject,
            positions=position,
            profiles=loading.profile_files(profiles),
            as_of=date,
        )
        for e in explanations:
            v, r = e.verdict, e.rule
            out().print(
                f"[bold]{cell(v.rule)}[/] {cell(r.title)}  "
                f"({cell(v.package)}, basis {cell(v.basis)})"
            )
            out().print(f"[dim]{cell(r.source)}: {cell(r.text, newlines=True)}[/]")
            out().print(
                f"incident {cell(v.incident)}, subject {cell(v.subject or 'unknown')}: "
                f"[{OUTCOME_STYLE[v.outcome.label]}]{v.outcome.label}[/]"
                + (f"; missing: {cell(', '.join(v.missing))}" if v.missing else "")
                + (f"; profiles: {cell(', '.join(v.profiles))}" if v.profiles else "")
            )
            if v.trace is not None:
                out().print(render_trace(v.trace))

    @app.command()
    def check(
        paths: list[Path] = typer.Argument(
            None,
            help="Rulebook directories and incident files "
            "(default: rulebooks and examples/incidents).",
        ),
    ) -> None:
        """Validate rulebooks, positions, profiles and incident files, run rule examples, and
        refuse rulebooks with analysis findings of severity error (conflicts, gaps, ...)."""
        from cybernorms.service.checking import check_paths

        report = check_paths(list(paths or []) or [Path("rulebooks"), Path("examples/incidents")])
        for line in report.checked:
            out().print(cell(line))
        if not report.ok:
            for p in report.problems:
                err().out(f"error: {plain(p)}", highlight=False)
            err().print(
                f"[red]{len(report.problems)} problem(s)[/red] "
                f"({report.failed_examples} of {report.examples} example verdicts wrong)"
            )
            raise typer.Exit(1)
        out().print(f"[green]all good[/green]: {report.examples} example verdicts as expected")
