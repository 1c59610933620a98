"""The log as C2SP ``tlog-tiles`` (checkpoint, Merkle tiles, entry bundles) and offline
proofs as C2SP ``tlog-proof``.

Tiles are served up to the latest signed checkpoint's size: anything a client fetches is
committed to by a checkpoint it can verify. Full tiles and full entry bundles never change
(``immutable``, cached a year); partial ones are cached briefly (the spec lets a log drop a
partial tile once the full one exists); the checkpoint for a few seconds.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from cybernorms.api import logreads
from cybernorms.api.answers import checkpoint_header, checkpoint_json
from cybernorms.api.context import Context, context
from cybernorms.api.problems import ProblemError
from cybernorms.api.tiles import TilePathError, available, parse_tile, tile_path
from cybernorms.store import NotFound
from cybernorms.trust.encoding import encode_base64

router = APIRouter(tags=["log"])

IMMUTABLE = "public, max-age=31536000, immutable"
PARTIAL = "public, max-age=60"
CHECKPOINT = "public, max-age=2"
TEXT = "text/plain; charset=utf-8"
OCTETS = "application/octet-stream"
Ctx = Annotated[Context, Depends(context)]
_BINARY: dict[int | str, dict[str, Any]] = {
    200: {"content": {OCTETS: {}}, "description": "the tile's bytes"}
}


@router.get(
    "/log/checkpoint",
    response_class=Response,
    responses={200: {"content": {TEXT: {}}, "description": "the latest signed checkpoint"}},
)
async def checkpoint(ctx: Ctx) -> Response:
    """The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)."""
    stored = await run_in_threadpool(lambda: logreads.latest(ctx.registry()))
    return Response(
        stored.note,
        media_type=TEXT,
        headers={"Cache-Control": CHECKPOINT, **checkpoint_header(stored)},
    )


@router.get("/log/tile/entries/{index:path}", response_class=Response, responses=_BINARY)
async def entry_bundle(index: str, ctx: Ctx) -> Response:
    """An entry bundle: the entries of a level-0 tile, each prefixed by a big-endian uint16
    length. ``index`` in the spec's path encoding (``x001/x234/067``), ``.p/<W>`` for a
    partial bundle."""
    return await _tile("entries", index, ctx)


@router.get("/log/tile/{level}/{index:path}", response_class=Response, responses=_BINARY)
async def merkle_tile(level: str, index: str, ctx: Ctx) -> Response:
    """A Merkle tile: up to 256 consecutive hashes at tree height 8 * ``level``."""
    return await _tile(level, index, ctx)


async def _tile(level: str, index: str, ctx: Ctx) -> Response:
    try:
        tile = parse_tile(level, index)
    except TilePathError as exc:
        raise ProblemError(404, "NoSuchTile", str(exc)) from exc

    def read() -> bytes:
        registry = ctx.registry()
        size = logreads.latest(registry).checkpoint.size
        if not available(tile, size):
            raise NotFound(
                f"{tile_path(tile)} is not determined by the latest checkpoint (size {size})"
            )
        if tile.level is None:
            return logreads.entry_bundle(registry, tile)
        return logreads.tile_hashes(registry, tile)

    data = await run_in_threadpool(read)
    return Response(
        data, media_type=OCTETS, headers={"Cache-Control": IMMUTABLE if tile.full else PARTIAL}
    )


@router.get(
    "/log/proof/{index}",
    response_class=Response,
    responses={200: {"content": {TEXT: {}}, "description": "a c2sp.org/tlog-proof@v1 bundle"}},
)
async def proof(
    ctx: Ctx,
    index: Annotated[int, Path(ge=0, le=2**63 - 1)],
    size: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Response:
    """An offline proof bundle (C2SP tlog-proof) that entry ``index`` is in the log: its
    inclusion proof under the checkpoint of ``size`` (default: the latest), and that signed
    checkpoint. Verify it with the log's key alone; the entry itself is in its bundle."""
    from cybernorms.store.receipt import TlogProof

    found = await run_in_threadpool(lambda: logreads.inclusion(ctx.registry(), index, size))
    text = TlogProof(found.index, found.hashes, found.checkpoint.note).text()
    return Response(text, media_type=TEXT, headers=checkpoint_header(found.checkpoint))


@router.get("/log/entries/{index}")
async def entry(ctx: Ctx, index: Annotated[int, Path(ge=0, le=2**63 - 1)]) -> JSONResponse:
    """One log entry as JSON: its canonical bytes (as text), leaf hash and inclusion proof
    under the latest checkpoint."""
    found = await run_in_threadpool(lambda: logreads.inclusion(ctx.registry(), index))
    return JSONResponse(
        {
            "index": found.index,
            "entry": found.entry.decode("utf-8"),
            "entry_hash": encode_base64(found.leaf_hash),
            "inclusion_proof": [encode_base64(h) for h in found.hashes],
            "checkpoint": checkpoint_json(found.checkpoint),
        },
        headers=checkpoint_header(found.checkpoint),
    )


@router.get("/log/key", response_class=Response, responses={200: {"content": {TEXT: {}}}})
async def key(ctx: Ctx) -> Response:
    """The log's verifier key (signed-note ``name+id+base64``): what offline checks need."""
    vkey = await run_in_threadpool(lambda: ctx.registry().log_vkey())
    return Response(vkey + "\n", media_type=TEXT)
