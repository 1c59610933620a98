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
from cybernorms.ingest.files import incident_files, read_incident_file
from cybernorms.model.documents import DocumentError, Problem, load_file
from cybernorms.rules.catalog import Rulebooks, load_profiles, load_rulebooks
from cybernorms.service.kinds import WHERE, Kind, document_kind


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
            read = read_incident_file(f)
        except DocumentError as exc:
            report.problems += exc.problems
            continue
        count += len(read.incidents)
        report.checked += [f"note: {n}" for n in read.notes]  # v1 file: v2 facts unknown
    report.checked.append(f"{path}: {count} incidents valid")
    return report


def check_paths(targets: Sequence[Path]) -> CheckReport:
    """Each target as a rulebook directory, a directory of incident files, or one file
    checked as what its content says it is (``service.kinds``), all problems together."""
    report = CheckReport()
    for target in targets:
        if is_rulebook_dir(target):
            report.add(check_rulebooks(target))
        elif target.is_file():
            report.add(check_file(target))
        elif target.exists():
            report.add(check_incidents(target))
        else:
            report.problems.append(Problem(str(target), "no such file or directory"))
    return report


def check_file(path: Path) -> CheckReport:
    """One file, by its kind: a package or position is loaded with the shipped rulebooks it
    reads and its examples run; a profile, STIX bundle or EuRepoC CSV is read; anything else
    is read as incidents."""
    kind = document_kind(path)
    if kind is Kind.package or kind is Kind.position:
        return _check_rule_file(path, kind)
    report = CheckReport()
    try:
        if kind is Kind.profile:
            found = load_profiles(path)
            report.checked.append(
                f"{path}: profile file, {len(found)} version(s) of "
                + ", ".join(sorted({p.state for p in found}))
            )
        elif kind is Kind.stix:
            from cybernorms.ingest.stix import read_bundle

            stix = read_bundle(path)
            report.checked.append(f"{path}: STIX bundle, {len(stix.incidents)} incident(s)")
        elif kind is Kind.eurepoc:
            from cybernorms.ingest.eurepoc import import_eurepoc

            csv = import_eurepoc(path)
            report.checked.append(
                f"{path}: EuRepoC CSV, {len(csv.incidents)} incidents imported, "
                f"{len(csv.rejected)} rows rejected"
            )
        elif kind is Kind.examples:
            report.problems.append(Problem(str(path), f"this is {kind.phrase}; {WHERE[kind]}"))
        else:
            return check_incidents(path)
    except DocumentError as exc:
        report.problems += exc.problems
    return report


def _check_rule_file(path: Path, kind: Kind) -> CheckReport:
    """A package or position file loaded beside the shipped packages (minus a shipped
    package of the same id, so a shipped file can be checked by itself), examples run."""
    report = CheckReport()
    try:
        shipped = load_rulebooks(None, with_examples=False)
        value = load_file(path).value
        own = str(value.get(kind.value, "")) if isinstance(value, dict) else ""
        others = [Path(p.path) for p in shipped.packages if p.id != own or kind is Kind.position]
        if kind is Kind.package:
            books = load_rulebooks([], package_files=[*others, path])
        else:
            books = load_rulebooks([], package_files=others, position_files=[path])
    except DocumentError as exc:
        report.problems += exc.problems
        return report
    books.profiles = shipped.profiles
    report.add(check_loaded(books))
    if kind is Kind.package:
        pkg = books.package(own)
        what = f"package {pkg.id}@{pkg.version}, {len(pkg.rules)} rules"
    else:
        pos = books.positions[0]
        what = (
            f"position {pos.state} reading {pos.package}, {len(pos.overrides)} override(s), "
            f"{len(pos.added)} added rule(s)"
        )
    report.checked.append(
        f"{path}: {what} (with the shipped packages), {report.examples} example verdicts checked"
    )
    return report
