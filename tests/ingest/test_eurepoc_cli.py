"""``cybernorms evaluate FILE.csv --from eurepoc`` end to end on our small fixture."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cybernorms.cli.app import app

TESTS = Path(__file__).resolve().parents[1]
DATA = TESTS / "data" / "eurepoc"
RULEBOOKS = TESTS / "data" / "agreement" / "rulebooks"
runner = CliRunner()


def test_evaluate_eurepoc_jsonl() -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            str(DATA / "good.csv"),
            "--from",
            "eurepoc",
            "--format",
            "jsonl",
            "--rulebooks",
            str(RULEBOOKS),
            "--no-shipped",
        ],
    )
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 5 * 6  # five incidents, six rules, one subject each
    assert {v["incident"] for v in lines} == {f"eurepoc:{n}" for n in range(1, 6)}
    first = next(v for v in lines if v["incident"] == "eurepoc:1" and v["rule"] == "il.sovereignty")
    assert (first["subject"], first["outcome"]) == ("RUS", "violation")
    # the trace shows the EuRepoC cell behind the fact
    text = json.dumps(first["trace"])
    assert '"field": "disruption"' in text and "Long-term disruption" in text
    undetermined = next(
        v for v in lines if v["incident"] == "eurepoc:4" and v["rule"] == "il.state_responsibility"
    )
    assert undetermined["outcome"] == "undetermined"
    assert "attribution.level" in undetermined["missing"]


def test_evaluate_auto_detects_csv_and_reports_rejections() -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            str(DATA / "bad_literal.csv"),
            "--format",
            "jsonl",
            "--no-trace",
            "--rulebooks",
            str(RULEBOOKS),
            "--no-shipped",
        ],
    )
    assert result.exit_code == 0
    assert "3 EuRepoC rows not imported" in result.stderr
    assert {json.loads(x)["incident"] for x in result.stdout.splitlines()} == {"eurepoc:1"}


def test_evaluate_wrong_header_exits_1() -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            str(DATA / "wrong_header.csv"),
            "--from",
            "eurepoc",
            "--rulebooks",
            str(RULEBOOKS),
            "--no-shipped",
        ],
    )
    assert result.exit_code == 1
    assert "wrong_header.csv:1: missing column 'start_date'" in result.stderr
