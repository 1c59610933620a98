"""A group's common reading in every back end: the interpreter, the generated Python, DuckDB
and Spark decide it alike and report it under basis ``group:NAME`` (never ``position:...``).

The test group ``group:TEST-1`` (tests/data/groups) uses every stance a position can take
(override, agrees, holds_open, no_rule, an added rule) on the language's test package; the
shipped ``group:AU`` reads il-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from engine.strategies import incidents as incident_dicts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulk.agreement import assert_agree, engine_verdicts
from cybernorms.bulk import evaluate_many
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import Rulebooks, load_rulebooks

DATA = Path(__file__).resolve().parents[1] / "data"
BATCHES = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def group_books() -> Rulebooks:
    return load_rulebooks([DATA / "lang", DATA / "groups"])


def _numbered(raws: list[dict[str, Any]]) -> list[Incident]:
    return [Incident.model_validate({**raw, "id": f"gen-{n}"}) for n, raw in enumerate(raws)]


def _examples(books: Rulebooks, owner: str) -> list[Incident]:
    """The incidents of a reading's own examples (each once)."""
    found = {
        ex.incident.id: ex.incident
        for f in books.examples
        if f.owner == owner
        for ex, _ in f.examples
    }
    return list(found.values())


def test_duckdb_decides_the_au_reading_as_the_engine_does(shipped: Rulebooks) -> None:
    au = shipped.position("group:AU")
    incidents = _examples(shipped, "group:AU")
    assert assert_agree(shipped, incidents, positions=[au]) > 0
    bases = {key[3] for key in engine_verdicts(shipped, [au], incidents, None)}
    assert "group:AU" in bases and not any(b.startswith("position:") for b in bases)


def test_the_bulk_table_names_the_group_basis(group_books: Rulebooks) -> None:
    group = group_books.position("group:TEST-1")
    table = evaluate_many(
        _examples(group_books, "group:TEST-1"),
        group_books.packages,
        group_books.profiles,
        [group],
        engine="duckdb",
    )
    rows = [r for r in table.to_pylist() if r["basis"] == "group:TEST-1"]
    assert {r["rule"] for r in rows} >= {"lang.ci", "lang.count", "lang.known", "lang.group_only"}
    held = next(r for r in rows if r["rule"] == "lang.count")
    assert held["outcome"] == "undetermined"


@BATCHES
@given(raws=st.lists(incident_dicts(), min_size=1, max_size=30))
def test_duckdb_agrees_on_generated_incidents_under_a_group(
    group_books: Rulebooks, raws: list[dict[str, Any]]
) -> None:
    assert_agree(group_books, _numbered(raws), positions=group_books.positions)


def test_spark_decides_a_groups_reading_as_the_engine_does(
    group_books: Rulebooks, shipped: Rulebooks, spark_master: str
) -> None:
    assert_agree(
        group_books,
        _examples(group_books, "group:TEST-1"),
        positions=group_books.positions,
        engine="spark",
        spark_master=spark_master,
    )
    assert_agree(
        shipped,
        _examples(shipped, "group:AU"),
        positions=[shipped.position("group:AU")],
        engine="spark",
        spark_master=spark_master,
    )
