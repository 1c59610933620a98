"""The dashboard's pages under ``/web/``: server-rendered, readable without JavaScript.

Every page is a Jinja2 template with autoescaping on for every data string (an incident id
``<script>`` shows as text). The pages call ``cybernorms.service`` (through ``catalogue`` and
``jobs``) and the registry's read methods, and decide nothing themselves. A refusal (an
unknown incident, rule or upload) is an HTML page with its reason and the matching status.
Publishing is the API's one write endpoint, ``POST /v1/acts``: the publish page's script
posts to it and shows the problem document's ``reason`` and ``detail``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Annotated, Any, cast

from fastapi import APIRouter, BackgroundTasks, Depends, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cybernorms.api.context import Context, context
from cybernorms.api.web import charts, jobs
from cybernorms.api.web.catalogue import (
    Catalogue,
    Filters,
    basis_label,
    basis_order,
    is_reading,
    matrix,
    reader_label,
)
from cybernorms.errors import CybernormsError
from cybernorms.model.facts import Incident
from cybernorms.model.readers import is_group, reader_id, reader_of
from cybernorms.semantics.profiles import plain_basis
from cybernorms.service import loading
from cybernorms.service.errors import UnknownName

HERE = Path(__file__).parent
STATIC = {"style.css": "text/css", "app.js": "text/javascript"}

router = APIRouter(prefix="/web", include_in_schema=False)
Ctx = Annotated[Context, Depends(context)]

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["basis_label"] = basis_label
templates.filters["reader_label"] = reader_label
templates.tests["reading"] = is_reading


def _trace_value(value: Any) -> str:
    """How a three-valued trace value reads: unknown is not false."""
    if value is None:
        return "unknown"
    if value is True or value is False:
        return str(value).lower()
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return f"{len(value)} item(s)"
    if isinstance(value, dict):
        return "a record"
    return str(value)


def _trace_detail(value: Any) -> str:
    """A list or record value in full (shown inside its node, not on the summary line)."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, indent=1, default=str)
    return ""


templates.filters["tv"] = _trace_value
templates.filters["tv_detail"] = _trace_detail


# -- state kept per app -----------------------------------------------------------------------

_state_lock = threading.Lock()


def _catalogue(request: Request, ctx: Context) -> Catalogue:
    """The app's catalogue, built on first use (once, even under concurrent first requests)."""
    from cybernorms.api.web import catalogue

    with _state_lock:
        found = getattr(request.app.state, "web_catalogue", None)
        if found is None:
            with ctx.service_lock:  # the service's caches serve one caller at a time
                found = catalogue.load(ctx.settings.rulebooks, ctx.settings.incidents)
            request.app.state.web_catalogue = found
    return cast(Catalogue, found)


def _findings(request: Request, ctx: Context, cat: Catalogue) -> list[Any]:
    """The SMT analysis of every loaded package and position (``service.analysing``: dead
    rules, conflicts, gaps, national departures with witnesses, counted on the server's
    incidents), run once on first use: a few seconds, then kept."""
    from cybernorms.service import analysing

    with _state_lock:
        found = getattr(request.app.state, "web_findings", None)
        if found is None:
            with ctx.service_lock:
                report = analysing.analyse(cat.books, incidents=[r.incident for r in cat.rows])
            found = request.app.state.web_findings = list(report.findings)
    return cast(list[Any], found)


def _jobs(request: Request) -> jobs.Jobs:
    with _state_lock:
        found = getattr(request.app.state, "web_jobs", None)
        if found is None:
            found = request.app.state.web_jobs = jobs.Jobs()
    return cast(jobs.Jobs, found)


def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**values), status_code=status)


def refusal(exc: CybernormsError, status: int = 404) -> HTMLResponse:
    return page("refusal.html", status, reason=exc.refusal, detail=str(exc))


