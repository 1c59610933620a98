"""The incident table: fact schema v1 as one Arrow/Parquet row per incident.

Why this layout (documented for users in ``docs/bulk.md``):

* **Derived from the fact model**, never written by hand: the columns and their types are read
  off ``model.facts.Incident`` through the rule language's own view of it
  (``rules.types.record_fields``), so a field added to the schema is a column here at once.
* **Groups are struct columns** (``attribution``, ``effects``...): a fact path such as
  ``attribution.level`` is the same path in SQL, on DuckDB and on Spark.
* **List facts are list columns of structs** (``targets``, ``requests``), not child tables:
  ``any/all/count(... for t in targets)`` become lambdas over the row's own list, with no join
  and no group-by (no shuffle on Spark), and an element's position in its list, which
  ``missing`` names (``targets[1].country``), is the list index itself.
* **NULL is unknown.** A NULL list is a list whose members are unknown; ``[]`` is known empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cybernorms.errors import CybernormsError
from cybernorms.model.facts import Incident
from cybernorms.rules.types import (
    BOOL,
    DATE,
    INT,
    EnumType,
    ListType,
    RecordType,
    Type,
    record_fields,
)


class LayoutError(CybernormsError, ValueError):
    """An incident table whose columns or types are not the documented layout."""


def arrow_type(tp: Type) -> pa.DataType:
    """The Arrow type of a rule-language type (enums and states are strings)."""
    if isinstance(tp, RecordType):
        return pa.struct([pa.field(n, arrow_type(t)) for n, t in record_fields(tp.model).items()])
    if isinstance(tp, ListType):
        return pa.list_(arrow_type(tp.element))
    if tp == BOOL:
        return pa.bool_()
    if tp == INT:
        return pa.int64()
    if tp == DATE:
        return pa.date32()
    if isinstance(tp, EnumType) or tp.name in ("state", "text"):
        return pa.string()
    raise LayoutError(f"fact type {tp} has no column type")  # pragma: no cover - schema v1


@cache
def incident_schema() -> pa.Schema:
    """``id`` (the verdicts' key) and then every fact a rule may read, in schema order."""
    fields = [pa.field("id", pa.string(), nullable=False)]
    fields += [pa.field(n, arrow_type(t)) for n, t in record_fields(Incident).items()]
    return pa.schema(fields)


def _row(incident: Incident) -> dict[str, Any]:
    names = incident_schema().names
    return incident.model_dump(include=set(names))


def incidents_to_arrow(incidents: Iterable[Incident]) -> pa.Table:
    """Incidents as one table in the documented layout (one row per incident)."""
    return pa.Table.from_pylist([_row(i) for i in incidents], schema=incident_schema())


def write_parquet(incidents: Iterable[Incident] | pa.Table, path: Path | str) -> Path:
    """Write incidents (or a table already in the layout) to a Parquet file."""
    table = incidents if isinstance(incidents, pa.Table) else incidents_to_arrow(incidents)
    check_table(table, str(path))
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    pq.write_table(table, partial)
    partial.replace(target)  # nothing half-written is ever left under the real name
    return target


def read_incidents_parquet(path: Path | str) -> pa.Table:
    """A Parquet file of incidents, checked against the layout (errors name the column)."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise LayoutError(f"{path}: not a readable Parquet file ({exc})") from None
    return check_table(table, str(path))


def check_table(table: pa.Table, where: str = "incident table") -> pa.Table:
    """The table itself when every column of the layout is there with its type.

    Extra columns are refused too: a misspelt fact column would otherwise be silently unknown.
    Returns the table with its columns in layout order.
    """
    schema = incident_schema()
    got = {f.name: f for f in table.schema}
    for expected in schema:
        field = got.get(expected.name)
        if field is None:
            raise LayoutError(f"{where}: column {expected.name!r} is missing")
        problem = _type_problem(expected.type, field.type, expected.name)
        if problem:
            raise LayoutError(f"{where}: {problem}")
    extra = sorted(set(got) - set(schema.names))
    if extra:
        raise LayoutError(f"{where}: column {extra[0]!r} is not in the incident layout")
    if table.column("id").null_count:
        raise LayoutError(f"{where}: column 'id' has null values (every incident needs an id)")
    return table.select(schema.names).cast(schema)


def _type_problem(expected: pa.DataType, got: pa.DataType, path: str) -> str | None:
    if pa.types.is_struct(expected):
        if not pa.types.is_struct(got):
            return f"column {path!r} should be {expected}, is {got}"
        names = {got.field(i).name: got.field(i).type for i in range(got.num_fields)}
        for i in range(expected.num_fields):
            sub = expected.field(i)
            if sub.name not in names:
                return f"column {path + '.' + sub.name!r} is missing"
            problem = _type_problem(sub.type, names[sub.name], f"{path}.{sub.name}")
            if problem:
                return problem
        wanted = {expected.field(i).name for i in range(expected.num_fields)}
        extra = sorted(set(names) - wanted)
        return f"column {path + '.' + extra[0]!r} is not in the incident layout" if extra else None
    if pa.types.is_list(expected):
        if not (pa.types.is_list(got) or pa.types.is_large_list(got)):
            return f"column {path!r} should be {expected}, is {got}"
        return _type_problem(expected.value_type, got.value_type, f"{path}[]")
    same_kind = (
        (
            pa.types.is_string(expected)
            and (pa.types.is_string(got) or pa.types.is_large_string(got))
        )
        or (pa.types.is_integer(expected) and pa.types.is_integer(got))
        or (pa.types.is_date(expected) and pa.types.is_date(got))
        or expected == got
        or pa.types.is_null(got)
    )
    return None if same_kind else f"column {path!r} should be {expected}, is {got}"
