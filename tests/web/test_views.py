"""What the pages are drawn from, without HTTP: any text an incident holds is shown escaped,
and the charts count exactly what the incident pages mark."""

from __future__ import annotations

from pathlib import Path

import markupsafe
from hypothesis import given, settings
from hypothesis import strategies as st

from cybernorms.api.web import charts
from cybernorms.api.web.catalogue import Catalogue, Filters, basis_label, basis_order, is_reading
from cybernorms.api.web.routes import templates
from cybernorms.model.facts import Incident
from cybernorms.service import loading

BOOKS = loading.rulebooks(with_examples=True)


@settings(max_examples=60, deadline=None)
@given(name=st.text(min_size=1, max_size=30), incident_id=st.text(min_size=1, max_size=30))
def test_any_incident_text_is_escaped_in_the_list(name: str, incident_id: str) -> None:
    incident = Incident(id=incident_id, name=name, attribution={"state": "RUS", "level": "direct"})
    cat = Catalogue(BOOKS, [incident], "generated")
    html = templates.get_template("incidents.html").render(
        cat=cat, rows=cat.filtered(Filters()), filters=Filters(), choices=cat.choices()
    )
    assert str(markupsafe.escape(name)) in html
    assert str(markupsafe.escape(incident_id)) in html
    for raw in (name, incident_id):
        if any(c in raw for c in "<>&\"'"):
            assert f">{raw}<" not in html


def test_departures_chart_counts_what_the_matrices_mark(incidents_dir: Path) -> None:
    cat = Catalogue(BOOKS, loading.load_incident_inputs([incidents_dir]).incidents, "test")
    marked = sum(
        1
        for row in cat.rows
        for line in cat.matrix(row.incident.id).rows
        for cell in line.cells.values()
        if cell.departs
    )
    chart = charts.departures_by_position(cat.rows)
    assert marked > 0
    assert sum(bar.count for bar in chart.bars) == marked


def test_heat_map_counts_package_violations_only(incidents_dir: Path) -> None:
    cat = Catalogue(BOOKS, loading.load_incident_inputs([incidents_dir]).incidents, "test")
    heat = charts.violations_by_year_and_rule(cat.rows)
    expected = sum(
        1
        for row in cat.rows
        for v in row.verdicts
        if v.word == "violation" and not is_reading(v.basis)
    )
    assert sum(c.count for c in heat.cells) == expected > 0
    assert not {c.rule for c in heat.cells} & {"il.state_responsibility", "il.countermeasures"}


def test_attributions_and_permissions_are_never_counted_or_shown_as_violations(
    incidents_dir: Path,
) -> None:
    """Issue 11's leftover: the dashboard counted and labelled ``il.state_responsibility``
    and ``il.countermeasures`` verdicts with breach words; they read in their question's."""
    cat = Catalogue(BOOKS, loading.load_incident_inputs([incidents_dir]).incidents, "test")
    for row in cat.rows:
        breaches = sum(1 for v in row.verdicts if v.word == "violation")
        assert sum(n for _, n in row.violations()) == breaches
    notpetya = next(r for r in cat.rows if r.incident.id == "cn:2017-notpetya")
    matrix = templates.get_template("macros.html").module.outcome  # type: ignore[attr-defined]
    attributed = next(v for v in notpetya.verdicts if v.rule == "il.state_responsibility")
    shown = str(matrix(attributed))
    assert "attributable" in shown and "violation" not in shown
    chosen = cat.filtered(Filters(outcome="attributable"))
    assert notpetya in chosen
    assert all(
        any(v.word == "violation" for v in r.verdicts)
        for r in cat.filtered(Filters(outcome="violation"))
    )
    assert "permitted" in cat.choices()["outcome"] and "attributable" in cat.choices()["outcome"]


def test_a_groups_reading_is_a_reading_in_the_matrix_and_the_charts(incidents_dir: Path) -> None:
    """group:AU is labelled the group's common view, ordered with the readings, never
    counted as the package's; where it departs, the departures chart counts it."""
    cat = Catalogue(BOOKS, loading.load_incident_inputs([incidents_dir]).incidents, "test")
    bases = {b for row in cat.rows for b in cat.matrix(row.incident.id).bases}
    assert "group:AU" in bases
    assert basis_label("group:AU") == "common view of group:AU"
    assert basis_label("group:like-minded") == "group:like-minded"  # a package's own basis
    assert basis_order("group:AU")[0] == basis_order("position:FRA")[0] == 2
    assert is_reading("group:AU") and is_reading("group:AU+assumed:defaults")
    heat = charts.violations_by_year_and_rule(cat.rows)
    au_violations = [
        v
        for r in cat.rows
        for v in r.verdicts
        if v.basis == "group:AU" and v.outcome.label == "violation"
    ]
    package_only = sum(
        1
        for r in cat.rows
        for v in r.verdicts
        if v.word == "violation" and not is_reading(v.basis)
    )
    assert sum(c.count for c in heat.cells) == package_only
    assert au_violations  # NotPetya and the others: the AU reading finds violations too
