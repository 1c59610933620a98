"""The forum pages as HTML (no browser): a decision first and its national statements apart
under their own heading, a call's positions and what it still needs, a treaty's status
table, the departures chart, and refusals as pages with their reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cybernorms.forum.history import package_content_hash
from cybernorms.service.forum_reads import SHIPPED_LABEL, STATUS_COLUMNS

DECISION = "/web/decisions/oewg-2019-2021/adopt-final-report"


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def test_the_navigation_leads_to_the_forums(client: TestClient) -> None:
    assert 'href="/web/forums"' in client.get("/web/").text
    listing = client.get("/web/forums").text
    for link in (
        "/web/forums/oewg-2019-2021",
        "/web/forums/unga",
        DECISION,
        "/web/treaties/un-cybercrime-convention",
        "/web/departures",
    ):
        assert f'href="{link}"' in listing, link
    assert SHIPPED_LABEL in listing  # every page says what it reflects


def test_a_decision_comes_first_and_national_statements_apart(client: TestClient) -> None:
    page = client.get(DECISION).text
    decision, _, apart = page.partition("National statements (not part of the decision)")
    assert apart, "the statements have their own heading"
    assert "adopted without a vote" in decision
    assert "Chair" not in decision and "IRN" not in decision.split('id="decision"')[1]
    assert "IRN</span> disassociated from unspecified" in apart
    assert "chairs summary" in apart and "(noted, never adopted)" in apart


def test_a_call_shows_each_members_position_and_what_it_still_needs(
    client: TestClient,
) -> None:
    page = client.get("/web/forums/oewg-2019-2021/calls/adopt-final-report").text
    assert "What it still needs:</strong> Closed at log index" in page
    assert "disassociate" in page and "(paragraphs unspecified)" in page
    unga = client.get("/web/forums/unga/calls/res-70-237").text
    assert unga.count("no position recorded") == 20  # the General Assembly took no vote


def test_a_forum_lists_its_proposals_revisions_and_calls(client: TestClient) -> None:
    page = client.get("/web/forums/unga").text
    for shown in ("a-70-174", "res-70-237", "res-79-243", "un-cybercrime-convention"):
        assert shown in page
    # the revision adopted: the content hash of the shipped package file the record names
    rulebooks = Path(__file__).resolve().parents[2] / "rulebooks"
    assert package_content_hash(rulebooks / "un-gge-2015" / "package.yaml") in page


def test_a_treaty_page_shows_its_status_table_and_entry_into_force(client: TestClient) -> None:
    page = client.get("/web/treaties/un-cybercrime-convention").text
    for column in STATUS_COLUMNS:
        assert f'<th scope="col">{column}</th>' in page
    assert "<td>FRA</td><td>25 Oct 2025</td>" in page
    assert "not yet in force" in page and "0 of the 40 required" in page


def test_the_departures_chart_is_drawn_from_the_analysis(client: TestClient) -> None:
    page = client.get("/web/departures").text
    assert '<svg class="departures"' in page
    assert "national view of FRA" in page and "position:FRA" not in page


def test_unknown_forum_names_are_pages_with_a_reason(client: TestClient) -> None:
    for path in (
        "/web/forums/nope",
        "/web/forums/unga/calls/nope",
        "/web/decisions/unga/nope",
        "/web/treaties/un-gge-2015",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert 'data-reason="UnknownName"' in response.text
