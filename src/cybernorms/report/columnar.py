"""Verdict records as Parquet, through pyarrow (the optional extra ``parquet``).

Why optional: pyarrow is large and only analysts loading verdicts into dataframes need it;
without it, asking for ``.parquet`` is refused with the extra to install.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cybernorms.errors import CybernormsError
from cybernorms.report.tables import CSV_COLUMNS


class MissingExtra(CybernormsError):
    """An output asked for needs an optional dependency that is not installed."""


def write_parquet(
    records: Iterable[Mapping[str, Any]], path: Path, *, named: Path | None = None
) -> int:
    """The records' contract columns (lists as lists) as one Parquet table; returns the rows.
    ``named``: the file the user asked for, when ``path`` is a temporary stand-in for it."""
    try:
        import pyarrow as pa  # type: ignore[import-not-found,unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise MissingExtra(
            f"{named or path}: writing Parquet needs pyarrow: pip install 'cybernorms[parquet]'"
        ) from None
    rows = [{c: r.get(c) for c in CSV_COLUMNS} for r in records]
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, str(path))
    return len(rows)
