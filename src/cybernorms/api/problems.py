"""Every refusal as an RFC 9457 problem document (``application/problem+json``).

Why one module: a client reads the same five members whatever went wrong: ``type`` (a URI
naming the kind of problem), ``title`` (its short human name), ``status``, ``detail`` (this
occurrence), and our extension ``reason``, the refusal's name the CLI prints too
(``CybernormsError.refusal``: ``RollbackAttempt``, ``ThresholdNotMet``, ...). The HTTP status
of a refusal is chosen here from its class, once, for every route.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, cast

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cybernorms.errors import CybernormsError, LimitExceeded

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://cybernorms.example/problems/"

# Refusal class name -> HTTP status. Looked up along the class's MRO, so a subclass inherits
# its base's status unless listed itself; anything else a refusal makes is 422 (the request
# was understood and refused for what it says).
_STATUS_BY_REFUSAL: dict[str, int] = {
    "NotFound": 404,
    "UnknownName": 404,
    "AlreadyPublished": 409,
    "RollbackAttempt": 409,
    "VersionGap": 409,
    "BadSignature": 403,
    "UnknownKey": 403,
    "ThresholdNotMet": 403,
    "NoRootOfTrust": 403,
    "NotInitialised": 503,
    "LogKeyUnavailable": 503,
    "DatabaseUnavailable": 503,
    "LogIntegrityError": 500,
}


class ProblemError(CybernormsError):
    """A refusal the API itself makes (a bad path, a body that is not JSON, a missing field),
    carrying its HTTP status and reason name."""

    def __init__(self, status: int, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.reason = reason

    @property
    def refusal(self) -> str:
        return self.reason


def status_of(exc: CybernormsError) -> int:
    """The HTTP status of a refusal (see ``_STATUS_BY_REFUSAL``)."""
    if isinstance(exc, ProblemError):
        return exc.status
    if isinstance(exc, LimitExceeded):
        return 413 if exc.limit == "request_bytes" else 422
    for cls in type(exc).__mro__:
        status = _STATUS_BY_REFUSAL.get(cls.__name__)
        if status is not None:
            return status
    return 422


def problem(status: int, reason: str, detail: str, **extra: Any) -> JSONResponse:
    """The problem document response (RFC 9457 section 3) with our ``reason`` member."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + reason,
        "title": _title(status),
        "status": status,
        "detail": detail,
        "reason": reason,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def refusal_handler(request: Request, exc: Exception) -> JSONResponse:
    refusal = cast(CybernormsError, exc)  # registered for CybernormsError only
    return problem(status_of(refusal), refusal.refusal, str(refusal))


async def validation_handler(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own request validation (a path or query parameter of the wrong form)."""
    invalid = cast(RequestValidationError, exc)  # registered for it only
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in invalid.errors()
    ]
    where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:5])
    return problem(422, "InvalidRequest", where or "the request is not valid", errors=errors)


async def http_handler(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (no such route: 404, wrong method: 405) as problem documents."""
    error = cast(StarletteHTTPException, exc)  # registered for it only
    reason = {404: "NoSuchResource", 405: "MethodNotAllowed"}.get(error.status_code, "HTTPError")
    response = problem(error.status_code, reason, str(error.detail))
    if error.headers:
        response.headers.update(error.headers)
    return response


async def database_handler(request: Request, exc: Exception) -> JSONResponse:
    """The database refused or failed a statement (server down, file locked, schema altered):
    the service's ``DatabaseUnavailable`` refusal, 503, with the driver's first line."""
    from cybernorms.service.registry import DatabaseUnavailable

    first = str(exc.__cause__ or exc).splitlines()
    refusal = DatabaseUnavailable(f"database: {first[0] if first else type(exc).__name__}")
    return problem(503, refusal.refusal, str(refusal))


async def bug_handler(request: Request, exc: Exception) -> JSONResponse:
    """Anything else is a bug in this program: a 500 problem document, never a traceback."""
    return problem(500, "InternalError", "an internal error occurred; it is a bug in cybernorms")
