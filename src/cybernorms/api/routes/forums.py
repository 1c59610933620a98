"""Read models of the forum record over HTTP: forums, calls with what they still need,
decisions with statements kept apart, treaty status tables (JSON or CSV), packages in force.

Every answer names what it reflects: a ``reflects`` member (the shipped history's SHA-256,
labelled *recorded from public sources*, or the registry's checkpoint) and the header
``Cybernorms-Record``; ``checkpoint`` is the signed checkpoint when the record is the
registry's log, else null. The reading itself is ``service.forum_reads``; this module translates.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from cybernorms.api.answers import checkpoint_json
from cybernorms.api.context import Context, context
from cybernorms.api.problems import PROBLEM_MEDIA_TYPE
from cybernorms.service import forum_reads
from cybernorms.service.forum_reads import ForumRecord

router = APIRouter(tags=["forums"])
Ctx = Annotated[Context, Depends(context)]
RECORD_HEADER = "Cybernorms-Record"
Slug = Annotated[str, Path(max_length=100, description="a forum's or call's id")]
_PROBLEM = {"content": {PROBLEM_MEDIA_TYPE: {}}, "description": "a refusal (RFC 9457)"}
_REFUSALS: dict[int | str, dict[str, Any]] = {404: _PROBLEM, 422: _PROBLEM, 503: _PROBLEM}


def current_record(ctx: Context) -> tuple[ForumRecord, Any]:
    """The forum record the answers read, and the checkpoint it reflects (None: the shipped
    history). One place chooses, so every forum route and page reads the same record: the
    registry's forum acts up to its latest signed checkpoint when there are any; otherwise
    (no registry initialised, no checkpoint yet, no forum act on the log) the shipped
    history, which every answer then names as such. Any other refusal of the registry (a
    tampered row, a database down) is the answer, never hidden behind the shipped record."""
    from cybernorms.api import logreads
    from cybernorms.store import NotFound, NotInitialised

    try:
        registry = ctx.registry()
        stored = logreads.latest(registry)
    except (NotInitialised, NotFound):
        return forum_reads.shipped_history(), None
    logged = forum_reads.registry_record(registry, stored)
    if logged is None:
        return forum_reads.shipped_history(), None
    return logged, stored


@router.get("/v1/forums", responses=_REFUSALS)
async def forum_list(ctx: Ctx) -> JSONResponse:
    """Every forum on the record: members, the packages it alone may amend, its calls."""
    record, stored = await run_in_threadpool(current_record, ctx)
    return _answer({"forums": [f.to_json() for f in record.forums()]}, record, stored)


@router.get("/v1/forums/{forum_id}", responses=_REFUSALS)
async def forum(forum_id: Slug, ctx: Ctx) -> JSONResponse:
    """One forum: decision rules, membership history, proposals with their revisions
    (content hashes) and amendments, calls with their state, statements."""
    record, stored = await run_in_threadpool(current_record, ctx)
    return _answer(record.forum(forum_id).to_json(), record, stored)


@router.get("/v1/forums/{forum_id}/calls/{call_id}", responses=_REFUSALS)
async def call(forum_id: Slug, call_id: Slug, ctx: Ctx) -> JSONResponse:
    """One decision call: the pinned revision, its rule, the frozen electorate, each member's
    latest position (and history), concerns, and what it still needs in words."""
    record, stored = await run_in_threadpool(current_record, ctx)
    return _answer(record.call(forum_id, call_id).to_json(), record, stored)


@router.get("/v1/decisions", responses=_REFUSALS)
async def decision_list(ctx: Ctx) -> JSONResponse:
    """Every call that ended, with its outcome."""
    record, stored = await run_in_threadpool(current_record, ctx)
    return _answer({"decisions": record.decisions()}, record, stored)


@router.get("/v1/decisions/{forum_id}/{call_id}", responses=_REFUSALS)
async def decision(forum_id: Slug, call_id: Slug, ctx: Ctx) -> JSONResponse:
    """A decision (outcome, counts when voted; no free text) and, apart from it under
    ``national_statements``, the statements and disassociations recorded beside it."""
    record, stored = await run_in_threadpool(current_record, ctx)
    return _answer(record.decision(forum_id, call_id).to_json(), record, stored)


@router.get(
    "/v1/treaties/{package}/status",
    responses={
        **_REFUSALS,
        200: {"content": {"application/json": {}, "text/csv": {}}, "description": "the table"},
    },
)
async def treaty_status(
    package: Annotated[str, Path(max_length=100, description="the treaty package's id")],
    request: Request,
    ctx: Ctx,
    revision: Annotated[
        str | None,
        Query(pattern=r"^[0-9a-f]{64}$", description="an adopted version (default: latest)"),
    ] = None,
    format: Annotated[
        str | None, Query(pattern=r"^(json|csv)$", description="json (default) or csv")
    ] = None,
) -> Response:
    """The status table of a treaty version in the UN Treaty Collection's shape: participant,
    signature, ratification/accession (a)/succession (d), reservations, in force from; and
    the entry-into-force rule with the date it gives. CSV with ``?format=csv`` or
    ``Accept: text/csv``."""
    record, stored = await run_in_threadpool(current_record, ctx)
    table = record.treaty_status(package, revision)
    wants_csv = format == "csv" or (
        format is None and "text/csv" in request.headers.get("accept", "")
    )
    if wants_csv:
        return Response(
            table.to_csv(record.reflects),
            media_type="text/csv; charset=utf-8",
            headers={
                **_headers(record, stored),
                "content-disposition": f'inline; filename="{package}-status.csv"',
            },
        )
    return _answer({"status": table.to_json()}, record, stored)


@router.get("/v1/packages/as-of", responses=_REFUSALS)
async def packages_as_of(
    ctx: Ctx,
    date: Annotated[dt.date, Query(description="the day (YYYY-MM-DD)")],
    state: Annotated[str, Query(pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3")],
) -> JSONResponse:
    """The package versions a forum adopted that are in force for ``state`` on ``date``,
    each with the decision's log index, its basis, and the state's disassociations or
    reservations."""
    record, stored = await run_in_threadpool(current_record, ctx)
    found = record.packages_as_of(date, state.upper())
    return _answer(
        {"date": date.isoformat(), "state": state.upper(), "packages": found}, record, stored
    )


def _headers(record: ForumRecord, stored: Any) -> dict[str, str]:
    r = record.reflects
    return {RECORD_HEADER: f"{r.source} {r.version}"}


def _answer(body: dict[str, Any], record: ForumRecord, stored: Any) -> JSONResponse:
    return JSONResponse(
        {**body, "reflects": record.reflects.to_json(), "checkpoint": checkpoint_json(stored)},
        headers=_headers(record, stored),
    )
