"""The HTTP API: the registry served, its log as C2SP tiles, evaluation in OPA's Data API shape.

A thin front end over ``cybernorms.service`` (DESIGN section 11): each route parses its
request, calls one service or store function, and writes the answer; nothing here decides.

* ``app.create_app(settings)``: the FastAPI application (routers under ``routes/``, one per
  area; the web pages mount as one more router).
* ``settings``: what a deployment chooses (database, log key, limits).
* ``problems``: every refusal as an RFC 9457 problem document.

FastAPI is imported by this package's modules: the CLI imports them only inside ``serve``.
"""
