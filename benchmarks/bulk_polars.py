"""The practical ceiling of the bulk benchmark: three rules written by hand as Polars expressions.

``il.state_responsibility``, ``il.use_of_force`` and ``gge2015.f`` (DESIGN section 9 names
these three as the benchmark rules), with the same three-valued meaning as the engine and the
same outcome codes, so the benchmark can check that Polars and DuckDB agree before it compares
their times. Outcome codes only (no ``missing``): the like-for-like DuckDB run is codes only too.

Written for this benchmark, not for use: every rule here is a second statement of a criterion
in ``rulebooks/``, which is exactly what the project avoids elsewhere; its only job is to say
how fast a careful hand-written columnar query can be on this machine. ``gge2015.f`` asks
whether the act breaches il-core (sovereignty, non-intervention, force) and the il-core rules
apply through ``breached("il.state_responsibility")``, so those criteria are restated here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from cybernorms.engine import ProfileBook

ACTING = ["direct", "indirect"]


def _kleene_in(column: pl.Expr, values: list[str]) -> pl.Expr:
    return pl.when(column.is_null()).then(None).otherwise(column.is_in(values))


def _any_code(pred: pl.Expr) -> pl.Expr:
    """Per element: 2 true, 1 unknown, 0 false (the maximum over a list is Kleene ``any``)."""
    return pl.when(pred).then(2).when(~pred).then(0).otherwise(1)


def _decide(applies: pl.Expr, violated: pl.Expr, subject: pl.Expr) -> pl.Expr:
    return (
        pl.when(applies.eq(False))
        .then(0)
        .when(violated.eq(False))
        .then(1)
        .when(violated.is_null() | applies.is_null() | subject.is_null())
        .then(2)
        .otherwise(3)
        .cast(pl.Int8)
    )


def _quantified(code: pl.Expr) -> pl.Expr:
    """Kleene ``any`` from the maximum element code (an empty list: false; unknown: null)."""
    return (
        pl.when(pl.col("targets").is_null())
        .then(None)
        .when(code.fill_null(0).eq(2))
        .then(True)
        .when(code.fill_null(0).eq(1))
        .then(None)
        .otherwise(False)
    )


def three_rules(
    frame: pl.DataFrame, packages: Sequence[Any], profiles: Sequence[Any], as_of: dt.date
) -> pl.DataFrame:
    """(incident, rule, subject, outcome) for the three rules on every incident."""
    # A state with no profile in force has no critical sectors known (unknown, as in the
    # engine: package defaults stand in only under --assume-defaults).
    book = ProfileBook(profiles)
    in_force = {}
    for state in book.states():
        profile = book.in_force(state, as_of)
        if profile is not None:
            in_force[state] = profile.parameters.critical_sectors
    critical = pl.DataFrame(
        {"country": list(in_force), "critical": list(in_force.values())},
        schema={"country": pl.String, "critical": pl.List(pl.String)},
    )
    effects, intent = pl.col("effects").struct, pl.col("intent").struct
    rows = frame.select(
        pl.col("id"),
        pl.col("attribution").struct.field("state").alias("subject"),
        pl.col("attribution").struct.field("level").alias("level"),
        effects.field("physical").alias("physical"),
        effects.field("casualties").alias("casualties"),
        effects.field("disruption").alias("disruption"),
        effects.field("hijacking").alias("hijacking"),
        effects.field("loss_of_function").alias("loss_of_function"),
        effects.field("data_altered").alias("data_altered"),
        effects.field("service_to_public_impaired").alias("service_impaired"),
        effects.field("control_deprived").alias("control_deprived"),
        intent.field("matter").alias("matter"),
        intent.field("compel").alias("compel"),
        intent.field("damage_ci").alias("damage_ci"),
        pl.col("targets"),
    ).with_row_index("row")
    # il.sovereignty, per target: abroad, and physical effects, a lasting disruption, or a
    # short one or misuse against state institutions
    sovereign_harm = (
        _kleene_in(pl.col("physical"), ["local", "widespread"])
        | (pl.col("disruption") == "long")
        | (
            (pl.col("category") == "state_institutions")
            & ((pl.col("disruption") == "short") | (pl.col("hijacking") == "misuse"))
        )
    )
    elements = (
        rows.select("row", "subject", "targets", "physical", "disruption", "hijacking")
        .filter(pl.col("targets").list.len() > 0)
        .explode("targets")
        .unnest("targets")
        .join(critical, on="country", how="left")
        .with_columns(
            pl.when(pl.col("country").is_null()).then(None).otherwise(pl.col("critical"))
            .alias("critical")
        )
        .group_by("row")
        .agg(
            _any_code(pl.col("country") != pl.col("subject")).max().alias("abroad"),
            _any_code(
                pl.when(pl.col("sector").is_null() | pl.col("critical").is_null())
                .then(None)
                .otherwise(pl.col("critical").list.contains(pl.col("sector")))
            )
            .max()
            .alias("critical_target"),
            _any_code((pl.col("country") != pl.col("subject")) & sovereign_harm)
            .max()
            .alias("sovereignty"),
        )
    )
    joined = rows.join(elements, on="row", how="left")
    acting = _kleene_in(pl.col("level"), ACTING)
    abroad = _quantified(pl.col("abroad"))
    force = abroad & (
        (pl.col("casualties") > 0)
        | (
            _kleene_in(pl.col("physical"), ["local", "widespread"])
            & _kleene_in(pl.col("loss_of_function"), ["repair", "permanent"])
        )
    )
    intervention = (
        abroad
        & _kleene_in(
            pl.col("matter"),
            [
                "elections",
                "political_system",
                "foreign_policy",
                "economic_system",
                "legislation",
                "security_policy",
                "public_health",
            ],
        )
        & ((pl.col("compel") == True) | (pl.col("control_deprived") == True))  # noqa: E712
    )
    contrary_to_law = acting & (_quantified(pl.col("sovereignty")) | intervention | force)
    damage = (
        _quantified(pl.col("critical_target"))
        & (pl.col("damage_ci") == True)  # noqa: E712
        & (
            _kleene_in(pl.col("loss_of_function"), ["repair", "permanent"])
            | (pl.col("data_altered") == True)  # noqa: E712
            | (pl.col("service_impaired") == True)  # noqa: E712
        )
        & contrary_to_law
    )
    subject = pl.col("subject")
    out = joined.select(
        pl.col("id").alias("incident"),
        subject,
        _decide(pl.lit(True), acting, subject).alias("il.state_responsibility"),
        _decide(acting, force, subject).alias("il.use_of_force"),
        _decide(acting, damage, subject).alias("gge2015.f"),
    )
    return out.unpivot(index=["incident", "subject"], variable_name="rule", value_name="outcome")
