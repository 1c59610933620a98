"""Analysing rulebooks with the SMT solver: findings with witness incidents, version diffs,
and the findings that make ``check`` refuse a rulebook.

A thin layer over ``cybernorms.analysis``: it checks the names asked for, turns a rule the
solver cannot express into a refusal, and adds per-incident counts when incidents are given.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from cybernorms.analysis.checks import Analysis, Options
from cybernorms.analysis.counts import add_counts, disagreements
from cybernorms.analysis.diff import DiffReport, diff_packages
from cybernorms.analysis.findings import Finding, Report
from cybernorms.analysis.solve import Budget
from cybernorms.model.documents import DocumentError, Problem
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.package import Package, load_package
from cybernorms.service.errors import BadRequest, UnknownName


def analyse(
    books: Rulebooks,
    targets: Sequence[str] = (),
    *,
    profiles: Sequence[Profile] | None = None,
    free_profiles: bool = False,
    as_of: dt.date | None = None,
    bound: int = 3,
    timeout_ms: int = 10_000,
    incidents: Sequence[Incident] = (),
) -> Report:
    """Dead rules, conflicts, gaps and position differences of ``targets`` (package ids and
    position states; all when empty), each with a witness; with ``incidents``, each position
    finding counts the incidents on which the position departs from its package."""
    known = {p.id for p in books.packages} | {p.state.lower() for p in books.positions}
    unknown = [t for t in targets if t.lower() not in known]
    if unknown:
        raise UnknownName(
            f"unknown package or position: {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    used = list(books.profiles if profiles is None else profiles)
    options = Options(
        bound=bound,
        budget=Budget(timeout_ms=timeout_ms),
        free_profiles=free_profiles,
        as_of=as_of,
    )
    report = Analysis(books.packages, books.positions, used, options).run(list(targets))
    if incidents:
        counts = disagreements(books.packages, books.positions, used, incidents)
        add_counts(report.findings, counts, len(incidents))
    return report


def departures(report: Report) -> dict[str, dict[str, str]]:
    """Where each reading departs from its package, as a matrix: reading (``position:ISO3``)
    -> rule -> what the witness shows (``violation; package: undetermined``), or the kind of a
    finding about the position's own reading (``dead_rule``), with the count of incidents when
    ``analyse`` was given some. Read from the report's findings only (``analysis`` public API).
    """
    matrix: dict[str, dict[str, str]] = {}
    for f in report.sorted():
        reading = f.scope.partition(" + ")[2]
        if not reading:
            continue
        mine = next((c for c in f.expect if c.basis == reading), None)
        theirs = next((c for c in f.expect if c.basis != reading and not c.version), None)
        if f.kind == "position_diff" and mine is not None and theirs is not None:
            note = f"{mine.word}; package: {theirs.word}"
        else:
            note = f.kind
        if f.count is not None:
            note += f" ({f.count})"
        for rule in f.rules:
            row = matrix.setdefault(reading, {})
            row[rule] = f"{row[rule]}, {note}" if rule in row else note
    return matrix


def diff(books: Rulebooks, old: Path, new: Path, *, timeout_ms: int = 10_000) -> DiffReport:
    """Per rule of two versions of one package (``package.yaml`` or its directory): is the new
    criterion equivalent, stricter, looser or incomparable? ``books`` gives the packages they
    require and the profiles."""
    try:
        before = load_package(_package_file(old), books.packages)
        after = load_package(_package_file(new), books.packages)
    except OSError as exc:
        raise DocumentError([Problem(str(exc.filename or old), exc.strerror or str(exc))]) from exc
    if before.id != after.id:
        raise BadRequest(
            f"OLD is package {before.id!r}, NEW is {after.id!r}: diff compares versions"
        )
    others = _required(books.packages, [*before.requires, *after.requires])
    return diff_packages(before, after, others, books.profiles, Options(budget=Budget(timeout_ms)))


def error_findings(books: Rulebooks) -> list[str]:
    """The analyses' findings of severity error, one line each with its witness: what
    ``check`` refuses a rulebook for (a conflict, a gap, a rule that cannot be decided)."""
    report = Analysis(books.packages, books.positions, books.profiles, Options()).run()
    return [
        f"analysis: {f.kind} ({f.scope}): {f.message}"
        + (f"; witness: {witness_text(f).replace(chr(10), ' ')}" if f.witness else "")
        for f in report.sorted()
        if f.severity == "error"
    ]


def witness_text(f: Finding) -> str:
    """A finding's witness incident as compact JSON, then the verdicts it shows."""
    if f.witness is None:
        return f"({f.proof})" if f.proof == "unsat" else ""
    data = f.witness.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data.pop("id", None)
    claims = "; ".join(
        f"{c.version + ' ' if c.version else ''}{c.rule}[{c.subject or 'null'}]"
        f"@{c.basis} = {c.word}"
        for c in f.expect
    )
    return json.dumps(data, separators=(",", ":")) + "\n=> " + claims


def _package_file(path: Path) -> Path:
    return path / "package.yaml" if path.is_dir() else path


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
