"""Every OASIS STIX 2.1 example bundle imports: incidents where it describes an operation,
an account of every object, and the facts its objects say (and only those)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cybernorms.ingest.stix import References, StixError, read_bundle

pytestmark = pytest.mark.shared

EXAMPLES = [
    "apt1.json",
    "defining-campaigns-threat-actors-intrusion-sets.json",
    "identifying-a-threat-actor-profile.json",
    "indicator-for-malicious-url.json",
    "malware-indicator-for-file-hash.json",
    "poisonivy.json",
    "sighting-of-an-indicator.json",
    "sighting-of-observed-data.json",
    "threat-actor-leveraging-attack-patterns-and-malware.json",
    "using-granular-markings.json",
    "using-marking-definitions.json",
]

# How many incidents each example describes (module doc of ingest.stix.mapping).
INCIDENTS = {
    "apt1.json": 1,
    "defining-campaigns-threat-actors-intrusion-sets.json": 2,
    "poisonivy.json": 3,
}


def test_the_corpus_is_the_one_listed(examples: Path) -> None:
    assert sorted(p.name for p in examples.glob("*.json")) == EXAMPLES


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_is_read_and_every_object_accounted_for(
    examples: Path, references: References, name: str
) -> None:
    try:
        result = read_bundle(examples / name, references=references)
    except StixError as exc:  # a refusal must name the object
        pytest.fail(f"refused: {exc}")
    assert len(result.incidents) == INCIDENTS.get(name, 0)
    accounted = {o.id for o in result.used} | {o.id for o in result.ignored}
    assert len(accounted) == len(result.used) + len(result.ignored)
    assert all(o.reason for o in result.ignored)
    for incident in result.incidents:
        assert incident.id.startswith("stix:")
        assert incident.annotations["stix"]["object"] == incident.id.removeprefix("stix:")
        for path, source in incident.provenance.items():
            assert "--" in source.source, f"{path}: the source must be a STIX object id"
        assert result.facts_of(incident.id), "the report says which facts stay unknown"
    if not result.incidents:
        assert "describes no operation" in result.grouping


def test_apt1_report_is_one_incident_with_the_facts_the_objects_say(
    examples: Path, references: References
) -> None:
    result = read_bundle(examples / "apt1.json", references=references)
    (apt1,) = result.incidents
    assert apt1.id == "stix:report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf"
    assert apt1.name == "APT1: Exposing One of China's Cyber Espionage Units"
    assert apt1.start_date == dt.date(2006, 6, 1)  # the intrusion set's first_seen
    assert apt1.end_date is None
    assert apt1.initiator.name == "APT1"
    assert apt1.initiator.category is None  # nation-state: organ or directed group
    assert apt1.initiator.country == "CHN"  # MISP galaxy "country": "CN"
    assert apt1.attribution.state == "CHN"
    assert apt1.attribution.level is None  # a suspected sponsor names no legal link
    assert apt1.attribution.basis is None
    assert apt1.targets is None  # the bundle has no targets relationship
    assert apt1.effects.model_dump() == apt1.effects.model_construct().model_dump()
    state = apt1.provenance["attribution.state"]
    assert state.source == "intrusion-set--da1065ce-972c-4605-8755-9cd1074e3b5a"
    assert "cfr-suspected-state-sponsor" in state.field
    assert state.value == "China (attribution-confidence 50)"
    category = apt1.provenance["initiator.category"]
    assert category.field == "threat_actor_types" and "nation-state" in category.value
    used = {o.id for o in result.used}
    assert "threat-actor--94624865-2709-443f-9b4c-2891985fd69b" in used  # Unit 61398
    assert "identity--a9119a87-6576-46af-bfd7-4fbe55926671" in used  # JackWang, via Ugly Gorilla
    ignored = {o.type for o in result.ignored}
    assert {"indicator", "malware", "tool"} <= ignored


def test_apt1_without_reference_data_keeps_the_state_unknown(examples: Path) -> None:
    (apt1,) = read_bundle(examples / "apt1.json").incidents
    assert apt1.attribution.state is None and apt1.attribution.level is None
    # The STIX hint is kept as the source of the unknown level, for the trace.
    hint = read_bundle(examples / "apt1.json").incidents[0].provenance["attribution.level"]
    assert (hint.field, hint.value) in {
        ("threat_actor_types", "nation-state"),
        ("resource_level", "government"),
    }


def test_campaigns_with_threat_actor_and_intrusion_set(
    examples: Path, references: References
) -> None:
    result = read_bundle(
        examples / "defining-campaigns-threat-actors-intrusion-sets.json", references=references
    )
    by_name = {i.name: i for i in result.incidents}
    assert sorted(by_name) == ["Operation Bran Flakes", "Operation Raisin Bran"]
    flakes = by_name["Operation Bran Flakes"]
    assert flakes.start_date == dt.date(2016, 1, 8)
    assert (
        flakes.description
        == "A concerted effort to insert false information into the BPP's web pages."
    )
    assert flakes.initiator.name == "APT BPP; Fake BPP (Branistan Peoples Party)"
    assert flakes.initiator.category is None
    assert flakes.attribution.state is None and flakes.attribution.level is None
    assert [t.name for t in flakes.targets or []] == ["Branistan Peoples Party"]
    assert flakes.targets is not None and flakes.targets[0].country is None
    assert flakes.provenance["targets[0]"].source.startswith("relationship--")
    assert (
        flakes.provenance["targets[0].name"].source
        == "identity--ddfe7140-2ba4-48e4-b19a-df069432103b"
    )
    # Raisin Bran targets the party twice: one target.
    assert len(by_name["Operation Raisin Bran"].targets or []) == 1
    # CAPEC attack patterns carry no fact.
    assert "effects.disruption" not in by_name["Operation Raisin Bran"].provenance


def test_threat_actor_profile_is_no_incident(examples: Path) -> None:
    result = read_bundle(examples / "identifying-a-threat-actor-profile.json")
    assert result.incidents == []
    assert {o.type for o in result.ignored} == {"threat-actor", "identity", "relationship"}
    assert "no campaign, report or intrusion-set" in result.summary()


def test_poisonivy_campaigns_have_dates_and_no_invented_actor(examples: Path) -> None:
    result = read_bundle(examples / "poisonivy.json")
    starts = {i.name: i.start_date for i in result.incidents}
    assert starts == {
        "admin@338": dt.date(2008, 1, 7),
        "th3bug": dt.date(2009, 10, 26),
        "menuPass": dt.date(2009, 12, 14),
    }
    for incident in result.incidents:
        assert incident.initiator.name is None  # no attributed-to in the bundle
        assert incident.targets is None  # it targets vulnerabilities only
