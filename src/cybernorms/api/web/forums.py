"""The forum pages under ``/web/``: forums, calls, decisions, treaties, and the chart of how
national readings depart from their packages.

Server-rendered like the rest of the dashboard (``routes.page``: Jinja2, every data string
autoescaped) over the same read models as the JSON API (``service.forum_reads`` through
``api.routes.forums.current_record``), so a page and its JSON never disagree. A decision page
shows the decision alone first; statements and disassociations follow under their own
heading, "National statements (not part of the decision)", each labelled with its author.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from cybernorms.api.context import Context, context
from cybernorms.api.routes.forums import current_record
from cybernorms.api.web.catalogue import basis_label
from cybernorms.api.web.routes import _catalogue, _findings, page, refusal
from cybernorms.service.errors import UnknownName
from cybernorms.service.forum_reads import STATUS_COLUMNS

router = APIRouter(prefix="/web", include_in_schema=False)
Ctx = Annotated[Context, Depends(context)]
SECTION = "forums"


@router.get("/forums", response_class=HTMLResponse)
async def forum_list(ctx: Ctx) -> HTMLResponse:
    """Forums, the decisions on the record, and the treaties with their status tables."""
    record, _ = await run_in_threadpool(current_record, ctx)
    return page(
        "forums.html",
        forums=record.forums(),
        decisions=record.decisions(),
        treaties=record.treaties(),
        reflects=record.reflects,
        section=SECTION,
    )


@router.get("/forums/{forum_id}", response_class=HTMLResponse)
async def forum_page(forum_id: str, ctx: Ctx) -> HTMLResponse:
    record, _ = await run_in_threadpool(current_record, ctx)
    try:
        view = record.forum(forum_id)
    except UnknownName as exc:
        return refusal(exc)
    return page("forum.html", view=view, reflects=record.reflects, section=SECTION)


@router.get("/forums/{forum_id}/calls/{call_id}", response_class=HTMLResponse)
async def call_page(forum_id: str, call_id: str, ctx: Ctx) -> HTMLResponse:
    """A call: each member's position, concerns, and what it still needs."""
    record, _ = await run_in_threadpool(current_record, ctx)
    try:
        view = record.call(forum_id, call_id)
    except UnknownName as exc:
        return refusal(exc)
    return page("call.html", view=view, reflects=record.reflects, section=SECTION)


@router.get("/decisions/{forum_id}/{call_id}", response_class=HTMLResponse)
async def decision_page(forum_id: str, call_id: str, ctx: Ctx) -> HTMLResponse:
    """A decision, and beneath it, apart, the national statements made beside it."""
    record, _ = await run_in_threadpool(current_record, ctx)
    try:
        view = record.decision(forum_id, call_id)
    except UnknownName as exc:
        return refusal(exc)
    return page("decision.html", view=view, reflects=record.reflects, section=SECTION)


@router.get("/treaties/{package}", response_class=HTMLResponse)
async def treaty_page(package: str, ctx: Ctx, revision: str = "") -> HTMLResponse:
    """A treaty version's status table and its entry into force."""
    record, _ = await run_in_threadpool(current_record, ctx)
    try:
        table = record.treaty_status(package, revision or None)
    except UnknownName as exc:
        return refusal(exc)
    return page(
        "treaty.html",
        table=table,
        columns=STATUS_COLUMNS,
        reflects=record.reflects,
        section=SECTION,
    )


@router.get("/departures", response_class=HTMLResponse)
async def departures_page(request: Request, ctx: Ctx) -> HTMLResponse:
    """Where each national reading departs from its package: readings x rules, from the
    SMT analysis (``service.analysing.departures``), counted on the server's incidents."""
    from cybernorms.analysis.findings import Report
    from cybernorms.service.analysing import departures

    cat = await run_in_threadpool(_catalogue, request, ctx)
    findings = await run_in_threadpool(_findings, request, ctx, cat)
    grid = departure_grid(departures(Report(findings=list(findings))))
    return page("departures.html", grid=grid, section=SECTION)


# --- the departures chart's geometry ----------------------------------------------------------


@dataclass(frozen=True)
class GridCell:
    x: int
    y: int
    kind: str  # position_diff | another finding's kind (dead_rule, conflict...)
    note: str
    rule: str
    reading: str


@dataclass(frozen=True)
class DepartureGrid:
    """Readings (rows) x rules (columns); a cell where the analysis found the reading
    departing from its package, coloured by the finding's kind, its words in the tooltip."""

    width: int
    height: int
    left: int
    top: int
    cell: int
    rules: list[tuple[int, str]]  # (x, rule)
    readings: list[tuple[int, str]]  # (y, label)
    cells: list[GridCell]
    rows: list[tuple[str, list[tuple[str, str]]]]  # the same as a table: (label, [(rule, note)])


def departure_grid(matrix: dict[str, dict[str, str]], *, cell: int = 28) -> DepartureGrid:
    readings = sorted(matrix)
    rules = sorted({rule for row in matrix.values() for rule in row})
    left, top = 170, 120
    cells = [
        GridCell(
            left + rules.index(rule) * cell,
            top + readings.index(reading) * cell,
            _kind(note),
            f"{basis_label(reading)} on {rule}: {note}",
            rule,
            reading,
        )
        for reading in readings
        for rule, note in sorted(matrix[reading].items())
    ]
    return DepartureGrid(
        width=left + max(len(rules), 1) * cell + 120,  # room for the slanted rule names
        height=top + max(len(readings), 1) * cell + 10,
        left=left,
        top=top,
        cell=cell,
        rules=[(left + i * cell + cell // 2, r) for i, r in enumerate(rules)],
        readings=[(top + i * cell + cell // 2 + 4, basis_label(r)) for i, r in enumerate(readings)],
        cells=cells,
        rows=[(basis_label(r), sorted(matrix[r].items())) for r in readings],
    )


def _kind(note: str) -> str:
    """The finding's kind from ``analysing.departures``' words: ``violation; package: ...``
    is a position difference; ``dead_rule, ...`` (or ``dead_rule``) names another kind."""
    head = note.split(";")[0]
    if ";" in note and "," not in head:
        return "position_diff"
    return head.split(",")[0].split(" ")[0]
