"""The engine's verdicts beside the EuRepoC coders' legal judgement (``cybernorms.agreement``).

The coders' columns are read only to compare, never to decide: the engine is asked the
act-level question on each incident with its annotations set aside
(``agreement.as_foreign_state_act``).
Only rules that answer a breach are compared: a rule's declared ``question:`` (attribution,
permission) is read from the rulebooks, and a rule that answers another question is listed as
not compared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cybernorms.agreement import (
    QUESTIONS,
    Disagreement,
    Report,
    coded_incidents,
    compare,
    disagreements,
)
from cybernorms.model.documents import DocumentError, Problem
from cybernorms.model.facts import Incident
from cybernorms.model.readers import reader_id
from cybernorms.rules.catalog import Rulebooks
from cybernorms.service.errors import UnknownName
from cybernorms.service.evaluating import evaluator, setup


@dataclass(frozen=True)
class Agreement:
    """The import of the CSV (rows, rejected rows, unknown vocabulary), the comparison and,
    when asked for, every disagreement explained."""

    imported: Any  # cybernorms.ingest.eurepoc.EurepocImport
    report: Report
    disagreements: list[Disagreement] = field(default_factory=list)


def agreement(
    books: Rulebooks,
    csv_file: Path,
    *,
    positions: Sequence[str] = (),
    as_of: dt.date | None,
    explain: bool = False,
    progress: Callable[[Sequence[Incident]], Iterable[Incident]] = iter,
) -> Agreement:
    """Import ``csv_file``, evaluate every incident the coders judged (with the rulebooks'
    profiles) and compare per question; ``explain`` also lists the disagreements with their
    traces; ``progress`` wraps the incidents (a progress bar)."""
    from cybernorms.ingest.eurepoc import import_eurepoc

    states = [reader_id(p) for p in positions]
    rules = {r.id: (p.basis, r) for p in books.packages for r in p.rules}
    missing = sorted({q.rule for q in QUESTIONS} - rules.keys())
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
    coded = coded_incidents(result.incidents)
    report = compare(
        progress(coded),
        engine,
        {q.rule: rules[q.rule][0] for q in QUESTIONS},
        states,
        rule_questions={q.rule: _question(rules[q.rule][1]) for q in QUESTIONS},
        as_of=as_of,
    )
    listed = disagreements(report, coded, engine, as_of=as_of) if explain else []
    return Agreement(result, report, listed)


def _question(rule: object) -> str:
    """What a rule answers: its declared ``question`` (breach when the rule model has none)."""
    asked = getattr(rule, "question", "breach")
    return str(getattr(asked, "value", asked))
