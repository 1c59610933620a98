"""``evaluate --engine duckdb|spark`` and Parquet input: the same verdicts as the Python
engine, through the one place an engine is chosen (``service.evaluating``).

The Python engine is the reference; the bulk engines give outcomes and missing facts, and
refuse to be asked for traces rather than print verdicts without them.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cybernorms.bulk import write_parquet
from cybernorms.cli.app import app
from cybernorms.service import loading

REPO = Path(__file__).resolve().parents[2]
INCIDENTS = REPO / "examples" / "incidents"
runner = CliRunner()


def rows(*args: str) -> list[tuple[object, ...]]:
    result = runner.invoke(app, ["evaluate", *args, "-f", "jsonl", "--no-trace"])
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return sorted(
        (
            v["incident"],
            v["package"],
            v["rule"],
            v["subject"] or "",
            v["basis"],
            v["outcome"],
            tuple(v["missing"]),
        )
        for v in found
    )


def test_duckdb_gives_the_python_engines_verdicts_and_missing_facts() -> None:
    args = [str(INCIDENTS), "--position", "GBR", "--position", "FRA"]
    assert rows(*args, "--engine", "duckdb") == rows(*args)


def test_spark_gives_the_python_engines_verdicts(spark_master: str) -> None:
    args = [str(INCIDENTS), "--package", "il-core"]
    assert rows(*args, "--engine", "spark", "--spark-master", spark_master) == rows(*args)


def test_parquet_input_is_evaluated_as_the_incidents_it_was_written_from(tmp_path: Path) -> None:
    table = tmp_path / "incidents.parquet"
    write_parquet(loading.load_incident_inputs([INCIDENTS]).incidents, table)
    assert rows(str(table)) == rows(str(INCIDENTS))
    assert rows(str(table), "--engine", "duckdb") == rows(str(INCIDENTS))


def test_a_bulk_engine_refuses_traces_with_its_reason() -> None:
    result = runner.invoke(app, ["evaluate", str(INCIDENTS), "--engine", "duckdb", "-f", "json"])
    assert result.exit_code == 1
    assert "refused (BadRequest): --engine duckdb gives outcomes and missing facts" in (
        result.output
    )


def test_a_file_that_is_not_parquet_is_refused_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(bad)])
    assert result.exit_code == 1
    assert "bad.parquet: not a readable Parquet file" in result.output
