"""Evaluation in the shape of OPA's Data API: ``{"input": ...}`` in, ``{"result": ...,
"decision_id": ...}`` out, verdicts exactly those the service gives (the README's output
contract), refusals as problem documents, and the request limits."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from store.world import World

from cybernorms.api.app import create_app
from cybernorms.api.settings import Settings
from cybernorms.ingest.files import load_incidents
from cybernorms.limits import LIMITS
from cybernorms.service import evaluating, loading
from cybernorms.service.formats import Detail
from cybernorms.store import Registry

from .test_acts import post, refused

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "incidents"
ESTONIA = EXAMPLES / "2007-estonia-ddos.yaml"


def incident_json(path: Path = ESTONIA) -> dict[str, Any]:
    """An incident file as the JSON a client sends (dates as ISO strings)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))


def test_verdicts_are_the_services_with_a_decision_id(client: TestClient) -> None:
    response = client.post(
        "/v1/evaluate",
        json={
            "input": {
                "incidents": [incident_json()],
                "positions": ["FRA"],
                "profiles": "none",
                "as_of": "2024-01-01",
            }
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    uuid.UUID(body["decision_id"])
    books = loading.rulebooks()
    chosen = evaluating.setup(books, positions=["FRA"], profiles=[])
    want = [
        v.to_json(with_trace=False)
        for v in evaluating.evaluate(
            chosen, load_incidents(ESTONIA), as_of=dt.date(2024, 1, 1), detail=Detail.profiles
        )
    ]
    assert body["result"]["verdicts"] == want
    assert {v["basis"] for v in want} >= {"consensus", "position:FRA"}
    assert list(want[0]) == [
        "incident",
        "package",
        "rule",
        "subject",
        "basis",
        "outcome",
        "missing",
        "profiles",
        "question",
        "reason",
        "record",  # the adoption that earns its consensus (service.record)
    ]
    assert body["result"]["incidents"] == 1


def test_detail_levels(client: TestClient) -> None:
    def ask(detail: str) -> list[dict[str, Any]]:
        body = {"input": {"incidents": [incident_json()], "profiles": "none", "detail": detail}}
        return list(client.post("/v1/evaluate", json=body).json()["result"]["verdicts"])

    traced, outcomes = ask("trace"), ask("outcome")
    assert all("trace" in v for v in traced)
    assert all("trace" not in v and "profiles" not in v for v in outcomes)
    assert [v["outcome"] for v in traced] == [v["outcome"] for v in outcomes]


def test_defaults_decide_only_when_the_body_assumes_them(client: TestClient) -> None:
    """Triton's victim (SAU) publishes no profile: gge2015.f is undetermined, naming the
    parameter; with ``assume_defaults`` the defaults decide and the basis says so."""
    triton = incident_json(EXAMPLES / "2017-triton-trisis.yaml")

    def ask(**extra: Any) -> dict[str, Any]:
        body = {"input": {"incidents": [triton], "profiles": "none", **extra}}
        verdicts = client.post("/v1/evaluate", json=body).json()["result"]["verdicts"]
        return next(v for v in verdicts if v["rule"] == "gge2015.f")

    plain = ask()
    assert plain["outcome"] == "undetermined" and plain["basis"] == "consensus"
    assert "profile(SAU).critical_sectors" in plain["missing"]
    assumed = ask(assume_defaults=True)
    assert assumed["basis"] == "consensus+assumed:defaults"
    assert assumed["profiles"] == ["SAU@assumed:defaults"]


def test_profiles_come_from_the_registry_as_verified_there(
    client: TestClient, world: World
) -> None:
    assert post(client, world.signed_root("EST", "12", 1, signers="1")).status_code == 201
    assert (
        post(client, world.profile("EST", 1, signers="1", sectors=("finance",))).status_code == 201
    )
    response = client.post(
        "/v1/evaluate",
        json={
            "input": {"incidents": [incident_json()], "detail": "profiles", "as_of": "2024-01-01"}
        },
    )
    body = response.json()
    assert body["checkpoint"]["size"] == 2
    assert response.headers["cybernorms-checkpoint"].startswith("2 ")
    read = {p for v in body["result"]["verdicts"] for p in v["profiles"]}
    assert "EST@1" in read, read


def test_explain_gives_the_reasoning_tree(client: TestClient) -> None:
    response = client.post(
        "/v1/explain",
        json={"input": {"incident": incident_json(), "rule": "gge2015.a", "profiles": "none"}},
    )
    assert response.status_code == 200, response.text
    [first, *_] = response.json()["result"]["explanations"]
    assert first["rule"]["id"] == "gge2015.a"
    assert first["verdict"]["trace"]["expr"]
    refused(
        client.post(
            "/v1/explain",
            json={"input": {"incident": incident_json(), "rule": "no.such", "profiles": "none"}},
        ),
        404,
        "UnknownName",
    )


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"input": {"incidents": [{"idd": "x"}], "profiles": "none"}}, 422, "DocumentError"),
        (
            {"input": {"incidents": [{"id": "x", "start_date": "2020-13-45"}], "profiles": "none"}},
            422,
            "DocumentError",
        ),
        (
            {"input": {"incidents": [incident_json(), incident_json()], "profiles": "none"}},
            422,
            "DocumentError",
        ),
        (
            {"input": {"incidents": [], "positions": ["ZZZ"], "profiles": "none"}},
            404,
            "UnknownName",
        ),
        (
            {"input": {"incidents": [], "packages": ["nope"], "profiles": "none"}},
            404,
            "UnknownName",
        ),
        ({"input": {"incidents": [], "as_of": "yesterday"}}, 422, "InvalidRequest"),
        ({"input": {"incidents": [], "unknown": 1}}, 422, "InvalidRequest"),
        ({"incidents": []}, 422, "InvalidRequest"),
    ],
)
def test_bad_requests_are_named(client: TestClient, body: Any, status: int, reason: str) -> None:
    problem = refused(client.post("/v1/evaluate", json=body), status, reason)
    if reason == "DocumentError":
        assert problem["detail"].startswith("input.incidents[")


