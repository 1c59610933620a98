"""The engine's verdicts beside the EuRepoC coders' legal judgement (``cybernorms.agreement``).

The coders' columns are read only to compare, never to decide: ``coded_incidents`` hands the
engine each incident with its annotations set aside.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cybernorms.agreement import QUESTIONS, Report, coded_incidents, compare
from cybernorms.model.documents import DocumentError, Problem
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import Rulebooks
from cybernorms.service.errors import UnknownName
from cybernorms.service.evaluating import evaluator, setup


@dataclass(frozen=True)
class Agreement:
    """The import of the CSV (rows, rejected rows, unknown vocabulary) and the comparison."""

    imported: Any  # cybernorms.ingest.eurepoc.ImportResult
    report: Report


def agreement(
    books: Rulebooks,
    csv_file: Path,
    *,
    positions: Sequence[str] = (),
    as_of: dt.date | None,
    progress: Callable[[Sequence[Incident]], Iterable[Incident]] = iter,
) -> Agreement:
    """Import ``csv_file``, evaluate every incident the coders judged (with the rulebooks'
    profiles) and compare per question; ``progress`` wraps the incidents (a progress bar)."""
    from cybernorms.ingest.eurepoc import import_eurepoc

    states = [p.upper() for p in positions]
    rule_basis = {r.id: p.basis for p in books.packages for r in p.rules}
    missing = sorted({q.rule for q in QUESTIONS} - rule_basis.keys())
    if missing:
        raise UnknownName(
            f"the rulebooks in {books.root} lack the rules compared here: "
            + ", ".join(missing)
            + " (package il-core)"
        )
    engine = evaluator(setup(books, positions=states))
    if not csv_file.is_file():
        raise DocumentError([Problem(str(csv_file), "no such file")])
    result = import_eurepoc(csv_file)
    report = compare(
        progress(coded_incidents(result.incidents)),
        engine,
        {q.rule: rule_basis[q.rule] for q in QUESTIONS},
        states,
        as_of=as_of,
    )
    return Agreement(result, report)
