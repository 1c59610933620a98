"""Subcommands that evaluate: ``evaluate``, ``explain``, ``check``.

The CLI is a thin shell: it loads inputs, calls the engine, prints. Every refusal names the
file, line and field (``DocumentError``) and exits 1; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.tree import Tree

from cybernorms.engine import Evaluator
from cybernorms.engine.examples import run_examples
from cybernorms.ingest.files import incident_files, load_incidents
from cybernorms.model.documents import DocumentError, Problem
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.verdict import Outcome, TraceNode, Verdict
from cybernorms.rules.catalog import Rulebooks, load_profiles, load_rulebooks

# Wide when writing to a file or pipe: tables and trees are read in full, not cut at 80.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)

OUTCOME_STYLE = {
    Outcome.VIOLATION: "bold red",
    Outcome.NO_VIOLATION: "green",
    Outcome.UNDETERMINED: "yellow",
    Outcome.NOT_APPLICABLE: "dim",
}


class InputFormat(StrEnum):
    auto = "auto"
    json = "json"
    yaml = "yaml"
    eurepoc = "eurepoc"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    summary = "summary"


def fail(problems: Sequence[Problem] | str) -> NoReturn:
    """Print every problem, one per line, and exit 1."""
    for p in [problems] if isinstance(problems, str) else problems:
        err.out(f"error: {p}", highlight=False)
    raise typer.Exit(1)


# -- loading -------------------------------------------------------------------------------


def load_inputs(paths: Sequence[Path], fmt: InputFormat) -> list[Incident]:
    """Incidents from files or directories; all problems of all files are reported together."""
    incidents: list[Incident] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), "no such file or directory"))
            continue
        files = [path] if path.is_file() else list(incident_files([path]))
        for f in files:
            try:
                loaded = _load_one(f, fmt)
            except DocumentError as exc:
                problems.extend(exc.problems)
                continue
            for inc in loaded:
                if inc.id in seen:
                    problems.append(
                        Problem(str(f), f"incident id {inc.id!r} also in {seen[inc.id]}")
                    )
                seen.setdefault(inc.id, str(f))
                incidents.append(inc)
    if problems:
        fail(problems)
    return incidents


def _load_one(path: Path, fmt: InputFormat) -> list[Incident]:
    if fmt is InputFormat.eurepoc or (fmt is InputFormat.auto and path.suffix.lower() == ".csv"):
        from cybernorms.ingest.eurepoc import import_eurepoc

        result = import_eurepoc(path)
        if result.rejected:
            err.print(
                f"[yellow]{len(result.rejected)} EuRepoC rows not imported[/yellow] "
                f"({len(result.incidents)} imported); first reasons:"
            )
            for row in result.rejected[:5]:
                err.out(f"  {row}", highlight=False)
        return list(result.incidents)
    if fmt in (InputFormat.json, InputFormat.yaml) or path.suffix.lower() in (
        ".json",
        ".yaml",
        ".yml",
    ):
        return load_incidents(path)
    raise DocumentError([Problem(str(path), "unknown input format (use --from json|yaml|eurepoc)")])


def load_books(rulebooks: Path | None, packages: Sequence[str]) -> Rulebooks:
    try:
        books = load_rulebooks(rulebooks, with_examples=False)
    except DocumentError as exc:
        fail(exc.problems)
    for pid in packages:
        try:
            books.package(pid)
        except KeyError as exc:
            fail(str(exc.args[0]))
    return books


def load_profile_dirs(paths: Sequence[Path]) -> list[Profile]:
    profiles: list[Profile] = []
    problems: list[Problem] = []
    for path in paths:
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for f in files:
            try:
                profiles.extend(load_profiles(f))
            except DocumentError as exc:
                problems.extend(exc.problems)
    if problems:
        fail(problems)
    return profiles


def registry_profiles(db: str, on: dt.date | None) -> list[Profile]:
    """Profiles in force on ``on`` (default today) from the registry at ``db``, each verified
    against its log entry and its state's root (``cybernorms.store.profiles_as_of``).

    Imported here, not at the top: the store (SQLAlchemy, Alembic) loads only when asked for.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from cybernorms.store import StoreError, profiles_as_of

    try:
        found = profiles_as_of(db, on or dt.date.today())
    except StoreError as exc:
        fail(f"--db: {exc}")
    except SQLAlchemyError as exc:
        fail(f"--db: database error: {str(exc.__cause__ or exc).splitlines()[0]}")
    return list(found.values())


def parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"--as-of: {text!r} is not a date (YYYY-MM-DD)")


