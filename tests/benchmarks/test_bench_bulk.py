"""The bulk benchmark compares like with like: its hand-written Polars ceiling gives, verdict
for verdict, the outcomes the engine's SQL gives for the three benchmark rules."""

from __future__ import annotations

import importlib
import random
import sys
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pytest

from cybernorms.bulk import evaluate_many, incident_schema
from cybernorms.model.verdict import parse_word

REPO = Path(__file__).resolve().parents[2]


def _bench(name: str) -> ModuleType:
    """Import ``benchmarks.NAME`` from the repository root (not an installed package)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module(f"benchmarks.{name}")


def test_polars_ceiling_agrees_with_the_sql_back_end() -> None:
    pl = pytest.importorskip("polars", reason="polars not installed (pip install -e '.[bench]')")
    run, polars_ceiling = _bench("bulk_run"), _bench("bulk_polars")
    incident_dict = _bench("incidents").incident_dict
    rng = random.Random(7)
    table = pa.Table.from_pylist(
        [incident_dict(rng, i) for i in range(3000)], schema=incident_schema()
    )
    packages, profiles, _ = run._books(run.THREE)
    # the engine also reports the rules the three reach through breached (sovereignty,
    # non-intervention); the hand-written ceiling restates them inside gge2015.f only
    sql = {
        (r["incident"], r["rule"]): int(parse_word(r["question"], r["outcome"]))
        for r in evaluate_many(table, packages, profiles, as_of=run.AS_OF).to_pylist()
        if r["rule"] in run.THREE
    }
    hand = polars_ceiling.three_rules(pl.from_arrow(table), packages, profiles, run.AS_OF)
    polars = {(r["incident"], r["rule"]): r["outcome"] for r in hand.iter_rows(named=True)}
    assert polars == sql
