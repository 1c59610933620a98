"""Evaluation in the shape of OPA's Data API: ``{"input": ...}`` in, ``{"result": ...,
"decision_id": ...}`` out.

``POST /v1/evaluate``: incidents (fact schema v1, as JSON objects), the packages and the
states' positions to read them under, the evaluation date, and where profiles come from (the
registry's, verified, in force on the date; or none). Verdicts follow the README's output
contract (DESIGN section 6). ``POST /v1/explain``: one rule's verdicts on one incident with
the reasoning tree. Both call ``cybernorms.service`` and nothing else decides here.

Putting a decision on the log: ``"log": true`` in the input logs the decision itself (its
``decision_id`` and the SHA-256 of the canonical request and verdicts, signed by the log's
key; entry kind ``decision``) and the answer names the log entry.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from cybernorms.api.answers import checkpoint_header, checkpoint_json
from cybernorms.api.context import Context, context
from cybernorms.api.problems import PROBLEM_MEDIA_TYPE
from cybernorms.errors import LimitExceeded
from cybernorms.model.readers import READER_INPUT

router = APIRouter(tags=["evaluation"])
Ctx = Annotated[Context, Depends(context)]
_PROBLEM = {"content": {PROBLEM_MEDIA_TYPE: {}}, "description": "a refusal (RFC 9457)"}
_REFUSALS: dict[int | str, dict[str, Any]] = {404: _PROBLEM, 413: _PROBLEM, 422: _PROBLEM}
_ISO3 = r"^[A-Za-z]{3}$"


class ProfileSource(StrEnum):
    """Where the states' profiles come from: the registry (verified against the log and each
    state's root, in force on the date) or none (every state at its default)."""

    registry = "registry"
    none = "none"


class TraceDetail(StrEnum):
    """How much of each verdict to return: ``outcome`` (no trace, no profiles read),
    ``profiles`` (the profile versions read), ``trace`` (plus the reasoning tree)."""

    outcome = "outcome"
    profiles = "profiles"
    trace = "trace"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvaluateInput(_Strict):
    incidents: list[dict[str, Any]] = Field(
        description="Incidents in fact schema v2 or v1 (the JSON form of an incident file)."
    )
    packages: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, description="Package ids to report (default: all)."
    )
    positions: list[Annotated[str, Field(pattern=READER_INPUT)]] = Field(
        default_factory=list,
        description="Also evaluate under these positions: a state's (ISO3) or a group's "
        "(group:NAME, e.g. group:AU; reported under basis group:NAME).",
    )
    as_of: dt.date | None = Field(
        default=None,
        description="Evaluation date: profiles in force on it, and as_of in rules. Default: "
        "profiles in force on each incident's start date (today for the registry's); "
        "as_of = today.",
    )
    profiles: ProfileSource = ProfileSource.registry
    detail: TraceDetail = TraceDetail.profiles
    log: bool = Field(
        default=False,
        description="Put the decision itself on the log: its decision_id and the SHA-256 of "
        "the canonical request and of the canonical verdicts, signed by the log's key; the "
        "answer then names the log entry.",
    )
    assume_defaults: bool = Field(
        default=False,
        description="Where a state has published no parameter a rule needs, assume the "
        "package defaults; every verdict they decide says so in its basis "
        "(+assumed:defaults). Default: such a parameter is unknown.",
    )


class EvaluateRequest(_Strict):
    input: EvaluateInput


class ExplainInput(_Strict):
    incident: dict[str, Any] = Field(description="One incident in fact schema v1.")
    rule: Annotated[str, Field(min_length=1, max_length=200)]
    subject: Annotated[str, Field(pattern=_ISO3)] | None = None
    positions: list[Annotated[str, Field(pattern=READER_INPUT)]] = Field(default_factory=list)
    as_of: dt.date | None = None
    profiles: ProfileSource = ProfileSource.registry
    assume_defaults: bool = False


class ExplainRequest(_Strict):
    input: ExplainInput


@router.post("/v1/evaluate", responses=_REFUSALS)
async def evaluate(request: EvaluateRequest, ctx: Ctx) -> JSONResponse:
    """Verdicts of each incident, one per rule, subject and basis (consensus, restatement,
    each position), with a ``decision_id``."""
    answer, stored = await run_in_threadpool(_evaluate, ctx, request.input)
    return JSONResponse(answer, headers=checkpoint_header(stored) if stored else {})


@router.post("/v1/explain", responses=_REFUSALS)
async def explain(request: ExplainRequest, ctx: Ctx) -> JSONResponse:
    """The verdicts of one rule on one incident with their reasoning trees."""
    answer, stored = await run_in_threadpool(_explain, ctx, request.input)
    return JSONResponse(answer, headers=checkpoint_header(stored) if stored else {})


