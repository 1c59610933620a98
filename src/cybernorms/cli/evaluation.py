"""Subcommands that evaluate: ``evaluate``, ``explain``, ``check``.

Thin commands over ``cybernorms.service``: parse the options, call one service function,
print. Refusals are raised, and the error boundary (``cli.app``) prints them and exits 1.
Only typer and the standard library are imported at module level: the engine loads when a
command runs, not when ``--help`` is asked for.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

from cybernorms.cli import options
from cybernorms.cli.arguments import fail, parse_date
from cybernorms.cli.console import cell, err, out, plain, progress_over
from cybernorms.cli.helpscreen import Command
from cybernorms.cli.outputs import OutputFormat, chosen_format, file_target, text_target
from cybernorms.service.formats import Detail, EngineName, InputFormat

if TYPE_CHECKING:
    from rich.table import Table
    from rich.tree import Tree

    from cybernorms.model.facts import Incident
    from cybernorms.model.verdict import TraceNode, Verdict
    from cybernorms.rules.catalog import Rulebooks
    from cybernorms.service.loading import IncidentSet

_LAYOUT_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")
#: How a table marks a verdict of a selection of a package (rules left out; README contract).
SELECTION_MARK = "(selection)"
# Outcome word -> rich style (every question's words: attribution and permission answers are
# never styled as violations).
OUTCOME_STYLE = {
    "violation": "bold red",
    "no_violation": "green",
    "undetermined": "yellow",
    "not_applicable": "dim",
    "attributable": "magenta",
    "not_attributable": "cyan",
    "permitted": "blue",
    "not_permitted": "cyan",
    "yes": "bold",
    "no": "",
}


def detail_for(output: OutputFormat, with_trace: bool) -> Detail:
    """What of each verdict the output shows: the engine computes no more (issue 7)."""
    if output is OutputFormat.summary:
        return Detail.outcome
    if output in (OutputFormat.table, OutputFormat.markdown):
        return Detail.missing
    if output is OutputFormat.html:
        return Detail.trace  # each verdict's reasoning, folded
    if output in (OutputFormat.csv, OutputFormat.parquet, OutputFormat.stix):
        return Detail.profiles
    return Detail.trace if with_trace else Detail.profiles


def load_inputs(
    paths: Sequence[Path],
    fmt: InputFormat,
    *,
    keep_going: bool = False,
    reference_data: Path | None = None,
) -> IncidentSet:
    """Incidents, with each import's report (EuRepoC CSV, STIX bundle) on stderr: what was
    imported, what was rejected and why, which facts stay unknown."""
    from cybernorms.service.loading import load_incident_inputs

    loaded = load_incident_inputs(paths, fmt, keep_going=keep_going, reference_data=reference_data)
    for report in loaded.reports:
        err().out(plain(report, newlines=True), highlight=False)
    for skipped in loaded.skipped:
        err().print(
            f"[yellow]{len(skipped.rejected)} EuRepoC rows not imported[/yellow] "
            f"({skipped.imported} imported) from {cell(skipped.path)}"
        )
    return loaded


def report_failed(loaded: IncidentSet) -> None:
    """With ``--keep-going``: the files that could not be read, then exit 1."""
    if not loaded.failed:
        return
    err().print(f"[red]{len(loaded.failed)} problem(s)[/red] in files not evaluated:")
    for problem in loaded.failed:
        err().out(f"  {plain(problem)}", highlight=False)
    raise typer.Exit(1)


# -- output --------------------------------------------------------------------------------


def print_table(
    verdicts: Iterable[Verdict], titles: dict[str, str], names: dict[str, str] | None = None
) -> None:
    """Verdicts as a table that fits the terminal (``verdict_table``)."""
    out().print(verdict_table(verdicts, titles, names or {}))


def verdict_table(
    verdicts: Iterable[Verdict], titles: dict[str, str], names: dict[str, str]
) -> Table:
    """Four columns, so 80 fit without breaking an id (issue 11: six columns broke incident
    and rule ids and bases at 80 and 120): each incident once, as the heading of its rows
    (with its name); per verdict the rule with its title beneath and the facts missing, the
    subject, the basis and the outcome in its question's words."""
    from rich.table import Table

    table = Table(title="Verdicts", show_lines=False, expand=False)
    table.add_column("rule (title; missing facts)", overflow="fold", ratio=1, min_width=24)
    table.add_column("subject", no_wrap=True)
    table.add_column("basis", no_wrap=True)
    table.add_column("outcome", no_wrap=True)
    previous = None
    for v in verdicts:
        if v.incident != previous:
            if previous is not None:
                table.add_section()
            name = names.get(v.incident)
            heading = f"[bold]{cell(v.incident)}[/]" + (f" {cell(name)}" if name else "")
            table.add_row(heading, "", "", "", end_section=True)
        previous = v.incident
        title = titles.get(v.rule)
        rule = cell(v.rule) + (f"\n[dim]{cell(title)}[/]" if title else "")
        if v.missing:
            rule += f"\n[yellow]missing: {cell(', '.join(v.missing))}[/]"
        if v.reason:
            rule += f"\n[dim]reason: {cell(v.reason)}[/]"
        label = v.word
        table.add_row(
            rule,
            cell(v.subject or "-"),
            cell(v.basis) + (f"\n[bold]{SELECTION_MARK}[/]" if v.selection else ""),
            f"[{OUTCOME_STYLE[label]}]{label}[/]",
        )
    return table


