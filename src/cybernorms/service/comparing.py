"""One incident under several readings side by side: the packages' own (consensus or
restatement) and each position's, with the facts that decide where they differ.

Why the deciding facts come from the traces: a position replaces a rule's ``applies_when``
or ``violated_when``; where the two readings give different outcomes, the facts read by the
replaced criterion (in either reading) are what a person must look at to see why. They are
taken from what the engine read, not re-derived.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.readers import is_reading_basis, reader_id, reading_basis
from cybernorms.model.verdict import TraceNode, Verdict
from cybernorms.rules.catalog import Rulebooks
from cybernorms.semantics.profiles import plain_basis
from cybernorms.service.evaluating import evaluate, setup
from cybernorms.service.formats import Detail

PACKAGE = "package"  # the column of each rule's own package reading (consensus/restatement)
CRITERIA = ("applies_when", "violated_when")


@dataclass(frozen=True)
class Reading:
    """One cell: the outcome under one basis; ``own`` is false where the position does not
    read the rule itself (the package's outcome stands)."""

    outcome: str
    basis: str
    own: bool = True
    missing: tuple[str, ...] = ()


@dataclass
class Row:
    """One rule and subject across the readings, with the facts deciding each difference."""

    rule: str
    title: str
    subject: str | None
    readings: dict[str, Reading] = field(default_factory=dict)
    deciding: dict[str, list[str]] = field(default_factory=dict)  # column -> "fact = value"

    @property
    def differs(self) -> bool:
        return len({r.outcome for r in self.readings.values()}) > 1


@dataclass
class Comparison:
    incident: Incident
    columns: list[str]  # PACKAGE, then each reading's basis ("position:ISO3", "group:NAME")
    rows: list[Row]

    def to_json(self) -> dict[str, Any]:
        return {
            "incident": self.incident.id,
            "name": self.incident.name,
            "start_date": (
                self.incident.start_date.isoformat() if self.incident.start_date else None
            ),
            "columns": self.columns,
            "rows": [
                {
                    "rule": r.rule,
                    "title": r.title,
                    "subject": r.subject,
                    "readings": {
                        c: {
                            "outcome": x.outcome,
                            "basis": x.basis,
                            "own": x.own,
                            "missing": list(x.missing),
                        }
                        for c, x in r.readings.items()
                    },
                    "differs": r.differs,
                    "deciding": r.deciding,
                }
                for r in self.rows
            ],
        }


def compare(
    books: Rulebooks,
    incident: Incident,
    positions: Sequence[str],
    *,
    packages: Sequence[str] = (),
    profiles: Sequence[Profile] | None = None,
    as_of: dt.date | None,
    only_differences: bool = False,
    assume_defaults: bool = False,
) -> Comparison:
    """The matrix of rules x readings for ``incident`` (``positions``: states; ``ALL`` in
    them means every loaded position)."""
    states = _states(books, positions)
    chosen = setup(
        books,
        packages=packages,
        positions=states,
        profiles=profiles,
        assume_defaults=assume_defaults,
    )
    verdicts = list(evaluate(chosen, [incident], as_of=as_of, detail=Detail.trace))
    titles = {r.id: r.title for p in books.packages for r in p.rules}
    for pos in books.positions:
        titles.update({r.id: r.title for r in pos.added})
    columns = [PACKAGE, *(reading_basis(s) for s in states)]
    rows: dict[tuple[str, str | None], Row] = {}
    own: dict[tuple[str, str | None, str], Verdict] = {}
    for v in verdicts:
        column = plain_basis(v.basis) if is_reading_basis(plain_basis(v.basis)) else PACKAGE
        key = (v.rule, v.subject)
        row = rows.setdefault(key, Row(v.rule, titles.get(v.rule, ""), v.subject))
        row.readings[column] = Reading(v.word, v.basis, True, tuple(v.missing))
        own[(v.rule, v.subject, column)] = v
    for row in rows.values():
        base = row.readings.get(PACKAGE)
        for column in columns[1:]:
            if column not in row.readings and base is not None:
                row.readings[column] = Reading(base.outcome, base.basis, False, base.missing)
        reference = own.get((row.rule, row.subject, PACKAGE))
        for column in columns[1:]:
            mine = own.get((row.rule, row.subject, column))
            reading = row.readings.get(column)
            if mine is None or reading is None or base is None:
                continue
            if reading.outcome != base.outcome:
                theirs = reference.trace if reference is not None else None
                facts = deciding_facts(mine.trace, theirs)
                # A reading decided by the state's own word (no_rule, a question held open)
                # says so first: the facts alone would not explain it.
                row.deciding[column] = [f"reason: {mine.reason}", *facts] if mine.reason else facts
    ordered = [r for r in rows.values() if r.differs or not only_differences]
    return Comparison(incident, columns, ordered)


def _states(books: Rulebooks, positions: Sequence[str]) -> list[str]:
    states: list[str] = []
    for p in positions:
        names = [x.state for x in books.positions] if p.upper() == "ALL" else [reader_id(p)]
        states += [s for s in names if s not in states]
    return states


def deciding_facts(position: TraceNode | None, package: TraceNode | None) -> list[str]:
    """``fact = value`` for each fact read by a criterion the two traces read differently
    (another expression, or another value), the position's first; each fact once."""
    if position is None:
        return []
    found: dict[str, list[str]] = {}
    for bind in CRITERIA:
        mine = _bound(position, bind)
        theirs = _bound(package, bind) if package is not None else None
        if mine is None:
            continue
        if theirs is not None and mine.expr == theirs.expr and mine.value == theirs.value:
            continue
        for node in (mine, theirs):
            if node is not None:
                _facts(node, found)
    return [f"{fact} = {', '.join(values)}" for fact, values in found.items()]


def _bound(node: TraceNode, bind: str) -> TraceNode | None:
    for child in node.children:
        if child.bind == bind:
            return child
    return None


def _facts(node: TraceNode, found: dict[str, list[str]]) -> None:
    """The facts a trace read, each list element's field gathered under ``list[*].field``
    (``targets[*].country = UKR, DNK``); a whole list of fact objects is left out, its
    elements' fields being what the criterion read."""
    if node.fact and not _is_object_list(node.value):
        values = found.setdefault(_INDEX.sub("[*]", node.fact), [])
        shown = _value(node.value)
        if shown not in values:
            values.append(shown)
    for child in node.children:
        _facts(child, found)


_INDEX = re.compile(r"\[\d+\]")


def _is_object_list(value: object) -> bool:
    return isinstance(value, list | tuple) and any(hasattr(v, "model_dump") for v in value)


def _value(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, list | tuple):
        items = [_value(v) for v in value]
        return "[" + ", ".join(items) + "]"
    if isinstance(value, frozenset | set):
        return "{" + ", ".join(sorted(map(str, value))) + "}"
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        data = dump(mode="json", exclude_none=True)
        return "{" + ", ".join(f"{k}: {v}" for k, v in data.items()) + "}"
    return str(value)