def build_evaluator(
    books: Rulebooks, profiles: Sequence[Profile], positions: Sequence[str]
) -> Evaluator:
    chosen = []
    for state in positions:
        try:
            chosen.append(books.position(state))
        except KeyError as exc:
            fail(str(exc.args[0]))
    return Evaluator(books.packages, profiles, chosen)


def progress_over(items: Sequence[Incident], label: str) -> Iterator[Incident]:
    """Iterate with a progress bar on stderr when the run is long and someone is watching."""
    if len(items) < 50 or not err.is_terminal:
        yield from items
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(label, total=len(items))
        for item in items:
            yield item
            progress.advance(task)


# -- output --------------------------------------------------------------------------------


def _print_table(verdicts: list[Verdict]) -> None:
    table = Table(title="Verdicts", show_lines=False)
    for col in ("incident", "package", "rule", "subject", "basis", "outcome", "missing"):
        table.add_column(col)
    for v in verdicts:
        table.add_row(
            v.incident,
            v.package,
            v.rule,
            v.subject or "-",
            v.basis,
            f"[{OUTCOME_STYLE[v.outcome]}]{v.outcome.label}[/]",
            ", ".join(v.missing),
        )
    out.print(table)


def _print_markdown(verdicts: list[Verdict]) -> None:
    print("| incident | package | rule | subject | basis | outcome | missing |")
    print("|---|---|---|---|---|---|---|")
    for v in verdicts:
        cells = [
            v.incident,
            v.package,
            v.rule,
            v.subject or "-",
            v.basis,
            v.outcome.label,
            ", ".join(v.missing),
        ]
        print("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")