def _evaluate(ctx: Context, given: EvaluateInput) -> tuple[dict[str, Any], Any]:
    from cybernorms.service import evaluating, loading
    from cybernorms.service.formats import Detail

    limit = ctx.settings.limits.request_incidents
    if len(given.incidents) > limit:
        raise LimitExceeded(
            "request_incidents", limit, "input.incidents", f"{len(given.incidents)} given"
        )
    incidents = _incidents(given.incidents, "input.incidents")
    profiles, stored = _profiles(ctx, given.profiles, given.as_of)
    with ctx.service_lock:
        books = loading.rulebooks(ctx.settings.rulebooks)
        chosen = evaluating.setup(
            books,
            packages=given.packages,
            positions=given.positions,
            profiles=profiles,
            assume_defaults=given.assume_defaults,
        )
        detail = Detail(given.detail.value)
        with_trace = detail is Detail.trace
        verdicts = [
            v.to_json(with_trace=with_trace)
            for v in evaluating.evaluate(chosen, incidents, as_of=given.as_of, detail=detail)
        ]
    if detail is Detail.outcome:
        for v in verdicts:  # the fast code reads no profiles: say nothing rather than []
            v.pop("profiles", None)
    result = {
        "verdicts": verdicts,
        "incidents": len(incidents),
        "illustrative": chosen.illustrative,
    }
    answer = _answer(result, given.as_of, stored)
    if given.log:
        answer["logged"] = _log_decision(ctx, answer["decision_id"], given, verdicts)
    return answer, stored


def _log_decision(
    ctx: Context, decision_id: str, given: EvaluateInput, verdicts: list[dict[str, Any]]
) -> dict[str, Any]:
    """The decision on the log (``Registry.log_decision``): request and verdicts by hash."""
    import hashlib

    from cybernorms.trust.canonical import canonical_json, json_ready

    def digest(value: Any) -> str:
        return hashlib.sha256(canonical_json(json_ready(value))).hexdigest()

    published = ctx.registry().log_decision(
        decision_id, digest(given.model_dump(mode="json")), digest(verdicts)
    )
    return {"index": published.log_index, "entry": published.entry.to_bytes().decode("utf-8")}


def _explain(ctx: Context, given: ExplainInput) -> tuple[dict[str, Any], Any]:
    from cybernorms.service import loading
    from cybernorms.service.explaining import explain

    [incident] = _incidents([given.incident], "input.incident", indexed=False)
    profiles, stored = _profiles(ctx, given.profiles, given.as_of)
    with ctx.service_lock:
        books = loading.rulebooks(ctx.settings.rulebooks)
        explanations = explain(
            books,
            incident,
            given.rule,
            subject=given.subject,
            positions=given.positions,
            profiles=profiles,
            as_of=given.as_of,
            assume_defaults=given.assume_defaults,
        )
    result = {
        "explanations": [
            {
                "verdict": e.verdict.to_json(with_trace=True),
                "rule": {
                    "id": e.rule.id,
                    "package": e.rule.package,
                    "title": e.rule.title,
                    "source": e.rule.source,
                    "text": e.rule.text,
                },
            }
            for e in explanations
        ]
    }
    return _answer(result, given.as_of, stored), stored


def _incidents(objects: list[dict[str, Any]], where: str, *, indexed: bool = True) -> list[Any]:
    """Incidents validated by the same code as incident files (``incidents_from_document``).

    Each incident is written on a line of its own, so a problem's line names its incident:
    problems are reported as ``input.incidents[3]: effects.disruption: ...``, never as a
    position in text the client did not send."""
    from cybernorms.ingest.files import incidents_from_document
    from cybernorms.model.documents import DocumentError, Problem, parse_text

    text = "[\n" + ",\n".join(json.dumps(o, ensure_ascii=False) for o in objects) + "\n]\n"
    try:
        return incidents_from_document(parse_text(text, where))
    except DocumentError as exc:
        problems = []
        for problem in exc.problems:
            found = re.fullmatch(re.escape(where) + r":(\d+):\d+", problem.where)
            place = where
            if found is not None and indexed:
                place = f"{where}[{int(found.group(1)) - 2}]"
            problems.append(Problem(place, problem.message))
        raise DocumentError(problems) from None


def _profiles(ctx: Context, source: ProfileSource, as_of: dt.date | None) -> tuple[list[Any], Any]:
    """The profiles to evaluate with, and the checkpoint they reflect (registry only)."""
    if source is ProfileSource.none:
        return [], None
    from cybernorms.api import logreads
    from cybernorms.store import NotFound

    try:
        stored = logreads.latest(ctx.registry())
    except NotFound:
        stored = None
    return ctx.profiles(stored, as_of or dt.date.today()), stored


def _answer(result: dict[str, Any], as_of: dt.date | None, stored: Any) -> dict[str, Any]:
    return {
        "decision_id": str(uuid.uuid4()),
        "result": result,
        "as_of": None if as_of is None else as_of.isoformat(),
        "checkpoint": checkpoint_json(stored),
    }
