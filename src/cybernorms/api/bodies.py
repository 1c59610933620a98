"""Request bodies bounded before a route reads them (``Limits.request_bytes``).

Why an ASGI middleware and not a check in each route: the limit holds for every route,
whatever it declares, and a body is refused as it arrives: a ``Content-Length`` above the
limit is refused before one byte is read, and a chunked body the moment its running total
passes the limit (the route's read raises ``LimitExceeded``, answered 413).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cybernorms.api.problems import problem
from cybernorms.errors import LimitExceeded


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            refusal = LimitExceeded(
                "request_bytes", self.max_bytes, "request body", f"Content-Length {declared}"
            )
            response = problem(413, refusal.refusal, str(refusal), limit="request_bytes")
            await response(scope, receive, send)
            return
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise LimitExceeded(
                        "request_bytes", self.max_bytes, "request body", f"more than {seen} bytes"
                    )
            return message

        await self.app(scope, bounded, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