# -- pages -------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def incidents(
    request: Request,
    ctx: Ctx,
    state: str = "",
    victim: str = "",
    sector: str = "",
    start: str = "",
    end: str = "",
    rule: str = "",
    outcome: str = "",
    basis: str = "",
) -> HTMLResponse:
    """The incidents with their violation counts per basis, filtered."""
    cat = await run_in_threadpool(_catalogue, request, ctx)
    try:
        filters = Filters(
            state.upper(), victim.upper(), sector, _date(start), _date(end), rule, outcome, basis
        )
    except ValueError as exc:
        return page("refusal.html", 422, reason="InvalidFilter", detail=str(exc))
    rows = cat.filtered(filters)
    return page(
        "incidents.html",
        cat=cat,
        rows=rows,
        filters=filters,
        choices=cat.choices(),
        section="incidents",
    )


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {text[:40]!r}") from None


@router.get("/charts", response_class=HTMLResponse)
async def chart_page(request: Request, ctx: Ctx) -> HTMLResponse:
    cat = await run_in_threadpool(_catalogue, request, ctx)
    return page(
        "charts.html",
        cat=cat,
        heat=charts.violations_by_year_and_rule(cat.rows),
        bars=charts.departures_by_position(cat.rows),
        section="charts",
    )


@router.get("/incident", response_class=HTMLResponse)
async def incident(request: Request, ctx: Ctx, id: str = "") -> HTMLResponse:
    """One incident: facts, sources, and its verdicts as rules x bases."""
    cat = await run_in_threadpool(_catalogue, request, ctx)
    try:
        row = cat.row(id)
    except UnknownName as exc:
        return refusal(exc)
    return page(
        "incident.html",
        cat=cat,
        incident=row.incident,
        facts=_facts(row.incident),
        matrix=cat.matrix(id),
        job=None,
        section="incidents",
    )


@router.get("/explain", response_class=HTMLResponse)
async def explain(
    request: Request,
    ctx: Ctx,
    incident: str = "",
    rule: str = "",
    subject: str = "",
    basis: str = "",
    job: str = "",
) -> HTMLResponse:
    """One verdict's reasoning tree, rebuilt with its trace (``service.explaining``)."""
    cat = await run_in_threadpool(_catalogue, request, ctx)
    try:
        found = _jobs(request).get(job).incident(incident) if job else cat.row(incident).incident
        explanations = await run_in_threadpool(_explain, ctx, cat, found, rule, subject, basis)
    except UnknownName as exc:
        return refusal(exc)
    return page(
        "explain.html",
        incident=found,
        explanations=explanations,
        job=job,
        section="incidents",
    )


def _explain(
    ctx: Context, cat: Catalogue, incident: Incident, rule: str, subject: str, basis: str
) -> list[Any]:
    from cybernorms.service.explaining import explain

    reader = reader_of(plain_basis(basis))
    states = [reader] if reader is not None else []
    with ctx.service_lock:
        found = explain(
            cat.books, incident, rule, subject=subject or None, positions=states, as_of=None
        )
    if basis:
        found = [e for e in found if e.verdict.basis == basis]
    if not subject:
        found = [e for e in found if e.verdict.subject is None] or found
    if not found:
        raise UnknownName(f"no verdict of {rule} on basis {basis!r} for {incident.id!r}")
    return [(e, e.verdict.to_json(with_trace=True)) for e in found]


