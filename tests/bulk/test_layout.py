"""The incident table: Incidents round-trip through Arrow and Parquet; a table that is not
the documented layout is refused with an error naming the column."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cybernorms.bulk import (
    LayoutError,
    evaluate_many,
    incident_schema,
    incidents_to_arrow,
    read_incidents_parquet,
    write_parquet,
)
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import Rulebooks

INCIDENT = Incident.model_validate(
    {
        "id": "x-1",
        "start_date": "2022-02-24",
        "attribution": {"state": "RUS", "level": "direct", "basis": ["media"]},
        "territory_used": [],
        "targets": [{"country": "UKR", "sector": "energy"}],
        "effects": {"disruption": "long", "casualties": 0},
        "requests": None,
    }
)


def test_columns_follow_the_fact_schema() -> None:
    schema = incident_schema()
    assert schema.names[0] == "id"
    assert schema.field("targets").type.value_type.get_field_index("sector") >= 0
    assert schema.field("effects").type.field("casualties").type == pa.int64()
    assert schema.field("start_date").type == pa.date32()


def test_unknown_and_known_empty_lists_stay_apart(tmp_path: Path) -> None:
    path = write_parquet([INCIDENT], tmp_path / "x.parquet")
    row = read_incidents_parquet(path).to_pylist()[0]
    assert row["territory_used"] == []  # known to be empty
    assert row["requests"] is None  # unknown
    assert row["targets"][0]["sector"] == "energy"
    assert row["attribution"]["level"] == "direct"


def test_parquet_file_and_incidents_give_the_same_verdicts(
    shipped: Rulebooks, tmp_path: Path
) -> None:
    path = write_parquet([INCIDENT], tmp_path / "x.parquet")
    from_objects = evaluate_many([INCIDENT], shipped.packages, shipped.profiles)
    from_file = evaluate_many(path, shipped.packages, shipped.profiles)
    assert from_file.to_pylist() == from_objects.to_pylist()


def _broken(tmp_path: Path, table: pa.Table) -> Path:
    path = tmp_path / "bad.parquet"
    pq.write_table(table, path)
    return path


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    table = incidents_to_arrow([INCIDENT]).drop_columns(["effects"])
    with pytest.raises(LayoutError, match="column 'effects' is missing"):
        read_incidents_parquet(_broken(tmp_path, table))


def test_a_wrong_type_is_named_with_its_path(tmp_path: Path) -> None:
    table = incidents_to_arrow([INCIDENT])
    effects = pa.table({"disruption": pa.array([3])}).to_struct_array()
    table = table.set_column(table.schema.get_field_index("effects"), "effects", effects)
    with pytest.raises(LayoutError, match=r"column 'effects\.data_theft' is missing"):
        read_incidents_parquet(_broken(tmp_path, table))
    table = incidents_to_arrow([INCIDENT])
    dates = pa.array(["2022-02-24"])
    table = table.set_column(table.schema.get_field_index("start_date"), "start_date", dates)
    with pytest.raises(LayoutError, match="column 'start_date' should be date32"):
        read_incidents_parquet(_broken(tmp_path, table))


def test_an_unknown_column_is_refused(tmp_path: Path) -> None:
    table = incidents_to_arrow([INCIDENT]).append_column("targetz", pa.array([None]))
    with pytest.raises(LayoutError, match="column 'targetz' is not in the incident layout"):
        read_incidents_parquet(_broken(tmp_path, table))


def test_an_incident_needs_an_id(tmp_path: Path) -> None:
    table = incidents_to_arrow([INCIDENT])
    ids = pa.array([None], pa.string())
    table = table.set_column(0, pa.field("id", pa.string()), ids)
    with pytest.raises(LayoutError, match="'id' has null values"):
        read_incidents_parquet(_broken(tmp_path, table))


def test_a_file_that_is_not_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    path.write_text("id,name\n")
    with pytest.raises(LayoutError, match="not a readable Parquet file"):
        read_incidents_parquet(path)
