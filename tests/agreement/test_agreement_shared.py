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
        assert sum(e.values()) == r["coded"] <= doc["incidents_compared"]
        assert sum(c.values()) == r["coded"]
        decided = {k: v for k, v in c.items() if k.endswith(("_engine_yes", "_engine_no"))}
        assert sum(decided.values()) == r["both_decided"] == e["yes"] + e["no"]
        assert c["coder_yes_engine_yes"] + c["coder_no_engine_yes"] == e["yes"]
        assert r["coder"]["yes"] + r["coder"]["no"] == r["coded"]
        assert r["kappa"] is None or -1 <= r["kappa"] <= 1
        assert r["level"] == "act"
    assert [n["column"] for n in doc["not_compared"]][:2] == [
        "state_responsibility_indicator",
        "legal_response_indicator",
    ]


def test_disagreements_cover_every_undecided_or_differing_pair(shared_data: Path) -> None:
    csv_file = shared_data / "eurepoc" / "EuRepoC_Global_Database_1.1.csv"
    result = CliRunner().invoke(app, ["agreement", str(csv_file), "--disagreements", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    expected = sum(
        r["coded"] - r["confusion"]["coder_yes_engine_yes"] - r["confusion"]["coder_no_engine_no"]
        for r in doc["rows"]
    )
    assert len(doc["disagreements"]) == expected
    for d in doc["disagreements"]:
        assert d["incident"].startswith("eurepoc:") and d["coder"] in ("yes", "no")
        assert d["engine"] != d["coder"]
        assert d["verdicts"] and d["facts"]
        if d["engine"] == "undetermined":
            assert d["missing"]
        # every source cell named is a real column of the file, never a coder's column
        for source in d["sources"].values():
            assert source["source"] in ("eurepoc", "agreement")
            assert not source["field"].startswith(("IL_breach", "state_responsibility", "legal_"))
