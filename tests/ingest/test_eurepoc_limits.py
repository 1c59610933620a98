"""EuRepoC cells have a size limit that is data: a longer cell rejects its row, naming the limit.

Why a limit at all: list cells are read with ``ast.literal_eval``, which builds a syntax tree
the size of the text; a real cell is under 10 kB, and a hostile CSV must not make the parser
build a tree from megabytes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import cybernorms.ingest.eurepoc.cells as cells
from cybernorms.errors import LimitExceeded
from cybernorms.ingest.eurepoc import import_eurepoc
from cybernorms.ingest.eurepoc.cells import CellError, literal_list
from cybernorms.limits import LIMITS, Limits

DATA = Path(__file__).resolve().parents[1] / "data" / "eurepoc"


def test_a_cell_over_the_limit_is_refused_before_it_is_parsed() -> None:
    cell = "['" + "x" * LIMITS.eurepoc_cell_chars + "']"
    with pytest.raises(CellError) as caught:
        literal_list(cell)
    error = caught.value
    assert isinstance(error, LimitExceeded)
    assert (error.limit, error.allowed) == ("eurepoc_cell_chars", LIMITS.eurepoc_cell_chars)
    assert str(error) == (
        f"limit eurepoc_cell_chars = 200000 exceeded (the cell has {len(cell)} characters)"
    )


def test_the_cell_limit_is_read_from_the_limits_data(monkeypatch: pytest.MonkeyPatch) -> None:
    assert literal_list("['China', 'Russia']") == ["China", "Russia"]
    monkeypatch.setattr(cells, "LIMITS", Limits(eurepoc_cell_chars=10))
    with pytest.raises(LimitExceeded, match="eurepoc_cell_chars = 10"):
        literal_list("['China', 'Russia']")


def test_a_row_with_an_oversized_cell_is_rejected_and_the_others_import(tmp_path: Path) -> None:
    with (DATA / "good.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("sources_url")
    rows[1][column] = "['" + "x" * (LIMITS.eurepoc_cell_chars + 1) + "']"
    path = tmp_path / "big-cell.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = import_eurepoc(path)
    assert len(result.incidents) == result.rows - 1
    (rejected,) = result.rejected
    assert (rejected.row, rejected.column) == (1, "sources_url")
    assert rejected.reason.startswith("limit eurepoc_cell_chars = 200000 exceeded")
