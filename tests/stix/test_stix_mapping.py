"""The mapping table of docs/stix.md, one situation at a time: what each STIX object and
property becomes, which STIX object each fact keeps as its source, and what stays unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from stix_bundles import bundle, obj, rel

from cybernorms.ingest.stix import References, StixError, read_bundle

CAMPAIGN = obj(
    "campaign",
    1,
    name="Operation Test",
    description="d",
    first_seen="2022-02-24T04:00:00Z",
    last_seen="2022-03-01T00:00:00Z",
    external_references=[{"source_name": "report", "url": "https://example.org/r"}],
)


def only(*objects: dict[str, Any], references: References | None = None) -> Any:
    (incident,) = read_bundle(bundle(CAMPAIGN, *objects), references=references).incidents
    return incident


def test_campaign_properties_are_name_dates_and_sources() -> None:
    incident = only()
    assert incident.id == "stix:" + CAMPAIGN["id"]
    assert (incident.name, incident.description) == ("Operation Test", "d")
    assert (incident.start_date, incident.end_date) == (dt.date(2022, 2, 24), dt.date(2022, 3, 1))
    assert incident.sources == ["https://example.org/r"]
    assert incident.provenance["start_date"].source == CAMPAIGN["id"]
    assert incident.provenance["start_date"].field == "first_seen"


def test_location_target_country_is_iso3() -> None:
    ukraine = obj("location", 2, name="Ukraine", country="UA")
    incident = only(ukraine, rel(3, "targets", CAMPAIGN, ukraine))
    assert [(t.country, t.name) for t in incident.targets] == [("UKR", "Ukraine")]
    assert incident.provenance["targets[0].country"].source == ukraine["id"]


def test_region_only_location_leaves_the_country_unknown() -> None:
    europe = obj("location", 2, region="europe")
    result = read_bundle(bundle(CAMPAIGN, europe, rel(3, "targets", CAMPAIGN, europe)))
    assert result.incidents[0].targets[0].country is None
    assert any(u.fact == "targets[0].country" for u in result.unknown)


def test_identity_sectors_map_to_sector_and_category_one_target_each() -> None:
    grid = obj(
        "identity",
        2,
        name="Grid Co",
        identity_class="organization",
        sectors=["energy", "technology"],
        x_country="UA",
    )
    incident = only(grid, rel(3, "targets", CAMPAIGN, grid))
    assert [(t.name, t.country, t.sector, t.category) for t in incident.targets] == [
        ("Grid Co", "UKR", "energy", "critical_infrastructure"),
        ("Grid Co", "UKR", None, None),  # technology: no single counterpart
    ]
    assert incident.provenance["targets[0].sector"].value == "energy"
    assert incident.provenance["targets[1].sector"].value == "technology"
    assert incident.provenance["targets[0].country"].field == "x_country"


def test_identity_country_from_a_located_at_location() -> None:
    ministry = obj(
        "identity",
        2,
        name="Ministry",
        identity_class="organization",
        sectors=["government-national"],
    )
    estonia = obj("location", 4, country="EE")
    incident = only(
        ministry,
        estonia,
        rel(3, "targets", CAMPAIGN, ministry),
        rel(5, "located-at", ministry, estonia),
    )
    assert [(t.country, t.sector, t.category) for t in incident.targets] == [
        ("EST", "government", "state_institutions")
    ]


def test_misp_sector_names_map_through_the_galaxy_synonyms(references: References) -> None:
    bank = obj("identity", 2, name="Bank", identity_class="organization", sectors=["Financial"])
    incident = only(bank, rel(3, "targets", CAMPAIGN, bank), references=references)
    assert (incident.targets[0].sector, incident.targets[0].category) == (
        "finance",
        "critical_infrastructure",
    )
    assert only(bank, rel(3, "targets", CAMPAIGN, bank)).targets[0].sector is None


def test_a_government_identity_behind_the_actor_is_a_direct_link() -> None:
    actor = obj("intrusion-set", 2, name="Unit X")
    gov = obj("identity", 4, name="Ruritania", identity_class="government", x_country="RU")
    incident = only(
        actor, gov, rel(3, "attributed-to", CAMPAIGN, actor), rel(5, "attributed-to", actor, gov)
    )
    assert incident.initiator.name == "Unit X"
    assert (incident.attribution.state, incident.attribution.level) == ("RUS", "direct")
    assert incident.provenance["attribution.level"].source == gov["id"]


def test_nation_state_and_government_resources_stay_unknown_but_are_kept() -> None:
    actor = obj(
        "threat-actor",
        2,
        name="Bear",
        threat_actor_types=["nation-state"],
        resource_level="government",
    )
    result = read_bundle(bundle(CAMPAIGN, actor, rel(3, "attributed-to", CAMPAIGN, actor)))
    incident = result.incidents[0]
    assert incident.attribution.level is None and incident.initiator.category is None
    assert incident.provenance["attribution.level"].source == actor["id"]
    reasons = {u.fact: u.reason for u in result.unknown}
    assert "direct" in reasons["attribution.level"] and "indirect" in reasons["attribution.level"]


@pytest.mark.parametrize(
    ("types", "category"),
    [
        (["criminal"], "criminal"),
        (["crime-syndicate", "spy"], "criminal"),
        (["activist"], "non_state_group"),
        (["terrorist", "criminal"], None),  # two kinds of actor
        (["hacker"], None),
    ],
)
def test_threat_actor_types_give_the_initiator_category(
    types: list[str], category: str | None
) -> None:
    actor = obj("threat-actor", 2, name="A", threat_actor_types=types)
    incident = only(actor, rel(3, "attributed-to", CAMPAIGN, actor))
    assert incident.initiator.category == category


def test_an_individual_identity_as_initiator() -> None:
    person = obj("identity", 2, name="J. Doe", identity_class="individual")
    assert (
        only(person, rel(3, "attributed-to", CAMPAIGN, person)).initiator.category == "individual"
    )


def test_actor_location_is_the_initiator_country() -> None:
    actor = obj("intrusion-set", 2, name="G")
    place = obj("location", 4, country="KP")
    incident = only(
        actor, place, rel(3, "attributed-to", CAMPAIGN, actor), rel(5, "located-at", actor, place)
    )
    assert incident.initiator.country == "PRK"
    assert incident.attribution.state is None  # where the hands are is not whose act it is


def test_impact_techniques_are_evidence_never_a_decided_effect() -> None:
    wipe = obj(
        "attack-pattern",
        2,
        name="Disk Wipe",
        external_references=[{"source_name": "mitre-attack", "external_id": "T1561"}],
    )
    crypt = obj(
        "attack-pattern",
        4,
        name="Data Encrypted for Impact",
        external_references=[{"source_name": "mitre-attack", "external_id": "T1486"}],
    )
    result = read_bundle(
        bundle(
            CAMPAIGN, wipe, crypt, rel(3, "uses", CAMPAIGN, wipe), rel(5, "uses", CAMPAIGN, crypt)
        )
    )
    incident = result.incidents[0]
    assert incident.effects.disruption is None and incident.effects.ransomware is None
    assert "T1561 Disk Wipe" in incident.provenance["effects.disruption"].value
    assert "T1486" in incident.provenance["effects.ransomware"].value
    assert crypt["id"] in incident.provenance["effects.ransomware"].source
    reasons = {u.fact: u.reason for u in result.unknown}
    assert "24 hours" in reasons["effects.disruption"]


def test_exfiltration_tactic_is_evidence_for_data_theft() -> None:
    exfil = obj(
        "attack-pattern",
        2,
        name="Some exfiltration",
        kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": "exfiltration"}],
        external_references=[{"source_name": "mitre-attack", "external_id": "T1020"}],
    )
    incident = only(exfil, rel(3, "uses", CAMPAIGN, exfil))
    assert incident.effects.data_theft is None
    assert "T1020" in incident.provenance["effects.data_theft"].value


def test_ics_technique_tactics_come_from_attack(references: References) -> None:
    loss = obj(
        "attack-pattern",
        2,
        name="Loss of Control",
        external_references=[{"source_name": "mitre-attack", "external_id": "T0827"}],
    )
    incident = only(loss, rel(3, "uses", CAMPAIGN, loss), references=references)
    assert "T0827" in incident.provenance["effects.disruption"].value
    assert "effects.disruption" not in only(loss, rel(3, "uses", CAMPAIGN, loss)).provenance


def test_galaxy_finds_an_actor_by_attack_alias(references: References) -> None:
    actor = obj("intrusion-set", 2, name="Comment Panda")
    incident = only(actor, rel(3, "attributed-to", CAMPAIGN, actor), references=references)
    assert incident.attribution.state == "CHN"
    assert "attribution-confidence" in incident.provenance["attribution.state"].value


def test_last_seen_before_first_seen_is_refused_by_stix2() -> None:
    backwards = obj(
        "campaign", 1, name="c", first_seen="2022-02-24T00:00:00Z", last_seen="2021-01-01T00:00:00Z"
    )
    with pytest.raises(StixError) as caught:
        read_bundle(bundle(backwards))
    assert caught.value.object_id == backwards["id"] and "last_seen" in str(caught.value)


def test_intrusion_sets_make_incidents_when_there_is_no_campaign_or_report() -> None:
    group = obj("intrusion-set", 2, name="G", first_seen="2019-05-01T00:00:00Z")
    result = read_bundle(bundle(group))
    assert [(i.name, i.initiator.name, i.start_date) for i in result.incidents] == [
        ("G", "G", dt.date(2019, 5, 1))
    ]
    assert "intrusion-set" in result.grouping


def test_revoked_campaigns_make_no_incident() -> None:
    revoked = obj("campaign", 1, name="c", revoked=True)
    result = read_bundle(bundle(revoked))
    assert result.incidents == [] and result.ignored[0].reason == "revoked"


def test_unknown_is_not_absent_targets() -> None:
    assert only().targets is None


def test_a_report_on_a_campaign_adds_its_urls_to_the_sources() -> None:
    report = obj(
        "report",
        8,
        name="R",
        published="2022-03-02T00:00:00Z",
        object_refs=[CAMPAIGN["id"]],
        external_references=[{"source_name": "vendor", "url": "https://example.org/v"}],
    )
    incident = only(report)
    assert incident.sources == ["https://example.org/r", "https://example.org/v"]


def test_a_report_of_threat_actors_takes_the_actor_no_other_is_attributed_to() -> None:
    front = obj("threat-actor", 2, name="Front", threat_actor_types=["activist"])
    boss = obj("threat-actor", 4, name="Boss", threat_actor_types=["nation-state"])
    report = obj(
        "report",
        8,
        name="R",
        published="2022-03-02T00:00:00Z",
        object_refs=[front["id"], boss["id"]],
    )
    result = read_bundle(bundle(front, boss, report, rel(3, "attributed-to", front, boss)))
    (incident,) = result.incidents
    assert incident.id == "stix:" + report["id"]
    assert incident.initiator.name == "Front"
    assert incident.initiator.category == "non_state_group"
    assert (
        incident.start_date is None
    )  # the actor has no first_seen; published is not a date of the operation
    assert "report" in result.grouping
