"""What a deployment of the API chooses: the database, the log's key, the request limits.

Why a frozen dataclass and not environment reads scattered through routes: ``create_app``
gets everything it needs as one value, so tests build apps on temporary databases side by
side, and the ``serve`` command is the one place that reads options and the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cybernorms.limits import LIMITS, Limits


@dataclass(frozen=True)
class Settings:
    """``db_url``: the registry (SQLite file or PostgreSQL URL; ``None``: ``$CYBERNORMS_DB``,
    else the default file). ``log_key``: the file holding the log's checkpoint signing key
    (``None``: wherever the store keeps it; see docs/api.md). ``limits``: request limits
    (``request_bytes``, ``request_incidents``) and every other limit the parsers apply.
    ``rulebooks``: the rulebook directory evaluation reads (``None``: the shipped set).
    ``incidents``: the incident files or directory the web dashboard browses (``None``: the
    curated ``examples/incidents`` of a source checkout when there is one; see docs/web.md)."""

    db_url: str | None = None
    log_key: Path | None = None
    limits: Limits = field(default_factory=lambda: LIMITS)
    rulebooks: Path | None = None
    incidents: Path | None = None
