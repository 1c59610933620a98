"""``create_app(settings)``: the FastAPI application of the registry, its log and evaluation.

Layout: one router per area under ``cybernorms.api.routes`` (``log``: C2SP tiles and proofs;
``acts``: the one write endpoint; ``registry``: read models of states, packages, positions;
``evaluation``: OPA-shaped evaluate and explain). The web pages are one more router, mounted
the same way (``app.include_router``). Every refusal leaves as an RFC 9457 problem document
(``problems``), and every request body is bounded (``limits.BodyLimit``) before any route
reads it.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from cybernorms import __version__
from cybernorms.api import problems
from cybernorms.api.bodies import BodyLimit
from cybernorms.api.context import Context
from cybernorms.api.routes import acts, evaluation, forums, log, registry
from cybernorms.api.settings import Settings
from cybernorms.api.web import forums as web_forums
from cybernorms.api.web import routes as web_routes
from cybernorms.errors import CybernormsError

DESCRIPTION = """\
The cybernorms registry over HTTP. Authority is a signature, never a password: the one write
endpoint (`POST /v1/acts`) takes a signed document and answers once a signed checkpoint of
the transparency log covers it. The log is served as C2SP `tlog-tiles` under `/log/`;
evaluation follows the shape of OPA's Data API (`{"input": ...}` in, `{"result": ...,
"decision_id": ...}` out). Every refusal is an RFC 9457 problem document whose `reason` names
it.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for ``settings`` (default: ``$CYBERNORMS_DB`` or the default file).

    The registry is opened on first use, not here: building the app (for ``/openapi.json``,
    for tests) needs no database."""
    chosen = settings or Settings()
    app = FastAPI(
        title="cybernorms",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.context = Context(chosen)
    app.add_middleware(BodyLimit, max_bytes=chosen.limits.request_bytes)
    app.add_exception_handler(CybernormsError, problems.refusal_handler)
    app.add_exception_handler(RequestValidationError, problems.validation_handler)
    app.add_exception_handler(StarletteHTTPException, problems.http_handler)
    app.add_exception_handler(SQLAlchemyError, problems.database_handler)
    app.add_exception_handler(Exception, problems.bug_handler)
    # forums before registry: /v1/packages/as-of must not be read as /v1/packages/{digest}
    for module in (log, acts, forums, registry, evaluation):
        app.include_router(module.router)
    app.include_router(web_routes.router)  # the dashboard's pages under /web/
    app.include_router(web_forums.router)  # its forum and treaty pages

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        """A person who opens the server's address lands on the dashboard."""
        return RedirectResponse("/web/", status_code=307)

    return app
