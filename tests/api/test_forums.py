"""The forum read models over HTTP: each endpoint answers from the shipped history (labelled
recorded from public sources, named by its SHA-256), CSV status tables by query or Accept,
unknown names as RFC 9457 problems, and every route in the OpenAPI document."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cybernorms.api.app import create_app
from cybernorms.api.routes.forums import RECORD_HEADER
from cybernorms.api.settings import Settings
from cybernorms.service import forum_reads

OEWG = "oewg-2019-2021"
TREATY = "un-cybercrime-convention"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app whose forum answers come from the shipped history: no registry is opened (one
    database kind is enough here, unlike the registry's own read tests)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('forums') / 'registry.db'}"
    app = create_app(Settings(db_url=url))
    with TestClient(app) as test_client:
        yield test_client
    app.state.context.close()


def _reflects_the_shipped_history(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    shipped = forum_reads.shipped_history().reflects
    assert body["reflects"]["source"] == "shipped_history"
    assert body["reflects"]["version"] == shipped.version
    assert forum_reads.SHIPPED_LABEL in body["reflects"]["label"]
    assert body["checkpoint"] is None
    headers = response.headers
    assert headers[RECORD_HEADER] == f"shipped_history {shipped.version}"
    return body


def test_forums_list_members_and_the_packages_they_own(client: TestClient) -> None:
    body = _reflects_the_shipped_history(client.get("/v1/forums"))
    by_id = {f["id"]: f for f in body["forums"]}
    assert set(by_id) == {OEWG, "unga"}
    assert {"package": "oewg-2021", "kind": "norms"} in by_id[OEWG]["packages"]
    assert by_id[OEWG]["members"]["IRN"] == "member"


def test_a_forum_with_its_proposals_revisions_and_calls(client: TestClient) -> None:
    body = _reflects_the_shipped_history(client.get(f"/v1/forums/{OEWG}"))
    (proposal,) = body["proposals"]
    assert proposal["id"] == "final-report"
    assert len(proposal["revisions"][0]["content_hash"]) == 64
    (call,) = body["calls"]
    assert call["call"] == "adopt-final-report" and call["status"] == "closed"
    assert call["still_needs"].startswith("Closed at log index")


def test_a_call_with_positions_and_what_it_still_needs(client: TestClient) -> None:
    body = _reflects_the_shipped_history(client.get(f"/v1/forums/{OEWG}/calls/adopt-final-report"))
    positions = {p["state"]: p["position"] for p in body["positions"]}
    assert positions == {"DEU": "join", "IRN": "disassociate"}
    assert body["still_needs"] == body["call"]["still_needs"]


def test_a_decision_with_national_statements_kept_apart(client: TestClient) -> None:
    body = _reflects_the_shipped_history(client.get(f"/v1/decisions/{OEWG}/adopt-final-report"))
    decision = body["decision"]
    assert decision["outcome"] == "adopted_without_vote"
    assert "statements" not in decision and "disassociations" not in decision
    apart = body["national_statements"]
    assert [d["state"] for d in apart["disassociations"]] == ["IRN"]
    listed = client.get("/v1/decisions").json()["decisions"]
    assert {(d["forum"], d["call"]) for d in listed} >= {(OEWG, "adopt-final-report")}


def test_a_treaty_status_table_as_json(client: TestClient) -> None:
    body = _reflects_the_shipped_history(client.get(f"/v1/treaties/{TREATY}/status"))
    status = body["status"]
    assert status["columns"] == list(forum_reads.STATUS_COLUMNS)
    assert status["in_force_from"] is None
    assert status["instruments_required"] == 40
    signed = {p["participant"]: p for p in status["participants"]}
    assert signed["FRA"]["signature"] == "2025-10-25" and signed["FRA"]["consent"] is None


def test_a_treaty_status_table_as_csv_by_query_or_accept(client: TestClient) -> None:
    by_query = client.get(f"/v1/treaties/{TREATY}/status?format=csv")
    by_accept = client.get(f"/v1/treaties/{TREATY}/status", headers={"accept": "text/csv"})
    for response in (by_query, by_accept):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers[RECORD_HEADER].startswith("shipped_history ")
    assert by_query.text == by_accept.text
    first, *rest = by_query.text.splitlines()
    assert first.startswith(f"# {TREATY} ") and forum_reads.SHIPPED_LABEL in first
    rows = list(csv.reader(io.StringIO("\n".join(rest))))
    assert rows[0] == list(forum_reads.STATUS_COLUMNS)
    assert ["FRA", "25 Oct 2025", "", "", "", "", "yes"] in rows


def test_packages_as_of_a_date_for_a_state(client: TestClient) -> None:
    early = client.get("/v1/packages/as-of?date=2016-01-01&state=irn").json()
    assert [p["package"] for p in early["packages"]] == ["un-gge-2015"]
    later = _reflects_the_shipped_history(
        client.get("/v1/packages/as-of?date=2022-01-01&state=IRN")
    )
    found = {p["package"]: p for p in later["packages"]}
    assert set(found) == {"gge-2021", "oewg-2021", "un-gge-2015"}
    assert found["oewg-2021"]["disassociated"] == ["unspecified"]
    assert found["oewg-2021"]["basis"] == "consensus"


def test_unknown_names_and_bad_parameters_are_problems(client: TestClient) -> None:
    for path in (
        "/v1/forums/no-such-forum",
        f"/v1/forums/{OEWG}/calls/no-such-call",
        "/v1/decisions/unga/no-such-call",
        "/v1/treaties/un-gge-2015/status",
        f"/v1/treaties/{TREATY}/status?revision={'0' * 64}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["reason"] == "UnknownName" and problem["status"] == 404
    for path in (
        "/v1/packages/as-of?date=yesterday&state=IRN",
        "/v1/packages/as-of?date=2022-01-01",
        f"/v1/treaties/{TREATY}/status?format=xml",
    ):
        response = client.get(path)
        assert response.status_code == 422, path
        assert response.json()["reason"] == "InvalidRequest"


def test_the_forum_routes_are_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/forums",
        "/v1/forums/{forum_id}",
        "/v1/forums/{forum_id}/calls/{call_id}",
        "/v1/decisions",
        "/v1/decisions/{forum_id}/{call_id}",
        "/v1/treaties/{package}/status",
        "/v1/packages/as-of",
    ):
        assert "get" in paths[path], path
