"""``cybernorms agreement`` on the real EuRepoC file with the shipped rulebooks (../shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybernorms.agreement.coding import QUESTIONS
from cybernorms.cli.app import app

pytestmark = pytest.mark.shared


def test_table_structure_and_counts(shared_data: Path) -> None:
    csv_file = shared_data / "eurepoc" / "EuRepoC_Global_Database_1.1.csv"
    result = CliRunner().invoke(app, ["agreement", str(csv_file), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["import"]["rows"] == 1643
    assert doc["import"]["imported"] + len(doc["import"]["rejected"]) == 1643
    assert 50 <= doc["incidents_compared"] <= 250  # "about 200", half withheld
    rows = doc["rows"]
    assert [r["question"] for r in rows] == [q.key for q in QUESTIONS]
    for r in rows:
        e, c = r["engine"], r["confusion"]
        assert e["yes"] + e["no"] + e["undetermined"] == r["coded"] <= doc["incidents_compared"]
        assert sum(c.values()) == r["both_decided"] == e["yes"] + e["no"]
        assert c["coder_yes_engine_yes"] + c["coder_no_engine_yes"] == e["yes"]
        assert r["coder"]["yes"] + r["coder"]["no"] == r["coded"]
        assert r["kappa"] is None or -1 <= r["kappa"] <= 1
    sr = rows[0]
    assert sr["rule"] == "il.state_responsibility" and sr["coded"] > 0
