"""``evaluate_many``: every verdict of many incidents as one Arrow table, on DuckDB or Spark.

The contract is DESIGN section 6 without the trace: one row per (incident, package, rule,
subject, basis) with ``outcome`` (the label: ``violation``, ``no_violation``,
``undetermined``, ``not_applicable``) and ``missing`` (the same fact paths, in the same order,
as the engine's ``Verdict.missing``). Traces are built on demand by the engine for the verdicts
a person looks at.
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
from cybernorms.model.verdict import Outcome
from cybernorms.rules.package import Package, Position

Engine = Literal["duckdb", "spark"]
OUTCOME_LABELS = pa.array([o.label for o in Outcome], pa.string())


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
    plan = build_plan(
        packages, list(profiles), list(positions), dialect, as_of=as_of, today=dt.date.today()
    )
    if engine == "spark":
        table = run_spark(plan, source, master=spark_master)
    else:
        table = run_duckdb(plan, source, threads=threads)
    labels = pa.DictionaryArray.from_arrays(
        pc.cast(table.column("outcome"), pa.int8()).combine_chunks(), OUTCOME_LABELS
    )
    return table.set_column(table.schema.get_field_index("outcome"), "outcome", labels)
