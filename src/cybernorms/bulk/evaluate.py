"""``evaluate_many``: every verdict of many incidents as one Arrow table, on DuckDB or Spark.

The contract is DESIGN section 6 without the trace: one row per (incident, package, rule,
subject, basis) with ``outcome`` (the answer word of the rule's ``question``: ``violation``,
``attributable``, ``permitted``, ... - ``model.verdict.WORDS``), ``missing`` (the same fact
paths, in the same order, as the engine's ``Verdict.missing``), ``question`` and ``reason``.
With ``assume_defaults`` the query runs twice, without and with the packages' defaults, and a
verdict the defaults decided comes from the second run, its basis labelled
(``semantics.profiles``), exactly as in the engine. Traces are built on demand by the engine
for the verdicts a person looks at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from cybernorms.bulk.engines import run_duckdb, run_spark
from cybernorms.bulk.errors import BulkError
from cybernorms.bulk.layout import check_table, incidents_to_arrow, read_incidents_parquet
from cybernorms.bulk.plan import build_plan
from cybernorms.bulk.sqlgen import DUCKDB, SPARK
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.verdict import WORDS, Outcome, Question
from cybernorms.rules.package import Package, Position
from cybernorms.semantics.lenses import reported
from cybernorms.semantics.profiles import assumed_basis, decided_by_defaults, plain_basis

Engine = Literal["duckdb", "spark"]
_QUESTIONS = tuple(Question)
# Index ``question * 4 + outcome code``: the word of every (question, outcome).
_WORDS = pa.array([WORDS[q][o] for q in _QUESTIONS for o in Outcome], pa.string())
_KEY = ("incident", "package", "rule", "subject", "basis")


def _incident_input(incidents: Iterable[Incident] | pa.Table | Path | str) -> pa.Table | Path:
    if isinstance(incidents, str | Path):
        path = Path(incidents)
        read_incidents_parquet(path)  # checked once here; the engine scans the file itself
        return path
    if isinstance(incidents, pa.Table):
        return check_table(incidents)
    return incidents_to_arrow(incidents)


def evaluate_many(
    incidents: Iterable[Incident] | pa.Table | Path | str,
    packages: Sequence[Package],
    profiles: Sequence[Profile] = (),
    positions: Sequence[Position] = (),
    *,
    engine: Engine = "duckdb",
    as_of: dt.date | None = None,
    spark_master: str | None = None,
    threads: int | None = None,
    assume_defaults: bool = False,
) -> pa.Table:
    """Every verdict of every incident, as the engine gives them, without traces.

    ``incidents``: fact-schema incidents, an Arrow table in the incident layout
    (``docs/bulk.md``), or a Parquet file of one. ``as_of``: the evaluation date (``as_of``
    in rules, and the date that chooses each profile in force); when None, each incident's
    own start date chooses profiles and today's date is ``as_of``, as in the engine.
    """
    if not packages:
        raise BulkError("no packages to evaluate")
    source = _incident_input(incidents)
    dialect = {"duckdb": DUCKDB, "spark": SPARK}.get(engine)
    if dialect is None:
        raise BulkError(f"unknown engine {engine!r} (one of duckdb, spark)")

    def run(assume: bool) -> pa.Table:
        plan = build_plan(
            packages,
            list(profiles),
            list(positions),
            dialect,
            as_of=as_of,
            today=dt.date.today(),
            assume_defaults=assume,
        )
        if engine == "spark":
            return run_spark(plan, source, master=spark_master)
        return run_duckdb(plan, source, threads=threads)

    table = run(False)
    if assume_defaults:
        table = _with_assumption(table, run(True))
    return _answered(table, packages, positions)


def _with_assumption(plain: pa.Table, assumed: pa.Table) -> pa.Table:
    """The rows of a run under the assumption: each as without it, except those the defaults
    decided (``decided_by_defaults``), from the assumed run with the basis labelled."""
    found = {tuple(r[k] for k in _KEY): r for r in assumed.to_pylist()}
    rows = []
    for row in plain.to_pylist():
        after = found[tuple(row[k] for k in _KEY)]
        if decided_by_defaults(Outcome(row["outcome"]), Outcome(after["outcome"])):
            row = {**after, "basis": assumed_basis(after["basis"])}
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=plain.schema)


def _answered(
    table: pa.Table, packages: Sequence[Package], positions: Sequence[Position]
) -> pa.Table:
    """The outcome codes as the words of each rule's question, with ``question`` and
    ``reason`` columns (``Rule.reason_for``)."""
    rules = reported(packages, positions)
    codes = pc.cast(table.column("outcome"), pa.int8()).to_pylist()
    questions: list[str] = []
    reasons: list[str | None] = []
    indices: list[int] = []
    # Only a rule held open in part needs a row's missing facts for its reason: they are
    # read for those rows alone, not converted for every verdict.
    missing = table.column("missing")
    for row, (basis, rule_id, code) in enumerate(
        zip(
            table.column("basis").to_pylist(),
            table.column("rule").to_pylist(),
            codes,
            strict=True,
        )
    ):
        rule = rules[(plain_basis(basis), rule_id)]
        question = Question(rule.question)
        questions.append(question.value)
        facts = (missing[row].as_py() or ()) if rule.held_open_in_part else ()
        reasons.append(rule.reason_for(Outcome(code), facts))
        indices.append(_QUESTIONS.index(question) * len(Outcome) + code)
    words = pa.DictionaryArray.from_arrays(pa.array(indices, pa.int8()), _WORDS)
    table = table.set_column(table.schema.get_field_index("outcome"), "outcome", words)
    table = table.append_column("question", pa.array(questions, pa.string()))
    return table.append_column("reason", pa.array(reasons, pa.string()))