def _print_summary(verdicts: list[Verdict], incidents: int, illustrative: bool) -> None:
    by_rule: dict[tuple[str, str], Counter[Outcome]] = defaultdict(Counter)
    by_state: dict[str, Counter[Outcome]] = defaultdict(Counter)
    for v in verdicts:
        by_rule[(v.rule, v.basis)][v.outcome] += 1
        if v.outcome in (Outcome.VIOLATION, Outcome.UNDETERMINED, Outcome.NO_VIOLATION):
            by_state[v.subject or "unknown"][v.outcome] += 1
    order = (Outcome.VIOLATION, Outcome.UNDETERMINED, Outcome.NO_VIOLATION, Outcome.NOT_APPLICABLE)
    table = Table(title=f"Outcomes by rule ({incidents} incidents)")
    table.add_column("rule")
    table.add_column("basis")
    for o in order:
        table.add_column(o.label, justify="right", style=OUTCOME_STYLE[o])
    for (rule, basis), counts in sorted(by_rule.items()):
        table.add_row(rule, basis, *(str(counts[o]) for o in order))
    out.print(table)
    states = Table(title="Outcomes by subject state (rules that apply)")
    states.add_column("subject")
    for o in order[:3]:
        states.add_column(o.label, justify="right", style=OUTCOME_STYLE[o])
    ranked = sorted(by_state.items(), key=lambda kv: (-kv[1][Outcome.VIOLATION], kv[0]))
    for state, counts in ranked:
        states.add_row(state, *(str(counts[o]) for o in order[:3]))
    out.print(states)
    out.print(
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
    if node.value is None or isinstance(node.value, bool):
        value = {True: "[red]true[/]", False: "[green]false[/]", None: "[yellow]unknown[/]"}[
            node.value
        ]
    else:
        value = f"[cyan]{_escape(_short(node.value))}[/]"
    label = f"{node.bind + ': ' if node.bind else ''}[bold]{_escape(node.expr)}[/] = {value}"
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
        label += "  [dim](" + _escape("; ".join(extras)) + ")[/]"
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
    if hasattr(value, "model_dump"):
        return json.dumps(value.model_dump(mode="json", exclude_none=True))
    return str(value)


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


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
            [], "--package", "-p", help="Report only these package ids (default: all)."
        ),
        position: list[str] = typer.Option(
            [], "--position", help="Also evaluate under this state's position (ISO3)."
        ),
        as_of: str | None = typer.Option(
            None, "--as-of", help="Evaluation date YYYY-MM-DD (profiles in force then)."
        ),
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
        date = parse_date(as_of)
        books = load_books(rulebooks, package)
        if db is not None and profiles:
            fail("give --db or --profiles, not both")
        profile_list = (
            registry_profiles(db, date) if db is not None else load_profile_dirs(profiles)
        )
        incidents = load_inputs(inputs, source_format)
        evaluator = build_evaluator(books, profile_list, [p.upper() for p in position])
        wanted = {books.package(p).label for p in package} if package else None
        verdicts: list[Verdict] = []
        stream = output is OutputFormat.jsonl
        for incident in progress_over(incidents, "evaluating"):
            for v in evaluator.verdicts(incident, date):
                if wanted is not None and v.package not in wanted:
                    continue
                if stream:
                    sys.stdout.write(
                        json.dumps(v.to_json(with_trace=with_trace), ensure_ascii=False) + "\n"
                    )
                else:
                    verdicts.append(v)
        if output is OutputFormat.json:
            json.dump(
                [v.to_json(with_trace=with_trace) for v in verdicts],
                sys.stdout,
                ensure_ascii=False,
                indent=1,
            )
            sys.stdout.write("\n")
        elif output is OutputFormat.table:
            _print_table(verdicts)
        elif output is OutputFormat.markdown:
            _print_markdown(verdicts)
        elif output is OutputFormat.summary:
            _print_summary(verdicts, len(incidents), any(p.illustrative for p in profile_list))

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
        as_of: str | None = typer.Option(None, "--as-of", help="Evaluation date YYYY-MM-DD."),
        source_format: InputFormat = typer.Option(InputFormat.auto, "--from", help="Input format."),
        profiles: list[Path] = typer.Option([], "--profiles", help="Profile files or directories."),
        rulebooks: Path | None = typer.Option(None, "--rulebooks", help="Rulebook directory."),
    ) -> None:
        """Show the reasoning behind one verdict, as a tree."""
        date = parse_date(as_of)
        books = load_books(rulebooks, [])
        incidents = {i.id: i for i in load_inputs(inputs, source_format)}
        if incident not in incidents:
            fail(f"no incident {incident!r} in the input ({len(incidents)} incidents)")
        evaluator = build_evaluator(
            books, load_profile_dirs(profiles), [p.upper() for p in position]
        )
        verdicts = [v for v in evaluator.verdicts(incidents[incident], date) if v.rule == rule]
        if not verdicts:
            fail(f"no rule {rule!r} in the loaded packages")
        if subject is not None:
            verdicts = [v for v in verdicts if (v.subject or "") == subject.upper()]
            if not verdicts:
                fail(f"rule {rule} has no verdict for subject {subject.upper()} on {incident}")
        chosen = (
            next((v for v in verdicts if v.basis.startswith("position:")), None)
            if position
            else None
        )
        for v in [chosen] if chosen else verdicts:
            r = next(r for p in books.packages for r in p.rules if r.id == rule)
            out.print(f"[bold]{v.rule}[/] {r.title}  ({v.package}, basis {v.basis})")
            out.print(f"[dim]{r.source}: {r.text}[/]")
            out.print(
                f"incident {v.incident}, subject {v.subject or 'unknown'}: "
                f"[{OUTCOME_STYLE[v.outcome]}]{v.outcome.label}[/]"
                + (f"; missing: {', '.join(v.missing)}" if v.missing else "")
                + (f"; profiles: {', '.join(v.profiles)}" if v.profiles else "")
            )
            if v.trace is not None:
                out.print(render_trace(v.trace))

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
        targets = list(paths or [])
        if not targets:
            targets = [Path("rulebooks"), Path("examples/incidents")]
        problems: list[Problem] = []
        failures = 0
        total = 0
        for target in targets:
            is_rulebook = target.is_dir() and (
                any(target.glob("*/package.yaml")) or (target / "positions").is_dir()
            )
            if is_rulebook:
                try:
                    books = load_rulebooks(target)
                except DocumentError as exc:
                    problems.extend(exc.problems)
                    continue
                results = run_examples(books)
                total += len(results)
                for r in results:
                    if not r.ok:
                        failures += 1
                        problems.append(Problem(r.where, f"example {r.example!r}: {r.problem}"))
                # Imported here: the analysis module imports this one, and z3 loads only when
                # a rulebook is checked.
                from cybernorms.cli.analysis import error_findings

                problems.extend(Problem(str(target), line) for line in error_findings(books))
                out.print(
                    f"{target}: {len(books.packages)} packages, {len(books.positions)} positions, "
                    f"{len(books.profiles)} profiles, {len(results)} example verdicts checked"
                )
            elif target.exists():
                count = 0
                for f in [target] if target.is_file() else list(incident_files([target])):
                    try:
                        count += len(load_incidents(f))
                    except DocumentError as exc:
                        problems.extend(exc.problems)
                out.print(f"{target}: {count} incidents valid")
            else:
                problems.append(Problem(str(target), "no such file or directory"))
        if problems:
            for p in problems:
                err.out(f"error: {p}", highlight=False)
            err.print(
                f"[red]{len(problems)} problem(s)[/red] "
                f"({failures} of {total} example verdicts wrong)"
            )
            raise typer.Exit(1)
        out.print(f"[green]all good[/green]: {total} example verdicts as expected")
