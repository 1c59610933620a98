"""The dashboard's two charts as inline SVG geometry: nothing is loaded from elsewhere.

Why not Vega-Lite: its JavaScript would have to be vendored (code fetched from elsewhere) or
loaded from a CDN (the pages must work offline and on loopback). The two charts people would
rather look at than read are simple enough to draw here: a heat map of violations by year and
rule, and bars of how often each national view departs from its package's reading. Geometry is
computed in Python and drawn by ``templates/chart_*.html`` (so every label is autoescaped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cybernorms.api.web.catalogue import Row, basis_label, is_violation
from cybernorms.model.readers import is_reading_basis
from cybernorms.model.verdict import Outcome
from cybernorms.semantics.profiles import plain_basis


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    count: int
    shade: float  # 0..1, share of the largest count
    title: str
    rule: str


@dataclass(frozen=True)
class HeatMap:
    """Violation verdicts by year (columns) and rule (rows), under one basis per rule (the
    package's own, never a national view)."""

    width: int
    height: int
    years: list[tuple[int, str]]  # (x, label)
    rules: list[tuple[int, str]]  # (y, label)
    cells: list[HeatCell]
    cell: int
    left: int
    top: int


def violations_by_year_and_rule(rows: Sequence[Row], *, cell: int = 26) -> HeatMap:
    counts: dict[tuple[str, int], int] = {}
    for row in rows:
        year = row.incident.start_date.year if row.incident.start_date else None
        if year is None:
            continue
        for v in row.verdicts:
            if is_violation(v) and not is_reading_basis(plain_basis(v.basis)):
                counts[(v.rule, year)] = counts.get((v.rule, year), 0) + 1
    years = sorted({y for _, y in counts})
    rules = sorted({r for r, _ in counts})
    left, top = 150, 34
    top_count = max(counts.values(), default=1)
    cells = [
        HeatCell(
            left + years.index(year) * cell,
            top + rules.index(rule) * cell,
            n,
            n / top_count,
            f"{rule}, {year}: {n} violation verdict(s)",
            rule,
        )
        for (rule, year), n in sorted(counts.items())
    ]
    return HeatMap(
        width=left + max(len(years), 1) * cell + 10,
        height=top + max(len(rules), 1) * cell + 10,
        years=[(left + i * cell + cell // 2, str(y)) for i, y in enumerate(years)],
        rules=[(top + i * cell + cell // 2 + 4, r) for i, r in enumerate(rules)],
        cells=cells,
        cell=cell,
        left=left,
        top=top,
    )


@dataclass(frozen=True)
class Bar:
    y: int
    width: int
    count: int
    label: str
    title: str
    rule: str


@dataclass(frozen=True)
class BarChart:
    """How many verdicts (incident, rule, subject) each national view reads otherwise than
    its package does."""

    width: int
    height: int
    left: int
    bars: list[Bar]


def departures_by_position(rows: Sequence[Row], *, bar: int = 22) -> BarChart:
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        package: dict[tuple[str, str | None], Outcome] = {}
        for v in row.verdicts:
            if not is_reading_basis(plain_basis(v.basis)):
                package[(v.rule, v.subject)] = v.outcome
        for v in row.verdicts:
            reading = package.get((v.rule, v.subject))
            if (
                is_reading_basis(plain_basis(v.basis))
                and reading is not None
                and reading != v.outcome
            ):
                key = (v.basis, v.rule)
                counts[key] = counts.get(key, 0) + 1
    left, span = 260, 300
    top_count = max(counts.values(), default=1)
    bars = [
        Bar(
            10 + i * (bar + 6),
            max(2, round(span * n / top_count)),
            n,
            f"{basis_label(basis)} · {rule}",
            f"{basis_label(basis)} departs from the package on {rule} in {n} verdict(s)",
            rule,
        )
        for i, ((basis, rule), n) in enumerate(sorted(counts.items()))
    ]
    return BarChart(left + span + 50, 20 + len(bars) * (bar + 6), left, bars)
