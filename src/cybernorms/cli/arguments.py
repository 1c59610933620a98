"""Turning command-line text into values, and refusing what does not parse.

``fail`` is the CLI's one way to refuse: it raises ``BadRequest``, and the error boundary of
``cybernorms.cli.app`` prints it (``refused (BadRequest): ...``) and exits 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NoReturn

from cybernorms.service.errors import BadRequest


def fail(message: str) -> NoReturn:
    raise BadRequest(message)


def parse_date(text: str | None, option: str = "--as-of") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date (YYYY-MM-DD)")


def profile_files(specs: list[str]) -> dict[str, Path]:
    """``--profile ISO3=FILE`` options as a mapping."""
    files: dict[str, Path] = {}
    for spec in specs:
        state, sep, file = spec.partition("=")
        state = state.strip().upper()
        if not sep or len(state) != 3 or not file:
            fail(f"--profile {spec!r}: expected ISO3=FILE")
        files[state] = Path(file)
    return files