def print_summary(verdicts: Iterable[Verdict], incidents: int, illustrative: bool) -> None:
    """Per basis (never added together): incidents per rule and outcome, then incidents per
    subject state - breaches counted as violations, attribution and permission answers in
    their own columns (``report.summary``)."""
    from rich.table import Table

    from cybernorms.report.summary import RULE_COLUMNS, STATE_COLUMNS, YES_NO, Row, summarise

    rows = (Row(v.incident, v.rule, v.subject, v.basis, v.question, v.outcome) for v in verdicts)
    for summary in summarise(rows):
        basis = cell(summary.basis)
        table = Table(
            title=f"basis {basis}: incidents by rule ({len(summary.incidents)} of {incidents})"
        )
        table.add_column("rule")
        table.add_column("question")
        for _, heading in RULE_COLUMNS:
            table.add_column(heading, justify="right", style=OUTCOME_STYLE.get(heading, ""))
        for rule, question, counts in summary.rule_counts():
            table.add_row(cell(rule), cell(question), *map(str, counts))
        out().print(table)
        states = Table(title=f"basis {basis}: incidents by subject state")
        states.add_column("subject")
        for column in STATE_COLUMNS:
            states.add_column(column, justify="right", style=OUTCOME_STYLE[column])
        for state, counts in summary.state_counts():
            states.add_row(cell(state), *map(str, counts))
        out().print(states)
    out().print(
        "Each count is of incidents (an incident with several verdicts counts once), per basis; "
        "bases are never added together. Only breaches count as violations; attributable and "
        f"permitted are other questions' answers ({YES_NO}). "
        "Positions are national views (basis position:ISO3) or a group's common view (basis "
        "group:NAME), never consensus. A profile label "
        "ISO3@unpublished means the state has published no profile here (its parameters are "
        "unknown); ISO3@assumed:defaults and a basis ending +assumed:defaults mean the "
        "package defaults were assumed (--assume-defaults)."
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
    # A criterion spans lines in its YAML; its line breaks are layout, not content, so the tree
    # shows it on one line (any other control character is still shown escaped).
    expr = _LAYOUT_BREAK.sub(" ", node.expr)
    label = f"{cell(node.bind) + ': ' if node.bind else ''}[bold]{cell(expr)}[/] = {value}"
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


def _write_json(records: Iterable[dict[str, object]], stream: TextIO, lines: bool) -> None:
    if lines:
        for r in records:
            stream.write(json.dumps(r, ensure_ascii=False))
            stream.write("\n")
        return
    json.dump(list(records), stream, ensure_ascii=False, indent=1)
    stream.write("\n")


def rule_titles(books: Rulebooks) -> dict[str, str]:
    """Rule id -> title, positions' added rules included."""
    titles = {r.id: r.title for p in books.packages for r in p.rules}
    for pos in books.positions:
        for r in pos.added:
            titles.setdefault(r.id, r.title)
    return titles


def write_verdicts(
    fmt: OutputFormat,
    verdicts: Iterable[Verdict],
    incidents: Sequence[Incident],
    *,
    books: Rulebooks,
    output: Path | None,
    with_trace: bool,
    as_of: dt.date | None,
    note: str,
) -> None:
    """Write the verdicts in ``fmt`` to standard output or ``output``."""
    from cybernorms.service.selecting import record

    by_id = {i.id: i for i in incidents}
    records = (record(v, by_id.get(v.incident), with_trace=with_trace) for v in verdicts)
    titles = rule_titles(books)
    if fmt is OutputFormat.parquet:
        from cybernorms.report.columnar import write_parquet

        assert output is not None  # noqa: S101 - invariant that narrows a type; outputs.chosen_format refuses parquet without a file
        with file_target(output) as temp:
            write_parquet(records, temp, named=output)
        return
    with text_target(output) as stream:
        if fmt in (OutputFormat.json, OutputFormat.jsonl):
            _write_json(records, stream, lines=fmt is OutputFormat.jsonl)
        elif fmt is OutputFormat.csv:
            from cybernorms.report.tables import write_csv

            write_csv(records, stream)
        elif fmt is OutputFormat.markdown:
            from cybernorms.report.tables import write_markdown

            write_markdown(records, stream, titles, clean=plain)
        elif fmt is OutputFormat.html:
            from cybernorms.report.html import html_report

            stream.write(html_report(records, titles=titles, note=note))
        elif fmt is OutputFormat.stix:
            from cybernorms.export.stix import verdicts_to_bundle

            day = as_of or dt.date.today()
            created = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
            bundle = verdicts_to_bundle(incidents, verdicts, created=created)
            json.dump(bundle, stream, ensure_ascii=False, indent=1)
            stream.write("\n")
        else:
            fail(
                f"--format {fmt} cannot be written to a file; use --output with .csv, .html, "
                ".md, .json, .jsonl, .stix.json or .parquet"
            )


# -- commands ------------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    """Add evaluate, explain and check to the root command."""

    @app.command(cls=Command)
    def evaluate(
        inputs: list[Path] = options.inputs(),
        source_format: InputFormat = options.source_format(),
        package: list[str] = options.packages(),
        position: list[str] = options.positions(),
        as_of: str | None = options.as_of(),
        output_format: OutputFormat | None = typer.Option(
            None,
            "--format",
            "-f",
            help="Output format (default: table, or the one --output's extension names).",
        ),
        output: Path | None = typer.Option(
            None,
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE, in the format of its extension: .jsonl .json .csv .html .md "
            ".stix.json .parquet (pyarrow: extra 'parquet').",
        ),
        profiles: list[Path] = options.profiles(),
        profile: list[str] = options.profile_overrides(),
        rulebooks: list[Path] = options.rulebooks(),
        no_shipped: bool = options.no_shipped(),
        with_trace: bool = typer.Option(
            True, "--trace/--no-trace", help="Include traces in JSON output."
        ),
        db: str | None = typer.Option(
            None,
            "--db",
            envvar="CYBERNORMS_DB",
            metavar="URL",
            help="Evaluate with this registry (database URL; default $CYBERNORMS_DB when set): "
            "its published packages and positions beside the rulebooks, its profiles in force "
            "on --as-of (default today) instead of the rulebooks', and each package's basis "
            "from the forum record on its log.",
        ),
        state: list[str] = typer.Option(
            [], "--state", metavar="ISO3", help="Only verdicts about this subject state."
        ),
        victim: list[str] = typer.Option(
            [], "--victim", metavar="ISO3", help="Only incidents with a target in this country."
        ),
        sector: list[str] = typer.Option(
            [], "--sector", metavar="SECTOR", help="Only incidents with a target in this sector."
        ),
        rule: list[str] = typer.Option([], "--rule", "-r", metavar="RULE", help="Only this rule."),
        basis: list[str] = typer.Option(
            [],
            "--basis",
            metavar="BASIS",
            help="Only this basis: consensus, restatement, position (every reading, groups "
            "included), position:ISO3 or group:NAME.",
        ),
        outcome: list[str] = typer.Option(
            [],
            "--outcome",
            metavar="OUTCOME",
            help="Only this outcome, in the words of the rule's question: violation, "
            "no_violation (breach), attributable, not_attributable (attribution), permitted, "
            "not_permitted (permission), undetermined, not_applicable.",
        ),
        since: str | None = typer.Option(
            None, "--since", metavar="YYYY-MM-DD", help="Only incidents that started on or after."
        ),
        until: str | None = typer.Option(
            None, "--until", metavar="YYYY-MM-DD", help="Only incidents that started on or before."
        ),
        keep_going: bool = typer.Option(
            False,
            "--keep-going",
            "-k",
            help="Evaluate the files that can be read and list the others (exit 1 at the end).",
        ),
        reference_data: Path | None = options.reference_data(),
        engine: EngineName = typer.Option(
            EngineName.python,
            "--engine",
            help="python: one incident at a time, with traces. duckdb (embedded) or spark: the "
            "rules as SQL over all incidents at once, outcomes and missing facts only (use "
            "--no-trace with JSON). Needs the extra 'bulk' or 'spark'.",
        ),
        spark_master: str | None = typer.Option(
            None,
            "--spark-master",
            metavar="URL",
            help="With --engine spark: the cluster's master URL (default: local mode).",
        ),
        assume_defaults: bool = options.assume_defaults(),
    ) -> None:
        """Evaluate incidents against the packages: one verdict per rule and subject.

        Filters on several options combine (all must hold); repeating one option means any of
        its values. Repeatable options: --position, --package, --rulebooks, --profiles,
        --state, --victim, --sector, --rule, --basis, --outcome.
        """
        from cybernorms.cli.boundary import report_refusal
        from cybernorms.model.documents import DocumentError
        from cybernorms.service import evaluating, loading
        from cybernorms.service.selecting import Filters

        date = parse_date(as_of)
        if db is not None and (profiles or profile):
            fail("give --db or --profiles/--profile, not both")
        fmt = chosen_format(output_format, output)
        filters = Filters.of(
            states=state,
            victims=victim,
            sectors=sector,
            rules=rule,
            bases=basis,
            outcomes=outcome,
            since=parse_date(since, "--since"),
            until=parse_date(until, "--until"),
        )
        try:
            loaded = load_inputs(
                inputs, source_format, keep_going=keep_going, reference_data=reference_data
            )
        except DocumentError as exc:
            if len(inputs) > 1 or any(p.is_dir() for p in inputs):
                report_refusal(exc)  # then say how to evaluate the rest
                err().print("hint: --keep-going evaluates the files that can be read")
                raise typer.Exit(1) from exc
            raise
        incidents = filters.incidents(loaded.incidents)
        composed = options.compose(rulebooks, no_shipped, position, package)
        if db is None:
            books = composed.books
            chosen = evaluating.setup(
                books,
                packages=composed.packages,
                positions=composed.positions,
                profiles=options.chosen_profiles(books, profiles, profile),
                rules=rule,
                assume_defaults=assume_defaults,
            )
        else:  # the registry's packages, positions, profiles and forum record
            # Said on stderr: $CYBERNORMS_DB, set for the registry commands, selects it too.
            err().out(
                f"note: with the registry {plain(db)} (--db or $CYBERNORMS_DB): its "
                "publications, profiles and forum record",
                highlight=False,
            )
            with loading.registry_rulebooks(db, shipped=not no_shipped) as (directory, documents):
                composed = options.compose([*rulebooks, directory], True, position, package)
                books = composed.books
                chosen = evaluating.setup(
                    books,
                    packages=composed.packages,
                    positions=composed.positions,
                    profiles=loading.registry_profiles(db, date or dt.date.today()),
                    record=loading.registry_forum_record(db, documents),
                    rules=rule,
                    assume_defaults=assume_defaults,
                )
        detail = detail_for(fmt, with_trace)
        verdicts = filters.verdicts(
            evaluating.evaluate(
                chosen,
                progress_over(incidents, "evaluating"),
                as_of=date,
                detail=detail,
                engine=engine,
                spark_master=spark_master,
            )
        )
        if fmt is OutputFormat.table and output is None:
            print_table(verdicts, rule_titles(books), {i.id: i.name for i in incidents if i.name})
        elif fmt is OutputFormat.summary and output is None:
            print_summary(verdicts, len(incidents), chosen.illustrative)
        else:
            write_verdicts(
                fmt,
                verdicts,
                incidents,
                books=books,
                output=output,
                with_trace=with_trace,
                as_of=date,
                note=_note(date, composed.positions, len(loaded.incidents), len(incidents)),
            )
        report_failed(loaded)

    @app.command(cls=Command)
    def explain(
        inputs: list[Path] = options.inputs(),
        incident: str | None = typer.Option(
            None,
            "--incident",
            "-i",
            metavar="ID",
            help="Incident id (default: the input's only incident).",
        ),
        rule: str = typer.Option(..., "--rule", "-r", metavar="RULE", help="Rule id."),
        subject: str | None = typer.Option(
            None, "--subject", "-s", metavar="ISO3", help="Subject state (default: every one)."
        ),
        position: list[str] = options.positions("Explain under"),
        as_of: str | None = options.as_of(),
        source_format: InputFormat = options.source_format(),
        profiles: list[Path] = options.profiles(),
        profile: list[str] = options.profile_overrides(),
        rulebooks: list[Path] = options.rulebooks(),
        no_shipped: bool = options.no_shipped(),
        reference_data: Path | None = options.reference_data(),
        assume_defaults: bool = options.assume_defaults(),
    ) -> None:
        """Show the reasoning behind one verdict, as a tree.

        The rule is shown as the verdict's basis reads it: under --position, the position's
        own criterion and note."""
        from cybernorms.service.explaining import explain as explain_verdict

        date = parse_date(as_of)
        composed = options.compose(rulebooks, no_shipped, position)
        found = load_inputs(inputs, source_format, reference_data=reference_data).by_id(incident)
        explanations = explain_verdict(
            composed.books,
            found,
            rule,
            subject=subject,
            positions=composed.positions,
            profiles=options.chosen_profiles(composed.books, profiles, profile),
            as_of=date,
            assume_defaults=assume_defaults,
        )
        for e in explanations:
            v, r = e.verdict, e.rule
            out().print(
                f"[bold]{cell(v.rule)}[/] {cell(r.title)}  "
                f"({cell(v.package)}, basis {cell(v.basis)})"
            )
            if e.reading is None:
                out().print(f"[dim]{cell(r.source)}: {cell(r.text, newlines=True)}[/]")
            else:  # the position's reading, not the package's text
                out().print(cell(_LAYOUT_BREAK.sub(" ", e.reading)))  # criteria on one line
                if r.note:
                    out().print(f"[dim]{cell(r.note, newlines=True)}[/]")
            out().print(
                f"incident {cell(v.incident)}, subject {cell(v.subject or 'unknown')}: "
                f"[{OUTCOME_STYLE[v.word]}]{v.word}[/]"
                + (f"; missing: {cell(', '.join(v.missing))}" if v.missing else "")
                + (f"; reason: {cell(v.reason)}" if v.reason else "")
                + (f"; profiles: {cell(', '.join(v.profiles))}" if v.profiles else "")
            )
            if v.trace is not None:
                out().print(render_trace(v.trace))

    @app.command(cls=Command)
    def check(
        paths: list[Path] = typer.Argument(
            None,
            metavar="PATHS...",
            help="Rulebook directories, package, position, profile and incident files, STIX "
            "bundles, EuRepoC CSV (default: rulebooks and examples/incidents).",
        ),
    ) -> None:
        """Validate rulebooks, positions, profiles and incidents; run rule examples.

        Each file is recognised by its content (package, position, profile, examples,
        incidents, STIX bundle, EuRepoC CSV); a package or position file is loaded with the
        shipped packages it reads. Rulebooks with analysis findings of severity error
        (conflicts, gaps, ...) are refused."""
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


def _note(date: dt.date | None, positions: Sequence[str], read: int, kept: int) -> str:
    when = (
        f"evaluated as of {date}"
        if date
        else "profiles in force on each incident's start date, as_of today"
    )
    under = f"; positions: {', '.join(positions)}" if positions else ""
    chosen = f"; {kept} of {read} incidents kept by the filters" if kept != read else ""
    return when + under + chosen
