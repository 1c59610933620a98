"""Read models: a state's profile history (and the version in force on a date), packages by
name and content hash. Every answer names the signed checkpoint it reflects and lists only
records that checkpoint covers."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from store.world import World

from cybernorms.store import Registry

from .packages import signed_package
from .test_acts import post, refused


def _publish_fra(client: TestClient, world: World) -> None:
    for envelope in (
        world.signed_root("FRA", "123", 2, signers="12"),
        world.profile("FRA", 1, signers="12", effective_from=dt.date(2020, 1, 1)),
        world.profile("FRA", 2, signers="23", effective_from=dt.date(2023, 6, 1)),
    ):
        assert post(client, envelope).status_code == 201


def test_a_states_profile_history_and_the_version_in_force(
    client: TestClient, world: World
) -> None:
    _publish_fra(client, world)
    history = client.get("/v1/states/fra/profiles")
    assert history.status_code == 200
    body = history.json()
    assert [p["version"] for p in body["profiles"]] == [1, 2]
    assert body["profiles"][1]["effective_from"] == "2023-06-01"
    assert body["profiles"][0]["document"]["parameters"] == {
        "critical_sectors": ["energy", "health"]
    }
    assert body["checkpoint"]["size"] == 3
    assert history.headers["cybernorms-checkpoint"].startswith("3 ")
    in_2021 = client.get("/v1/states/FRA/profiles", params={"as_of": "2021-05-05"}).json()
    assert [p["version"] for p in in_2021["profiles"]] == [1]
    in_2024 = client.get("/v1/states/FRA/profiles", params={"as_of": "2024-01-01"}).json()
    assert [p["version"] for p in in_2024["profiles"]] == [2]
    before = client.get("/v1/states/FRA/profiles", params={"as_of": "2019-01-01"}).json()
    assert before["profiles"] == []


def test_a_state_without_profiles_and_bad_parameters(client: TestClient, world: World) -> None:
    _publish_fra(client, world)
    assert client.get("/v1/states/DEU/profiles").json()["profiles"] == []
    refused(client.get("/v1/states/FRANCE/profiles"), 422, "InvalidRequest")
    refused(
        client.get("/v1/states/FRA/profiles", params={"as_of": "2020-13-45"}), 422, "InvalidRequest"
    )


def test_records_after_the_latest_checkpoint_are_not_shown_yet(
    client: TestClient, registry: Registry, world: World
) -> None:
    _publish_fra(client, world)
    registry.publish_profile(world.profile("FRA", 3, signers="12"))  # no checkpoint signed
    body = client.get("/v1/states/FRA/profiles").json()
    assert [p["version"] for p in body["profiles"]] == [1, 2]
    assert body["checkpoint"]["size"] == 3


def test_packages_listed_and_shown_by_content_hash(client: TestClient, world: World) -> None:
    _publish_fra(client, world)
    published = post(client, signed_package(world, "FRA", "12", name="p"), publisher="FRA")
    post(client, signed_package(world, "FRA", "12", name="q", version="2.0.0"), publisher="FRA")
    listed = client.get("/v1/packages").json()
    assert [(p["name"], p["version"], p["publisher"]) for p in listed["packages"]] == [
        ("p", "1.0.0", "FRA"),
        ("q", "2.0.0", "FRA"),
    ]
    assert client.get("/v1/packages", params={"name": "q"}).json()["packages"][0]["name"] == "q"
    digest = listed["packages"][0]["sha256"]
    shown = client.get(f"/v1/packages/{digest}").json()
    assert shown["package"]["document"]["package"] == "p"
    assert shown["package"]["log_index"] == published.json()["index"]
    refused(client.get("/v1/packages/" + "0" * 64), 404, "NotFound")
    refused(client.get("/v1/packages/xyz"), 422, "InvalidRequest")


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    refused(client.get("/v1/nothing"), 404, "NoSuchResource")
    refused(client.delete("/v1/acts"), 405, "MethodNotAllowed")


def test_positions_are_read_from_their_signed_documents(client: TestClient, world: World) -> None:
    _publish_fra(client, world)
    published = post(client, world.position("FRA", signers="12", title="Position of France"))
    body = client.get("/v1/positions", params={"state": "fra"}).json()
    [position] = body["positions"]
    assert position["state"] == "FRA" and position["package"] == "un-gge-2015"
    assert position["document"]["title"] == "Position of France"
    assert position["log_index"] == published.json()["index"]
    assert client.get("/v1/positions", params={"state": "DEU"}).json()["positions"] == []
    refused(client.get("/v1/positions", params={"state": "D"}), 422, "InvalidRequest")
