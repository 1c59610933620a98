"""What the forum pages are drawn from, without HTTP: the departures grid places one mark per
(reading, rule) the analysis reports, and any text a statement holds is shown escaped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cybernorms.api.web.forums import departure_grid
from cybernorms.api.web.routes import templates
from cybernorms.service.forum_reads import DecisionView, shipped_history

readings = st.sampled_from(
    ["position:FRA", "position:GBR", "position:CAN", "position:ISR", "group:AU"]
)
rules = st.sampled_from(["il.sovereignty", "il.due_diligence", "gge2015.f", "il.countermeasures"])
notes = st.sampled_from(
    ["violation; package: undetermined (3)", "dead_rule", "dead_rule, not_applicable; package: x"]
)


@given(st.dictionaries(readings, st.dictionaries(rules, notes, min_size=1), max_size=4))
def test_one_mark_per_reading_and_rule_inside_the_chart(
    matrix: dict[str, dict[str, str]],
) -> None:
    grid = departure_grid(matrix)
    assert len(grid.cells) == sum(len(row) for row in matrix.values())
    assert len({(c.x, c.y) for c in grid.cells}) == len(grid.cells)
    for c in grid.cells:
        assert grid.left <= c.x and c.x + grid.cell <= grid.width
        assert grid.top <= c.y and c.y + grid.cell <= grid.height
        assert c.kind == ("position_diff" if matrix[c.reading][c.rule][0] == "v" else "dead_rule")
    assert all(not label.startswith(("position:", "group:")) for _, label in grid.readings)


def test_statement_text_is_escaped_and_kept_beneath_the_decision() -> None:
    record = shipped_history()
    view = record.decision("oewg-2019-2021", "adopt-final-report")
    hostile = {
        **view.statements[0],
        "kind": "national_view",
        "state": "FRA",
        "text": "<script>alert(1)</script>",
    }
    page = templates.get_template("decision.html").render(
        view=DecisionView(view.decision, [hostile], view.disassociations),
        reflects=record.reflects,
        section="forums",
    )
    assert "<script>alert(1)</script>" not in page
    decision, _, apart = page.partition("National statements (not part of the decision)")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in apart
    assert "alert" not in decision
