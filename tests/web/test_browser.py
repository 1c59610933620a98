"""The dashboard in a real browser: Debian's chromium, driven by Playwright, against a real
uvicorn on 127.0.0.1 and a free port. Browse and filter, open an explanation, compare the
national views, upload and evaluate, and see a refused publication's reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from cybernorms.api.loopback import serving
from cybernorms.api.web import jobs
from cybernorms.trust import PROFILE_PAYLOAD_TYPE, SigningKey, sign_document


@pytest.fixture(scope="module")
def base(app: Any) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    tab = chromium.new_page()
    tab.set_default_timeout(20_000)
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield tab
    tab.close()
    assert dialogs == [], f"a page ran a script from the data: {dialogs}"


def test_browse_and_filter(page: Any, base: str) -> None:
    page.goto(base + "/web/")
    assert page.locator("#incidents tbody tr").count() == 4
    page.select_option("select[name=victim]", "EST")  # applies on change, no button press
    page.wait_for_url("**victim=EST**")
    rows = page.locator("#incidents tbody tr")
    assert rows.count() == 1
    assert "2007 denial-of-service campaign against Estonia" in rows.first.inner_text()
    page.goto(base + "/web/")
    page.select_option("select[name=outcome]", "violation")
    page.wait_for_url("**outcome=violation**")
    page.select_option("select[name=basis]", "position:FRA")
    page.wait_for_url("**basis=position%3AFRA**")
    assert "under national view of FRA" in page.locator("#count").inner_text()


def test_a_hostile_incident_runs_no_script(page: Any, base: str, hostile_id: str) -> None:
    page.goto(base + f"/web/incident?id={quote(hostile_id)}")
    assert page.locator("h1").inner_text() == "<img src=x onerror=alert(1)>"
    assert hostile_id in page.locator("main").inner_text()


def test_open_an_explanation(page: Any, base: str) -> None:
    page.goto(base + "/web/incident?id=cn:2017-notpetya")
    row = page.locator("#verdict-matrix tbody tr", has_text="gge2015.f")
    row.locator("td.cell a.explain").first.click()
    page.wait_for_url("**/web/explain?**")
    assert "gge2015.f" in page.locator("h1").inner_text()
    assert "Reasoning" in page.content()
    top = page.locator(".trace > details.trace-node")
    assert top.get_attribute("open") is not None
    top.locator("> summary").click()  # the tree is collapsible
    assert top.get_attribute("open") is None
    page.click("[data-toggle-all]")
    assert page.locator(".trace details:not([open])").count() == 0
    assert page.locator(".trace .fact").count() > 0  # nodes name the facts they read


def test_compare_positions(page: Any, base: str) -> None:
    page.goto(base + "/web/incident?id=cn:2017-notpetya")
    headers = page.locator("#verdict-matrix thead th").all_inner_texts()
    assert "national view of FRA" in headers and "national view of GBR" in headers
    assert not any(h.startswith(("position:", "group:")) for h in headers)
    assert "common view of group:AU" in headers
    rows = page.locator("#verdict-matrix tbody tr")
    total = rows.count()
    differing = page.locator("#verdict-matrix tbody tr.differs").count()
    assert 0 < differing < total
    page.check("#only-differing")
    visible = [r for r in rows.all() if r.is_visible()]
    assert len(visible) == differing
    assert all(r.locator("td.departs").count() > 0 for r in visible)


def test_upload_and_evaluate(page: Any, base: str, incidents_dir: Path) -> None:
    page.goto(base + "/web/upload")
    page.set_input_files("input[type=file]", str(incidents_dir / "2015-ukraine-power-grid.yaml"))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/web/jobs/**")
    page.wait_for_selector("#job[data-state=done]")
    section = page.locator(".upload-result")
    assert section.count() == 1
    assert "cn:2015-ukraine-power-grid" in section.inner_text()
    assert section.locator(".outcome.violation").count() > 0
    section.locator("a.explain").first.click()
    page.wait_for_url("**job=**")
    assert "Reasoning" in page.content()


def test_a_refused_publication_shows_its_reason(page: Any, base: str) -> None:
    key = SigningKey.generate("FRA")
    document = {"state": "FRA", "version": 1, "effective_from": "2024-01-01", "parameters": {}}
    envelope = sign_document(PROFILE_PAYLOAD_TYPE, document, [key])  # FRA has no root here
    page.goto(base + "/web/publish")
    page.fill("textarea[name=envelope]", envelope.to_bytes().decode())
    page.click("#publish-form button[type=submit]")
    reason = page.wait_for_selector("#publish-reason")
    assert reason.inner_text().startswith("Refused (403): NoRootOfTrust")
    assert "FRA" in page.locator("#publish-result").inner_text()
    page.fill("textarea[name=envelope]", "{not json")
    page.click("#publish-form button[type=submit]")
    page.wait_for_function(
        "document.querySelector('#publish-reason')?.textContent.includes('Refused (422)')"
    )


def test_progress_is_polled_until_the_run_ends(page: Any, base: str, app: Any) -> None:
    # A run held at a known point: the page's bar follows the job as the test advances it.
    if getattr(app.state, "web_jobs", None) is None:
        app.state.web_jobs = jobs.Jobs()
    job = app.state.web_jobs.new("long-run.yaml")
    job.state, job.total, job.done = "running", 4, 1
    page.goto(base + f"/web/jobs/{job.id}")
    assert page.locator("#job-progress").get_attribute("value") == "1"
    job.done = 3
    page.wait_for_function("document.querySelector('#job-progress').value === 3")
    assert page.locator("#job-count").inner_text() == "3 of 4 incidents evaluated"
    job.done, job.state = 4, "done"
    page.wait_for_selector("#job[data-state=done]")  # the page reloads with the verdicts
