"""``POST /v1/acts``: the one write endpoint. Authority is the signature, never a password.

The body is a signed document exactly as ``cybernorms ... sign`` writes it (a DSSE envelope,
read strictly: duplicate keys, floats and unknown fields refused). Its ``payloadType`` says
what act it is (root, profile, package, position); a package also names the state whose root
signs it (``?publisher=ISO3``). The registry runs the same checks as the CLI; the answer
comes only once a signed checkpoint covers the new entry, with the entry's inclusion proof
under it and a full offline receipt.

Forum and treaty acts (``application/vnd.cybernorms.act+json``) are accepted like any other
signed document: the store dispatches on the payload type (``store.documents``) and accepts an
act only if the fold of the log's acts does (a refusal names the fold's reason). A payload
type the store does not know is refused as ``UnsupportedAct``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from cybernorms.api.answers import checkpoint_header, checkpoint_json, from_note
from cybernorms.api.context import Context, context
from cybernorms.api.problems import PROBLEM_MEDIA_TYPE, ProblemError
from cybernorms.store.documents import document_kind
from cybernorms.trust.encoding import encode_base64
from cybernorms.trust.envelope import PACKAGE_PAYLOAD_TYPE, Envelope

router = APIRouter(tags=["acts"])
Ctx = Annotated[Context, Depends(context)]
_ISO3 = r"^[A-Za-z]{3}$"

_PROBLEM = {"content": {PROBLEM_MEDIA_TYPE: {}}, "description": "a refusal (RFC 9457)"}
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["payloadType", "payload", "signatures"],
                    "properties": {
                        "payloadType": {"type": "string"},
                        "payload": {"type": "string", "description": "base64 of the signed bytes"},
                        "signatures": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "keyid": {"type": "string"},
                                    "sig": {"type": "string"},
                                },
                            },
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/v1/acts",
    status_code=201,
    openapi_extra=_BODY,
    responses={
        201: {"description": "accepted and covered by a signed checkpoint"},
        403: _PROBLEM,
        409: _PROBLEM,
        413: _PROBLEM,
        422: _PROBLEM,
    },
)
async def publish(
    request: Request,
    ctx: Ctx,
    publisher: Annotated[
        str | None,
        Query(pattern=_ISO3, description="Packages only: ISO3 of the state whose root signs it."),
    ] = None,
) -> JSONResponse:
    """Publish a signed root, profile, package or position; answer with its log index, entry
    hash, inclusion proof and the checkpoint that covers it (and an offline receipt)."""
    body = await request.body()
    if not body:
        raise ProblemError(422, "EmptyBody", "the body must be a signed document (JSON envelope)")
    answer = await run_in_threadpool(_publish, ctx, body, publisher)
    return JSONResponse(answer, status_code=201, headers=_checkpoint_headers(answer))


def _publish(ctx: Context, body: bytes, publisher: str | None) -> dict[str, Any]:
    """Parse (strictly, off the event loop), publish, and prove under a signed checkpoint."""
    from cybernorms.log.hashing import leaf_hash

    envelope = Envelope.from_json(body)
    registry = ctx.registry()
    registry.require_signer()  # the answer needs a signed checkpoint: refuse before committing
    kind = document_kind(envelope)  # one mechanism for all; else UnsupportedAct
    if kind.payload_type == PACKAGE_PAYLOAD_TYPE:
        if publisher is None:
            raise ProblemError(
                422, "PublisherRequired", "a package names its publisher: ?publisher=ISO3"
            )
        _validate_package(envelope)
        publisher = publisher.upper()
    published = registry.publish(envelope, publisher=publisher)
    receipt = registry.receipt(published.log_index)  # signs a checkpoint if none covers it
    entry = published.entry.to_bytes()
    stored = from_note(receipt.proof.checkpoint_note)
    return {
        "index": published.log_index,
        "kind": published.entry.kind,
        "label": published.label,
        "entry": entry.decode("utf-8"),
        "entry_hash": encode_base64(leaf_hash(entry)),
        "inclusion_proof": [encode_base64(h) for h in receipt.proof.hashes],
        "checkpoint": checkpoint_json(stored),
        "tlog_proof": receipt.proof.text(),
        "receipt": receipt.to_json(),
    }


def _validate_package(envelope: Envelope) -> None:
    """Refuse a package ``cybernorms check`` would refuse, before anything is logged (issue 14
    finding 2): the signed payload itself is compiled, its types checked and analysed by
    ``service.publishing`` (the one validation every front end runs). It stands alone: a
    package that ``requires`` others is refused here until the API validates against the
    registry's packages; publish it with ``cybernorms package publish``."""
    import tempfile
    from pathlib import Path

    from cybernorms.model.documents import DocumentError, Problem
    from cybernorms.service.publishing import validate_package_for_publication

    with tempfile.TemporaryDirectory(prefix="cybernorms-package-") as tmp:
        path = Path(tmp) / "package.json"
        path.write_bytes(envelope.payload)
        try:
            validate_package_for_publication(path)
        except DocumentError as exc:
            raise DocumentError(
                [Problem(p.where.replace(str(path), "payload"), p.message) for p in exc.problems]
            ) from None


def _checkpoint_headers(answer: dict[str, Any]) -> dict[str, str]:
    return checkpoint_header(from_note(answer["checkpoint"]["note"]))