@router.get("/rule", response_class=HTMLResponse)
async def rule_page(request: Request, ctx: Ctx, id: str = "") -> HTMLResponse:
    """A rule: its text, source, criterion, national readings and examples."""
    cat = await run_in_threadpool(_catalogue, request, ctx)
    try:
        rule = cat.rule(id)
    except UnknownName as exc:
        return refusal(exc)
    readings = [(pos, pos.overrides[id]) for pos in cat.books.positions if id in pos.overrides]
    root = str(cat.books.root.resolve()) + "/"
    examples = [
        (ex, [e for e in ex.expect if e.rule == id], where.removeprefix(root))
        for f in cat.books.examples
        for ex, where in f.examples
        if any(e.rule == id for e in ex.expect)
    ]
    findings = [
        (f, _witness(f.witness))
        for f in await run_in_threadpool(_findings, request, ctx, cat)
        if id in f.rules
    ]
    counts: dict[str, dict[str, int]] = {}
    for row in cat.rows:
        for v in row.verdicts:
            if v.rule == id:
                per = counts.setdefault(v.basis, {})
                per[v.word] = per.get(v.word, 0) + 1  # the rule's question's words
    return page(
        "rule.html",
        rule=rule,
        readings=readings,
        examples=examples,
        counts=sorted(counts.items(), key=lambda kv: basis_order(kv[0])),
        findings=findings,
        section="rules",
    )


@router.get("/rules", response_class=HTMLResponse)
async def rules(request: Request, ctx: Ctx) -> HTMLResponse:
    cat = await run_in_threadpool(_catalogue, request, ctx)
    return page("rules.html", cat=cat, section="rules")


@router.get("/states/{iso3}", response_class=HTMLResponse)
async def state_page(request: Request, ctx: Ctx, iso3: str) -> HTMLResponse:
    """A state: its profile versions on the registry (who signed, log entries), its
    rulebooks' illustrative profiles, its national position, incidents naming it. A group
    (``group:AU``) has a page too: its common reading with its members, and its root."""
    state = reader_id(iso3) if is_group(reader_id(iso3)) else iso3.upper()[:3]
    cat = await run_in_threadpool(_catalogue, request, ctx)
    registry: dict[str, Any] = await run_in_threadpool(_registry_view, ctx, state)
    return page(
        "state.html",
        state=state,
        registry=registry,
        shipped=[p for p in cat.books.profiles if p.state == state],
        positions=[p for p in cat.books.positions if state in (p.state, *p.members)],
        attributed=[r for r in cat.rows if r.incident.attribution.state == state],
        targeted=[r for r in cat.rows if state in {t.country for t in r.incident.targets or []}],
        section="states",
    )


def _registry_view(ctx: Context, state: str) -> dict[str, Any]:
    """What the registry holds for ``state``; its refusal (not initialised, ...) as text."""
    try:
        registry = ctx.registry()
        roots = registry.roots(state)
        history = registry.profile_history(state)
    except CybernormsError as exc:
        return {"refusal": exc.refusal, "detail": str(exc), "roots": [], "profiles": []}
    key_names = {
        keyid: f"root v{r.root.version} key {i + 1}"
        for r in roots
        for i, keyid in enumerate(sorted(r.root.keys))
    }
    return {
        "refusal": "",
        "roots": roots,
        "profiles": [
            (
                p,
                sorted(key_names.get(s.keyid, s.keyid[:16]) for s in p.envelope.signatures),
                _until(p.profile, [q.profile for q in history]),
            )
            for p in history
        ],
        "timeline": _timeline([p.profile for p in history]),
    }


def _until(profile: Any, versions: list[Any]) -> str:
    """Until when a version is in force: its expiry, or the start of a later version."""
    later = sorted(q.effective_from for q in versions if q.version > profile.version)
    ends = [d for d in (profile.expires, *later[:1]) if d is not None]
    if not ends:
        return "open"
    end = min(ends)
    superseded = bool(later) and end == later[0]
    return f"{end}" + (" (a later version)" if superseded else " (expires)")


