"""Checking rulebooks and incident files: what ``cybernorms check`` runs, and what
publication must pass before anything is signed (issue 14: ``package publish`` must refuse
what ``check`` refuses).

A rulebook passes when every package, position, profile and example file loads, every
example produces its expected verdicts, and the analyses find nothing of severity error.
The result is a report, not an exception: a caller lists every problem at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cybernorms.engine.examples import run_examples
from cybernorms.ingest.files import incident_files, load_incidents
from cybernorms.model.documents import DocumentError, Problem
from cybernorms.rules.catalog import Rulebooks, load_rulebooks


@dataclass
class CheckReport:
    """What was checked and every problem found (``ok`` when there is none)."""

    problems: list[Problem] = field(default_factory=list)
    # One line per target: what it held ("rulebooks: 5 packages, ...", "x.yaml: 3 incidents").
    checked: list[str] = field(default_factory=list)
    examples: int = 0  # expected verdicts compared
    failed_examples: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, other: CheckReport) -> None:
        self.problems += other.problems
        self.checked += other.checked
        self.examples += other.examples
        self.failed_examples += other.failed_examples


def is_rulebook_dir(path: Path) -> bool:
    """A directory laid out as rulebooks (``NAME/package.yaml`` or ``positions/``)."""
    return path.is_dir() and (any(path.glob("*/package.yaml")) or (path / "positions").is_dir())


def check_rulebooks(root: Path) -> CheckReport:
    """Load a rulebook directory with its examples, run them, and run the analyses."""
    report = CheckReport()
    try:
        books = load_rulebooks(root)
    except DocumentError as exc:
        report.problems += exc.problems
        return report
    report.add(check_loaded(books))
    report.checked.append(
        f"{root}: {len(books.packages)} packages, {len(books.positions)} positions, "
        f"{len(books.profiles)} profiles, {report.examples} example verdicts checked"
    )
    return report


def check_loaded(books: Rulebooks) -> CheckReport:
    """Examples and analysis errors of rulebooks already loaded (with their examples)."""
    # Imported here: the analyses load the SMT solver, which nothing else of checking needs.
    from cybernorms.service.analysing import error_findings

    report = CheckReport()
    results = run_examples(books)
    report.examples = len(results)
    for r in results:
        if not r.ok:
            report.failed_examples += 1
            report.problems.append(Problem(r.where, f"example {r.example!r}: {r.problem}"))
    report.problems += [Problem(str(books.root), line) for line in error_findings(books)]
    return report


def check_incidents(path: Path) -> CheckReport:
    """Every incident file under ``path`` loads (each problem located)."""
    report = CheckReport()
    count = 0
    for f in [path] if path.is_file() else list(incident_files([path])):
        try:
            count += len(load_incidents(f))
        except DocumentError as exc:
            report.problems += exc.problems
    report.checked.append(f"{path}: {count} incidents valid")
    return report


def check_paths(targets: Sequence[Path]) -> CheckReport:
    """Each target as a rulebook directory or as incident files, all problems together."""
    report = CheckReport()
    for target in targets:
        if is_rulebook_dir(target):
            report.add(check_rulebooks(target))
        elif target.exists():
            report.add(check_incidents(target))
        else:
            report.problems.append(Problem(str(target), "no such file or directory"))
    return report
