"""Names of the choices front ends offer, importable without loading the engine.

Why a module of its own: the CLI declares its options at import time, and ``cybernorms
--help`` must not pay for pydantic, the engine or the store (issue 7: help under 0.3 s).
Only the standard library is imported here.
"""

from __future__ import annotations

from enum import StrEnum


class InputFormat(StrEnum):
    """How incident files are read: by their suffix (``auto``) or as named."""

    auto = "auto"
    json = "json"
    yaml = "yaml"
    eurepoc = "eurepoc"
    stix = "stix"
    parquet = "parquet"


class EngineName(StrEnum):
    """Which back end evaluates (``service.evaluating.evaluate``).

    ``python``: the engine, one incident at a time; the only one that gives traces and the
    profile versions read. ``duckdb`` (embedded) and ``spark`` (a cluster, or local mode):
    the rules compiled to SQL (``cybernorms.bulk``), outcomes and missing facts, for large
    inputs; the differential tests hold all three to the same verdicts."""

    python = "python"
    duckdb = "duckdb"
    spark = "spark"


class Detail(StrEnum):
    """How much of each verdict a caller will use; the engine does no more than that.

    ``outcome``: outcome codes only (counts, summaries): the generated fast code, no trace.
    ``missing``: plus the missing facts of undetermined verdicts (tables): the tracing code,
    without JSON traces (a bulk engine that reports missing facts can serve it).
    ``profiles``: plus the profile versions read (the JSON contract without ``trace``).
    ``trace``: plus the reasoning trace (JSON with trace, ``explain``).
    """

    outcome = "outcome"
    missing = "missing"
    profiles = "profiles"
    trace = "trace"


# The evaluation date, one rule for every command (``service.evaluating``), in the words
# every help text uses.
DATE_RULE = (
    "Evaluation date YYYY-MM-DD: the profiles in force on it, and the value of as_of in "
    "rules. Default: profiles in force on each incident's start date; as_of = today."
)
