"""EuRepoC cells a broken or hostile export could hold reject their row with a reason.

Found by the fuzzing suite (tests/fuzz): a casualties cell of ``1e999`` reached ``int(inf)`` and
ended the whole import in an ``OverflowError``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cybernorms.ingest.eurepoc.mapping import map_row
from cybernorms.ingest.eurepoc.row import RowError, VocabularyLog

DATA = Path(__file__).resolve().parents[1] / "data" / "eurepoc"


def good_row() -> dict[str, str]:
    with (DATA / "good.csv").open(encoding="utf-8", newline="") as handle:
        header, first, *_ = list(csv.reader(handle))
    return dict(zip(header, first, strict=True))


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("1e999", "not a whole number"),
        ("-1e999", "not a whole number"),
        ("nan", "not a number"),  # as before: the row is rejected, not read as unknown
        ("1.5", "not a whole number"),
        ("many", "not a number"),
    ],
)
def test_a_casualties_cell_that_is_no_count_rejects_the_row(cell: str, reason: str) -> None:
    row = {**good_row(), "casualties": cell}
    with pytest.raises(RowError) as caught:
        map_row(row, VocabularyLog())
    assert (caught.value.column, caught.value.reason) == ("casualties", reason)


def test_a_whole_number_written_as_a_float_is_a_count() -> None:
    incident, _ = map_row({**good_row(), "casualties": "3.0"}, VocabularyLog())
    assert incident.effects is not None and incident.effects.casualties == 3
