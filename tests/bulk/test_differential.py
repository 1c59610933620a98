"""Every back end agrees with the engine on every outcome and every ``missing`` list:
the interpreter, the generated Python, DuckDB and Spark (the latter where Java is present).

On hypothesis-generated incidents (many per SQL run), on the curated incidents and on all
EuRepoC rows, with the positions of GBR and FRA and the illustrative profiles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from engine.strategies import incidents as incident_dicts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulk.agreement import assert_agree
from cybernorms.bulk import evaluate_many
from cybernorms.ingest.eurepoc import import_eurepoc
from cybernorms.ingest.files import incident_files, load_incidents
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import Rulebooks

REPO = Path(__file__).resolve().parents[2]
BATCHES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The shipped rulebooks with every position make one query of ~600 kB of SQL, which DuckDB
# takes seconds to compile whatever the number of rows, while each row costs little: a few
# large batches test as many generated incidents as many small ones, in a fraction of the time.
SHIPPED_BATCHES = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SHIPPED_INCIDENTS = st.lists(incident_dicts(), min_size=1, max_size=200)


def _numbered(raws: list[dict[str, Any]]) -> list[Incident]:
    return [Incident.model_validate({**raw, "id": f"gen-{n}"}) for n, raw in enumerate(raws)]


def _curated() -> list[Incident]:
    return [
        i
        for path in incident_files([REPO / "examples" / "incidents"])
        for i in load_incidents(path)
    ]


@pytest.fixture(scope="module")
def eurepoc(shared_data: Path) -> list[Incident]:
    result = import_eurepoc(shared_data / "eurepoc" / "EuRepoC_Global_Database_1.1.csv")
    assert len(result.incidents) == 1643
    return result.incidents


# -- DuckDB -----------------------------------------------------------------------------------


@BATCHES
@given(raws=st.lists(incident_dicts(), min_size=1, max_size=40))
def test_duckdb_agrees_on_generated_incidents_every_construct(
    lang_books: Rulebooks, raws: list[dict[str, Any]]
) -> None:
    assert_agree(lang_books, _numbered(raws), positions=lang_books.positions)


@SHIPPED_BATCHES
@given(raws=SHIPPED_INCIDENTS)
def test_duckdb_agrees_on_generated_incidents_shipped_rules(
    shipped: Rulebooks, raws: list[dict[str, Any]]
) -> None:
    assert_agree(shipped, _numbered(raws), positions=shipped.positions)


def test_duckdb_agrees_on_curated_incidents(shipped: Rulebooks) -> None:
    assert assert_agree(shipped, _curated(), positions=shipped.positions) > 500


@pytest.mark.shared
def test_duckdb_agrees_on_all_of_eurepoc(shipped: Rulebooks, eurepoc: list[Incident]) -> None:
    assert assert_agree(shipped, eurepoc, positions=shipped.positions) > 1643 * 17


def test_unknown_incident_dates_read_each_states_latest_profile(shipped: Rulebooks) -> None:
    """No ``as_of`` and no start date: the engine reads each state's latest version."""
    undated = [i.model_copy(update={"start_date": None, "end_date": None}) for i in _curated()]
    assert_agree(shipped, undated, positions=shipped.positions, as_of=None)


@SHIPPED_BATCHES
@given(raws=SHIPPED_INCIDENTS)
def test_duckdb_agrees_under_the_assumption_of_defaults(
    shipped: Rulebooks, raws: list[dict[str, Any]]
) -> None:
    """``--assume-defaults``: the same verdicts decided by the defaults, labelled alike."""
    assert_agree(shipped, _numbered(raws), positions=shipped.positions, assume_defaults=True)


def test_duckdb_agrees_on_curated_incidents_assuming_defaults(shipped: Rulebooks) -> None:
    incidents = _curated()
    assert assert_agree(shipped, incidents, positions=shipped.positions, assume_defaults=True)
    table = evaluate_many(
        incidents, shipped.packages, shipped.profiles, shipped.positions, assume_defaults=True
    )
    assert any(b.endswith("+assumed:defaults") for b in table.column("basis").to_pylist())


@BATCHES
@given(raws=st.lists(incident_dicts(), min_size=1, max_size=40))
def test_duckdb_agrees_on_a_positions_stances(
    stances: Rulebooks, raws: list[dict[str, Any]]
) -> None:
    """agrees / holds_open / no_rule (tests/data/stances) read alike in every back end."""
    assert_agree(stances, _numbered(raws), positions=stances.positions)


def test_a_known_empty_subject_list_judges_no_one(shipped: Rulebooks) -> None:
    """``territory_used: []``: one verdict without subject, not applicable, nothing missing;
    unknown ``territory_used``: one verdict without subject, missing the list where it
    could be a violation."""
    known_empty = Incident.model_validate({"id": "e", "territory_used": []})
    unknown = Incident.model_validate({"id": "u", "effects": {"disruption": "long"}})
    table = evaluate_many([known_empty, unknown], shipped.packages, shipped.profiles)
    rows = {(r["incident"], r["rule"]): r for r in table.to_pylist()}
    empty = rows[("e", "il.due_diligence")]
    assert (empty["subject"], empty["outcome"], empty["missing"]) == (None, "not_applicable", [])
    dd = rows[("u", "il.due_diligence")]
    assert (dd["subject"], dd["outcome"]) == (None, "undetermined")
    assert "territory_used" in dd["missing"]
    assert_agree(shipped, [known_empty, unknown])


# -- Spark ------------------------------------------------------------------------------------


def test_spark_agrees_on_generated_incidents(lang_books: Rulebooks, spark_master: str) -> None:
    """One batch (Spark runs are slow to start): the lang package uses every construct."""
    raws = st.lists(incident_dicts(), min_size=60, max_size=60)
    drawn: list[list[dict[str, Any]]] = []

    @settings(max_examples=1, deadline=None, database=None, derandomize=True)
    @given(raws)
    def draw(batch: list[dict[str, Any]]) -> None:
        drawn.append(batch)

    draw()
    assert_agree(
        lang_books,
        _numbered(drawn[-1]),
        positions=lang_books.positions,
        engine="spark",
        spark_master=spark_master,
    )


def test_spark_agrees_on_curated_incidents(shipped: Rulebooks, spark_master: str) -> None:
    assert_agree(
        shipped, _curated(), positions=shipped.positions, engine="spark", spark_master=spark_master
    )


@pytest.mark.shared
def test_spark_agrees_on_all_of_eurepoc(
    shipped: Rulebooks, eurepoc: list[Incident], spark_master: str
) -> None:
    assert_agree(
        shipped, eurepoc, positions=shipped.positions, engine="spark", spark_master=spark_master
    )
