"""The forum pages in a real browser (Debian's chromium driven by Playwright, uvicorn on
127.0.0.1): reach a forum from the navigation, open a decision and find its national
statements apart beneath it, read a treaty's status table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cybernorms.api.loopback import serving
from cybernorms.service.forum_reads import STATUS_COLUMNS


@pytest.fixture(scope="module")
def base(app: Any) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    tab = chromium.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    tab.close()


def test_open_a_forum_page_from_the_navigation(page: Any, base: str) -> None:
    page.goto(base + "/web/")
    page.click("nav >> text=Forums")
    page.wait_for_url("**/web/forums")
    page.click("#forums >> text=Open-ended working group")
    page.wait_for_url("**/web/forums/oewg-2019-2021")
    assert page.locator("#members .tag").all_inner_texts() == ["DEU", "IRN", "UKR"]
    call = page.locator("#calls tbody tr", has_text="adopt-final-report")
    assert "adopted without a vote" in call.inner_text()
    assert "recorded from public sources" in page.locator("#reflects").inner_text()


def test_a_decision_with_its_statements_apart(page: Any, base: str) -> None:
    page.goto(base + "/web/forums/oewg-2019-2021")
    page.click("#calls >> text=adopted without a vote")
    page.wait_for_url("**/web/decisions/oewg-2019-2021/adopt-final-report")
    decision = page.locator("#decision")
    assert "adopted without a vote" in page.locator("#outcome").inner_text()
    assert "IRN" not in decision.inner_text() and "Chair" not in decision.inner_text()
    apart = page.locator("#national-statements")
    assert apart.locator("h2").inner_text() == "National statements (not part of the decision)"
    assert "IRN" in apart.locator("#disassociations").inner_text()
    assert "chairs summary" in apart.locator("#statements").inner_text()
    below = page.evaluate(
        "() => document.querySelector('#decision').getBoundingClientRect().bottom"
        " <= document.querySelector('#national-statements').getBoundingClientRect().top"
    )
    assert below, "the statements are shown beneath the decision, not inside it"


def test_a_treaty_status_table(page: Any, base: str) -> None:
    page.goto(base + "/web/forums")
    page.click("#treaties >> text=un-cybercrime-convention")
    page.wait_for_url("**/web/treaties/un-cybercrime-convention")
    headers = page.locator("#status-table thead th").all_inner_texts()
    assert headers == list(STATUS_COLUMNS)
    france = page.locator("#status-table tbody tr", has_text="FRA").first
    assert france.locator("td").nth(1).inner_text() == "25 Oct 2025"
    assert page.locator("#in-force").inner_text() == "not yet in force"