def _timeline(profiles: list[Any]) -> list[dict[str, Any]]:
    """Profile versions as bars on a time axis (inline SVG): when each was in force."""
    if not profiles:
        return []
    today = dt.date.today()
    start = min(p.effective_from for p in profiles)
    end = max([today, *(p.expires for p in profiles if p.expires)])
    span = max((end - start).days, 1)
    width = 520
    out = []
    for i, p in enumerate(profiles):
        # in force until it expires or a later version takes over, whichever comes first
        later = [q.effective_from for q in profiles if q.version > p.version]
        stop = min([p.expires or today, *later])
        x = round(width * (p.effective_from - start).days / span)
        out.append(
            {
                "x": 90 + x,
                "y": 8 + i * 24,
                "w": max(3, round(width * (stop - p.effective_from).days / span)),
                "label": f"version {p.version}",
                "title": f"version {p.version}: {p.effective_from} to {stop}",
                "start": p.effective_from.isoformat(),
            }
        )
    return out


# -- upload and evaluate --------------------------------------------------------------------


@router.get("/upload", response_class=HTMLResponse)
async def upload_form() -> HTMLResponse:
    return page("upload.html", suffixes=jobs.SUFFIXES, section="upload")


@router.post("/upload")
async def upload(
    request: Request, ctx: Ctx, background: BackgroundTasks, file: UploadFile
) -> Response:
    """Start evaluating an uploaded incident file; answer at once with its job's page."""
    data = await file.read()  # bounded by the app's body limit
    job = _jobs(request).new(Path(file.filename or "upload").name)
    with ctx.service_lock:
        books = loading.rulebooks(ctx.settings.rulebooks)
    background.add_task(
        jobs.run, job, data, books, ctx.settings.limits.request_incidents, ctx.service_lock
    )
    return RedirectResponse(f"/web/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
async def job_page(request: Request, ctx: Ctx, job_id: str) -> HTMLResponse:
    try:
        job = _jobs(request).get(job_id)
    except UnknownName as exc:
        return refusal(exc)
    cat = await run_in_threadpool(_catalogue, request, ctx)
    tables = []
    if job.state == "done":
        for inc in job.incidents:
            verdicts = [v for v in job.verdicts if v.incident == inc.id]
            tables.append((inc, matrix(cat, verdicts)))
    return page("job.html", job=job, tables=tables, section="upload")


@router.get("/jobs/{job_id}/progress")
async def job_progress(request: Request, job_id: str) -> JSONResponse:
    """The polling endpoint of the job page's progress bar."""
    try:
        return JSONResponse(_jobs(request).get(job_id).progress())
    except UnknownName as exc:
        return JSONResponse({"state": "unknown", "detail": str(exc)}, status_code=404)


# -- publish ---------------------------------------------------------------------------------


@router.get("/publish", response_class=HTMLResponse)
async def publish_form() -> HTMLResponse:
    return page("publish.html", section="publish")


@router.get("/static/{name}")
async def static(name: str) -> Response:
    media = STATIC.get(name)
    if media is None:
        return refusal(UnknownName(f"no static file {name[:80]!r}"))
    return Response(
        (HERE / "static" / name).read_bytes(),
        media_type=media,
        headers={"cache-control": "public, max-age=3600"},
    )


def _witness(incident: Incident | None) -> str:
    """A witness incident's known facts as JSON (what the solver found), or nothing."""
    if incident is None:
        return ""
    return incident.model_dump_json(indent=1, exclude_none=True, exclude_defaults=True)


def _facts(incident: Incident) -> list[tuple[str, str, str]]:
    """The incident's known facts as (path, value, source cell) rows, unknown ones said so."""
    rows: list[tuple[str, str, str]] = []
    provenance = incident.provenance

    def add(path: str, value: Any) -> None:
        shown = "unknown" if value is None else _trace_value(value)
        kept = provenance.get(path)
        cell = f"{kept.source} · {kept.field} = {kept.value}" if kept is not None else ""
        rows.append((path, shown, cell))

    data = incident.model_dump(mode="json", exclude={"sources", "provenance", "annotations"})
    for group in ("initiator", "attribution", "effects", "context"):
        for key, value in (data.get(group) or {}).items():
            add(f"{group}.{key}", value)
    add("territory_used", data.get("territory_used"))
    return rows
