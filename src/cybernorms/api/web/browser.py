"""Debian's chromium driven by Playwright: how the browser tests and the screenshots start it.

Why the system binary: Playwright's own browser download is not reachable from the project's
machines; ``scripts/chromium-install.sh`` installs Debian's ``chromium`` and Playwright drives
it through ``executable_path``. The flags keep it headless and quiet: no sandbox (root in CI),
no GPU, and no network of its own (no QUIC, no background updates or sync), so the only
traffic is to the loopback server under test. Each launch gets a fresh profile directory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@contextmanager
def chromium_context(*, width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A Playwright browser context of Debian's chromium with a fresh user-data-dir."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="cybernorms-chromium-") as profile,
        sync_playwright() as pw,
    ):
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(FLAGS),
            viewport={"width": width, "height": height},
        )
        try:
            yield context
        finally:
            context.close()