def test_a_bad_incident_is_named_by_its_index_and_field(client: TestClient) -> None:
    incidents = [
        incident_json(),
        dict(incident_json(), id="cn:other", effects={"disruption": "severe"}),
    ]
    problem = refused(
        client.post("/v1/evaluate", json={"input": {"incidents": incidents, "profiles": "none"}}),
        422,
        "DocumentError",
    )
    assert problem["detail"].startswith("input.incidents[1]: effects.disruption: ")


def test_malformed_json_is_a_422_problem(client: TestClient) -> None:
    response = client.post(
        "/v1/evaluate", content=b'{"input": ', headers={"content-type": "application/json"}
    )
    refused(response, 422, "InvalidRequest")


def test_request_limits(registry: Registry, db_url: str) -> None:
    limits = replace(LIMITS, request_incidents=2, request_bytes=50_000)
    with TestClient(create_app(Settings(db_url=db_url, limits=limits))) as client:
        three = [dict(incident_json(), id=f"cn:{i}") for i in range(3)]
        problem = refused(
            client.post("/v1/evaluate", json={"input": {"incidents": three, "profiles": "none"}}),
            422,
            "LimitExceeded",
        )
        assert "request_incidents = 2" in problem["detail"]
        big = [dict(incident_json(), id=f"cn:{i}") for i in range(40)]
        refused(
            client.post("/v1/evaluate", json={"input": {"incidents": big}}), 413, "LimitExceeded"
        )


def test_the_decision_itself_can_be_put_on_the_log(client: TestClient) -> None:
    """``"log": true``: the decision (its id, the hashes of request and verdicts) becomes a
    log entry signed by the log's key, provable offline like any other entry."""
    import hashlib

    from cybernorms.log.note import NoteVerifier
    from cybernorms.store import Receipt, verify_receipt
    from cybernorms.trust.canonical import canonical_json, json_ready

    body = {"incidents": [incident_json()], "profiles": "none", "as_of": "2024-01-01"}
    response = client.post("/v1/evaluate", json={"input": {**body, "log": True}})
    assert response.status_code == 200, response.text
    answer = response.json()
    logged = answer["logged"]
    entry = json.loads(logged["entry"])
    assert entry["kind"] == "decision" and entry["decision_id"] == answer["decision_id"]
    vkey = client.get("/log/key").text.strip()
    registry: Registry = client.app.state.context.registry()  # type: ignore[attr-defined]
    receipt = Receipt.loads(registry.receipt(logged["index"]).dumps())
    verified = verify_receipt(receipt, NoteVerifier.from_vkey(vkey))
    verdicts = answer["result"]["verdicts"]
    assert (
        verified.document["verdicts"]
        == hashlib.sha256(canonical_json(json_ready(verdicts))).hexdigest()
    )
    assert registry.verify_log().ok
    # without "log" nothing is written
    size = registry.head().size
    assert client.post("/v1/evaluate", json={"input": body}).status_code == 200
    assert registry.head().size == size


def test_a_groups_reading_is_asked_for_by_its_name_and_reported_under_it(
    client: TestClient,
) -> None:
    """``positions: ["group:au"]`` (any case) evaluates under the African Union's common
    reading; its verdicts carry basis group:AU, never position:...; an unknown group is
    refused with the loaded readings named."""
    response = client.post(
        "/v1/evaluate",
        json={
            "input": {
                "incidents": [incident_json()],
                "positions": ["group:au"],
                "profiles": "none",
                "as_of": "2024-01-01",
            }
        },
    )
    assert response.status_code == 200, response.text
    bases = {v["basis"] for v in response.json()["result"]["verdicts"]}
    assert "group:AU" in bases and not any(b.startswith("position:") for b in bases)
    explained = client.post(
        "/v1/explain",
        json={
            "input": {
                "incident": incident_json(),
                "rule": "il.sovereignty",
                "positions": ["group:AU"],
                "profiles": "none",
            }
        },
    )
    assert explained.status_code == 200, explained.text
    assert "group:AU" in explained.text
    unknown = client.post(
        "/v1/evaluate",
        json={"input": {"incidents": [], "positions": ["group:XX"], "profiles": "none"}},
    )
    assert unknown.status_code in (404, 422), unknown.text
    assert "group:XX" in unknown.text and "group:AU" in unknown.text
