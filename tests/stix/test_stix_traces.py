"""A verdict on an imported incident shows, for each fact it read, the STIX object the fact
came from (the incident's provenance, as the engine's traces carry it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stix_bundles import bundle, obj, rel

from cybernorms.engine import Evaluator
from cybernorms.ingest.stix import read_bundle
from cybernorms.rules.catalog import load_rulebooks


def nodes(trace: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield trace
    for child in trace.get("children", []):
        yield from nodes(child)


def test_traces_name_the_stix_objects_behind_the_facts() -> None:
    campaign = obj("campaign", 1, name="Grid attack", first_seen="2015-12-23T00:00:00Z")
    group = obj("intrusion-set", 2, name="Unit X")
    gov = obj("identity", 4, name="Ruritania", identity_class="government", x_country="RU")
    grid = obj(
        "identity",
        6,
        name="Oblenergo",
        identity_class="organization",
        sectors=["energy"],
        x_country="UA",
    )
    (incident,) = read_bundle(
        bundle(
            campaign,
            group,
            gov,
            grid,
            rel(3, "attributed-to", campaign, group),
            rel(5, "attributed-to", group, gov),
            rel(7, "targets", campaign, grid),
        )
    ).incidents
    books = load_rulebooks()
    verdicts = Evaluator(books.packages, books.profiles, books.positions).verdicts(incident)
    sources = {
        node["fact"]: node["source"]["source"]
        for v in verdicts
        for node in nodes(v.to_json()["trace"] or {})
        if "source" in node
    }
    assert sources["attribution.level"] == gov["id"]
    assert sources["attribution.state"] == gov["id"]
    assert sources.get("targets") == rel(7, "targets", campaign, grid)["id"]
    for fact in ("targets[0].country", "targets[0].sector", "targets[0].category"):
        assert sources[fact] == grid["id"]
