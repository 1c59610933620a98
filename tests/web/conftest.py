"""Fixtures of the dashboard tests: a small incidents directory (three curated incidents and
one with a hostile id), an app over it on a fresh registry, and Debian's chromium.

The browser tests skip without ``/usr/bin/chromium`` or Playwright (install them with
``bash scripts/chromium-install.sh``; Playwright comes with the ``dev`` extra); ``CYBERNORMS_REQUIRE_BROWSER=1``
(set by ``.ci/run``) turns that skip into a failure, like ``CYBERNORMS_REQUIRE_PG``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the dashboard tests need the 'api' extra")

from cybernorms.api.app import create_app
from cybernorms.api.settings import Settings
from cybernorms.store import Registry

REPO = Path(__file__).resolve().parents[2]
CURATED = REPO / "examples" / "incidents"
CHOSEN = ("2017-notpetya.yaml", "2015-ukraine-power-grid.yaml", "2007-estonia-ddos.yaml")
HOSTILE_ID = '<script>alert("id")</script>&amp;'
HOSTILE = f"""\
id: '{HOSTILE_ID}'
name: '<img src=x onerror=alert(1)>'
description: '</p><script>alert("description")</script>'
start_date: 2019-03-01
sources: ['javascript:alert(1)']
initiator: {{name: '<b>bold</b>', category: state, country: RUS}}
attribution: {{state: RUS, level: direct}}
targets:
  - {{country: UKR, category: critical_infrastructure, sector: energy, name: '<i>grid</i>'}}
effects: {{disruption: long}}
"""


@pytest.fixture(scope="session")
def hostile_id() -> str:
    """The id of the incident written to be markup, in every page that shows it."""
    return HOSTILE_ID


@pytest.fixture(scope="module")
def incidents_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("incidents")
    for name in CHOSEN:
        shutil.copy(CURATED / name, where / name)
    (where / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    return where


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('registry') / 'registry.db'}"
    Registry.init(url).close()
    return url


@pytest.fixture(scope="module")
def app(db_url: str, incidents_dir: Path) -> Iterator[Any]:
    built = create_app(Settings(db_url=db_url, incidents=incidents_dir))
    yield built
    built.state.context.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A Playwright context of Debian's chromium; skips (fails under CI) without one."""
    from cybernorms.api.web.browser import CHROMIUM, chromium_context

    missing = ""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Playwright is not installed (pip install -e '.[dev]')"
    if not missing and not CHROMIUM.exists():
        missing = f"no {CHROMIUM} (run: bash scripts/chromium-install.sh)"
    if missing:
        if os.environ.get("CYBERNORMS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{missing} (CYBERNORMS_REQUIRE_BROWSER=1 makes this a failure)")
        pytest.skip(missing)
    with chromium_context() as context:
        yield context
