"""Read models of the registry: states' profile histories, packages, positions.

Every answer names the signed checkpoint it reflects (``answers``) and lists only records
that checkpoint covers. Records are re-verified by the store on the way out (signatures
against the state's root, envelope against its log entry): a tampered row is a refusal
(``LogIntegrityError``), never an answer.

Forums, calls, decisions and treaty status tables are ``routes.forums``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from cybernorms.api.answers import checkpoint_header, checkpoint_json, covered
from cybernorms.api.context import Context, context
from cybernorms.api.problems import PROBLEM_MEDIA_TYPE
from cybernorms.model.readers import READER_INPUT, reader_id

router = APIRouter(tags=["registry"])
Ctx = Annotated[Context, Depends(context)]
ISO3 = Annotated[str, Path(pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code")]
_PROBLEM = {"content": {PROBLEM_MEDIA_TYPE: {}}, "description": "a refusal (RFC 9457)"}
_REFUSALS: dict[int | str, dict[str, Any]] = {404: _PROBLEM, 422: _PROBLEM, 503: _PROBLEM}


@router.get("/v1/states/{iso3}/profiles", responses=_REFUSALS)
async def state_profiles(
    iso3: ISO3,
    ctx: Ctx,
    as_of: Annotated[
        dt.date | None,
        Query(description="Only the version in force on this date (YYYY-MM-DD)."),
    ] = None,
) -> JSONResponse:
    """A state's profile versions, oldest first; with ``as_of``, the one in force that day."""
    state = iso3.upper()

    def read() -> tuple[list[Any], Any]:
        registry = ctx.registry()
        stored = _checkpoint(ctx)
        if as_of is None:
            history = registry.profile_history(state)
        else:
            history = list(registry.profiles_as_of(as_of, state).values())
        return [_profile(p) for p in history if covered(p.log_index, stored)], stored

    profiles, stored = await run_in_threadpool(read)
    return _answer(
        {"state": state, "as_of": as_of and as_of.isoformat(), "profiles": profiles}, stored
    )


@router.get("/v1/packages", responses=_REFUSALS)
async def packages(
    ctx: Ctx,
    name: Annotated[str | None, Query(max_length=200, description="Only this package.")] = None,
) -> JSONResponse:
    """Every published package (name, version, publisher, content hash, log entry)."""

    def read() -> tuple[list[Any], Any]:
        stored = _checkpoint(ctx)
        found = ctx.registry().packages(name)
        return [_package(p, False) for p in found if covered(p.log_index, stored)], stored

    found, stored = await run_in_threadpool(read)
    return _answer({"packages": found}, stored)


@router.get("/v1/packages/{digest}", responses=_REFUSALS)
async def package(
    ctx: Ctx,
    digest: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="hex SHA-256")],
) -> JSONResponse:
    """One package by its content hash, with its signed document."""
    from cybernorms.store import NotFound

    def read() -> tuple[Any, Any]:
        stored = _checkpoint(ctx)
        for p in ctx.registry().packages():
            if p.digest == digest and covered(p.log_index, stored):
                return _package(p, True), stored
        raise NotFound(f"no published package with sha256 {digest}")

    found, stored = await run_in_threadpool(read)
    return _answer({"package": found}, stored)


@router.get("/v1/positions", responses=_REFUSALS)
async def positions(
    ctx: Ctx,
    state: Annotated[
        str | None,
        Query(
            pattern=READER_INPUT,
            description="Only this reader's: a state (ISO3) or a group (group:NAME).",
        ),
    ] = None,
) -> JSONResponse:
    """Published positions, national or a group's (reader, package read, content hash, signed
    document)."""
    from dataclasses import asdict

    from cybernorms.api import logreads

    def read() -> tuple[list[Any], Any]:
        stored = _checkpoint(ctx)
        if stored is None:
            return [], None
        size = stored.checkpoint.size
        found = logreads.positions(ctx.registry(), size, state and reader_id(state))
        return [asdict(p) for p in found], stored

    found, stored = await run_in_threadpool(read)
    return _answer({"positions": found}, stored)


def _checkpoint(ctx: Context) -> Any:
    from cybernorms.api import logreads
    from cybernorms.store import NotFound

    try:
        return logreads.latest(ctx.registry())
    except NotFound:
        return None


def _answer(body: dict[str, Any], stored: Any) -> JSONResponse:
    return JSONResponse(
        {**body, "checkpoint": checkpoint_json(stored)}, headers=checkpoint_header(stored)
    )


def _profile(stored: Any) -> dict[str, Any]:
    p = stored.profile
    return {
        "state": p.state,
        "version": p.version,
        "effective_from": p.effective_from.isoformat(),
        "expires": None if p.expires is None else p.expires.isoformat(),
        "root_version": stored.root_version,
        "sha256": stored.digest,
        "log_index": stored.log_index,
        "logged_at": stored.logged_at,
        "document": stored.envelope.document(),
        "envelope": stored.envelope.to_json(),
    }


def _package(stored: Any, with_document: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": stored.info.name,
        "version": stored.info.version,
        "publisher": stored.publisher,
        "root_version": stored.root_version,
        "sha256": stored.digest,
        "log_index": stored.log_index,
        "logged_at": stored.logged_at,
    }
    if with_document:
        out["document"] = stored.envelope.document()
        out["envelope"] = stored.envelope.to_json()
    return out
