"""``rules|packages|positions list`` fit an 80- and a 120-column terminal without cutting an id
(issue 11: titles and sources side by side broke every rule id at 80 columns)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cybernorms.cli.app import app


def listed(family: str, columns: int) -> str:
    """The table as a terminal of that width shows it (a fresh process: the console's width
    is fixed when it is first made)."""
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run(
        [sys.executable, "-c", "from cybernorms.cli.app import main; main()", family, "list"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("columns", [80, 120])
def test_each_list_fits_the_terminal_and_keeps_every_id_whole(columns: int) -> None:
    for family, ids in (
        ("rules", ["il.state_responsibility", "il.collective_countermeasures", "gge2015.f"]),
        ("packages", ["un-gge-2015", "il-core"]),
        ("positions", ["il.collective_countermeasures", "il.state_responsibility", "USA"]),
    ):
        text = listed(family, columns)
        assert max(len(line) for line in text.splitlines()) <= columns, family
        assert "…" not in text, family
        for found in ids:
            assert found in text, (family, found)


def test_positions_list_says_what_each_position_does_with_each_rule() -> None:
    text = listed("positions", 120)
    lines = {line.split("│")[1].strip(): line for line in text.splitlines() if "│" in line}
    assert "no rule  il.sovereignty" in text  # GBR
    assert "open     il.sovereignty" in lines["USA"]
    assert "agrees   il.due_diligence" in lines["AUS"]  # and non_intervention beneath
    assert "adds     il.collective_countermeasures" in text  # EST
    rows = json.loads(CliRunner().invoke(app, ["positions", "list", "-f", "json"]).stdout)
    usa = next(r for r in rows if r["state"] == "USA")
    assert usa["holds_open"] == ["il.sovereignty"] and usa["package"] == "il-core"


def test_rules_list_names_each_rules_question() -> None:
    rows = json.loads(CliRunner().invoke(app, ["rules", "list", "-f", "json"]).stdout)
    questions = {r["id"]: r["question"] for r in rows}
    assert questions["il.state_responsibility"] == "attribution"
    assert questions["il.countermeasures"] == "permission"
    assert questions["il.sovereignty"] == "breach"
