"""``packages_as_of(date, state)`` through the service layer and ``cybernorms standing``: the
package versions in force for a state on a date, each with the decision behind it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from cybernorms.cli.app import app
from cybernorms.service import record
from cybernorms.service.errors import BadRequest


def test_in_force_on_a_date_with_the_adopting_decision_and_disassociations() -> None:
    shipped = record.shipped()
    before = record.standing_rows(shipped, dt.date(2015, 12, 22), "IRN")
    assert before == []  # nothing adopted yet on the record
    rows = record.standing_rows(shipped, dt.date(2022, 1, 1), "IRN")
    by_id = {r["package"]: r for r in rows}
    assert set(by_id) == {"un-gge-2015", "oewg-2021", "gge-2021"}
    assert by_id["un-gge-2015"]["version"] == "1.0.0"
    assert by_id["un-gge-2015"]["basis"] == "consensus"
    assert by_id["oewg-2021"]["disassociated"]  # Iran's disassociation, recorded, not blocking
    assert all(r["log"] == record.SHIPPED_LOG for r in rows)
    # the treaty: signed, not in force for anyone on the shipped record
    assert "un-cybercrime-convention" not in by_id


def test_an_unknown_state_is_refused() -> None:
    with pytest.raises(BadRequest, match="ISO 3166-1"):
        record.standing_rows(record.shipped(), dt.date(2022, 1, 1), "XXX")


def test_cli_standing_prints_the_same_rows() -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["standing", "--state", "deu", "--as-of", "2016-01-01", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["package"], r["log_index"]) for r in rows] == [("un-gge-2015", 23)]
    table = runner.invoke(app, ["standing", "--state", "DEU"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "un-gge-2015" in table.stdout and "recorded from public sources" in table.stdout
    wrong = runner.invoke(app, ["standing", "--state", "XXX"])
    assert wrong.exit_code == 1 and "ISO 3166-1" in wrong.stderr
