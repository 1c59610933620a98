"""Bulk evaluation: the rules compiled to SQL (sqlglot trees) and run on DuckDB or Spark.

For millions of incidents at once, where the engine's one-incident-at-a-time Python path is
too slow, and on a cluster where one machine is not enough. Same verdicts and ``missing``
lists as the engine (the differential tests check it); no traces. See ``docs/bulk.md``.
"""

from cybernorms.bulk.errors import BulkError, EngineUnavailable, UnsupportedConstruct
from cybernorms.bulk.evaluate import evaluate_many
from cybernorms.bulk.layout import (
    LayoutError,
    check_table,
    incident_schema,
    incidents_to_arrow,
    read_incidents_parquet,
    write_parquet,
)

__all__ = [
    "BulkError",
    "EngineUnavailable",
    "LayoutError",
    "UnsupportedConstruct",
    "check_table",
    "evaluate_many",
    "incident_schema",
    "incidents_to_arrow",
    "read_incidents_parquet",
    "write_parquet",
]
