"""The differential check: every back end gives every verdict, outcome, ``missing`` and
``reason`` alike.

The reference is the engine: its tracing interpreter (``Evaluator(reference=True)``), its
generated tracing code (``Evaluator().verdicts``) and its generated fast path
(``Evaluator().outcomes``, codes only). The bulk back ends must give exactly the same rows.

The engine is the one of branch ``semantics`` (merged): the known-empty subject list
(``territory_used: []``) gives one ``not_applicable`` verdict without subject in every back end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa

from cybernorms.bulk import evaluate_many
from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.package import Position

Key = tuple[str, str, str | None, str]  # incident, rule, subject, basis
Row = tuple[str, tuple[str, ...], str | None]  # outcome, missing, reason


def engine_verdicts(
    books: Rulebooks,
    positions: Sequence[Position],
    incidents: Sequence[Incident],
    as_of: dt.date | None,
    assume_defaults: bool = False,
) -> dict[Key, Row]:
    """The engine's verdicts, after checking that its three paths agree among themselves."""
    reference = Evaluator(
        books.packages, books.profiles, positions, reference=True, assume_defaults=assume_defaults
    )
    generated = Evaluator(
        books.packages,
        books.profiles,
        positions,
        json_traces=False,
        assume_defaults=assume_defaults,
    )
    out: dict[Key, Row] = {}
    for incident in incidents:
        by_reference = reference.verdicts(incident, as_of)
        # The printed word (the rule's question's answer) is what every back end must agree on.
        interpreted = {
            (v.incident, v.rule, v.subject, v.basis): (v.word, v.missing, v.reason)
            for v in by_reference
        }
        traced = {
            (v.incident, v.rule, v.subject, v.basis): (v.word, v.missing, v.reason)
            for v in generated.verdicts(incident, as_of)
        }
        fast = {
            (incident.id, rule, subject, basis): code
            for basis, rule, subject, code in generated.outcomes(incident, as_of)
        }
        assert traced == interpreted
        assert fast == {
            (v.incident, v.rule, v.subject, v.basis): int(v.outcome) for v in by_reference
        }
        out.update(interpreted)
    return out


def bulk_verdicts(table: pa.Table) -> dict[Key, Row]:
    rows: dict[Key, Row] = {}
    for r in table.to_pylist():
        key = (r["incident"], r["rule"], r["subject"], r["basis"])
        assert key not in rows, f"two verdicts for {key}"
        rows[key] = (r["outcome"], tuple(r["missing"]), r["reason"])
    return rows


def assert_agree(
    books: Rulebooks,
    incidents: Sequence[Incident],
    *,
    positions: Sequence[Position] = (),
    engine: str = "duckdb",
    spark_master: str | None = None,
    as_of: dt.date | None = dt.date(2025, 1, 1),
    assume_defaults: bool = False,
) -> int:
    """Bulk verdicts equal the engine's; returns how many verdicts were compared."""
    expected = engine_verdicts(books, positions, incidents, as_of, assume_defaults)
    table = evaluate_many(
        incidents,
        books.packages,
        books.profiles,
        positions,
        engine=engine,  # type: ignore[arg-type]
        as_of=as_of,
        spark_master=spark_master,
        assume_defaults=assume_defaults,
    )
    got = bulk_verdicts(table)
    assert set(got) == set(expected)
    differ = {k: (got[k], expected[k]) for k in expected if got[k] != expected[k]}
    assert not differ, f"{len(differ)} verdicts differ, e.g. {sorted(differ.items())[:3]}"
    return len(expected)
