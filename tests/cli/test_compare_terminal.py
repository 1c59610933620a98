"""``compare`` on a terminal: the table fits 80 and 120 columns (issue 11).

Twelve positions beside the packages do not fit as columns: then each rule lists its
outcomes, one line each, with the readings that reached it and the facts deciding where a
position departs; a few readings keep the rules x readings matrix.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cybernorms.cli.app import app
from cybernorms.cli.compare import compare_tables

NOTPETYA = Path(__file__).resolve().parents[2] / "examples" / "incidents" / "2017-notpetya.yaml"


def matrix(*positions: str) -> dict[str, Any]:
    chosen = [a for p in positions for a in ("--position", p)]
    result = CliRunner().invoke(app, ["compare", str(NOTPETYA), *chosen, "-f", "json"])
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def readings_column(block: str) -> str:
    """The text of the table's last column (readings and deciding facts), lines joined."""
    cells = [line.split("│")[4].strip() for line in block.splitlines() if line.count("│") == 5]
    return " ".join(c for c in cells if c)


def rendered(data: dict[str, Any], width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    for part in compare_tables(data, width):
        console.print(part)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(text, str)
    return text


@pytest.mark.parametrize("width", [80, 120])
def test_every_position_fits_the_terminal_as_rows(width: int) -> None:
    data = matrix("ALL")
    assert len(data["columns"]) >= 13  # the package and twelve readings
    text = rendered(data, width)
    assert max(len(line) for line in text.splitlines()) <= width
    # no outcome word is broken across lines, and every reading is named
    for word in ("not_applicable", "undetermined", "attributable", "permitted"):
        assert word in text
    assert not re.search(r"undetermin\s*│|not_applic\s*│", text)
    sovereignty = text[text.index("il.sovereignty") : text.index("il.non_intervention")]
    assert "not_applicable*" in sovereignty and "undetermined*" in sovereignty
    # the UK's reading is decided by its own word (no_rule) first, then the facts read
    column = readings_column(sovereignty)
    assert "GBR: reason: no standalone rule in this reading" in column
    assert "attribution.level = direct" in column
    for state in ("AUS", "CAN", "FRA", "GBR", "USA"):
        assert state in sovereignty, state


def test_readings_decided_by_the_same_facts_are_named_together() -> None:
    text = rendered(matrix("ALL"), 120)
    # GBR (no rule of sovereignty) and USA (sovereignty held open) leave countermeasures
    # undetermined on the same facts: named together, the facts printed once
    start = text.index("il.countermeasures")
    answer = readings_column(text[start : text.index("├", start)])
    assert answer.count("attribution.level = direct") == 1
    assert "GBR, USA: attribution.level = direct" in answer


def test_a_few_readings_keep_the_matrix() -> None:
    text = rendered(matrix("FRA", "GBR"), 120)
    assert max(len(line) for line in text.splitlines()) <= 120
    assert "position:FRA" in text and "position:GBR" in text
    assert "not_applicable*" in text
