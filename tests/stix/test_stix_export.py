"""Verdicts go back out as STIX 2.1 that stix2-validator accepts, on the incident's own
STIX objects, with ids that do not change when the same verdicts are exported again."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest
import stix2
from hypothesis import given, settings
from hypothesis import strategies as st

from cybernorms.engine import Evaluator
from cybernorms.export import verdict_extension
from cybernorms.export.stix import ExportError, validate_bundle, verdicts_to_bundle
from cybernorms.ingest.stix import References, read_bundle
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Outcome, Verdict
from cybernorms.rules.catalog import load_rulebooks

WHEN = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


@cache
def evaluator() -> Evaluator:
    books = load_rulebooks()
    return Evaluator(books.packages, books.profiles, books.positions)


@pytest.mark.shared
def test_round_trip_stix_to_verdicts_to_stix_validates_and_refers_to_the_imported_objects(
    examples: Path, references: References
) -> None:
    incidents: list[Incident] = []
    for name in (
        "apt1.json",
        "defining-campaigns-threat-actors-intrusion-sets.json",
        "poisonivy.json",
    ):
        incidents += read_bundle(examples / name, references=references).incidents
    verdicts = [v for i in incidents for v in evaluator().verdicts(i)]
    assert verdicts
    exported = verdicts_to_bundle(incidents, verdicts, created=WHEN)

    check = validate_bundle(exported)
    assert check.clean, check.errors
    # The only warning: UUIDv5 ids (deterministic), where STIX says SDOs SHOULD use UUIDv4.
    assert all("{103}" in w for w in check.warnings)

    notes = [o for o in exported["objects"] if o["type"] == "note"]
    assert len(notes) == len(verdicts)
    imported = {i.id.removeprefix("stix:") for i in incidents}
    assert {ref for n in notes for ref in n["object_refs"]} == imported
    assert not [o for o in exported["objects"] if o["type"] == "campaign"]  # no stand-ins
    apt1 = [
        n for n in notes if n["object_refs"] == ["report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf"]
    ]
    verdict = apt1[0]["extensions"][verdict_extension.definition_id()]
    assert verdict["incident"] == "stix:report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf"
    # The stix2 library reads the bundle back.
    assert stix2.parse(exported, allow_custom=True)["id"] == exported["id"]


def test_re_export_is_byte_identical_and_ids_do_not_depend_on_time() -> None:
    incident = Incident(id="case:1", name="Grid outage", start_date=dt.date(2015, 12, 23))
    verdicts = evaluator().verdicts(incident)
    once = verdicts_to_bundle([incident], verdicts, created=WHEN)
    again = verdicts_to_bundle([incident], list(reversed(verdicts)), created=WHEN)
    assert json.dumps(once) == json.dumps(again)
    later = verdicts_to_bundle([incident], verdicts, created=WHEN + dt.timedelta(days=1))
    assert [o["id"] for o in later["objects"]] == [o["id"] for o in once["objects"]]


def test_an_incident_not_from_stix_gets_a_campaign_standing_for_it() -> None:
    incident = Incident(
        id="eurepoc:1032",
        name="NotPetya",
        description="wiper",
        start_date=dt.date(2017, 6, 27),
        sources=["https://example.org/a"],
    )
    exported = verdicts_to_bundle([incident], evaluator().verdicts(incident), created=WHEN)
    (campaign,) = [o for o in exported["objects"] if o["type"] == "campaign"]
    assert campaign["name"] == "NotPetya" and campaign["first_seen"] == "2017-06-27T00:00:00.000Z"
    assert {"source_name": "cybernorms", "external_id": "eurepoc:1032"} in campaign[
        "external_references"
    ]
    notes = [o for o in exported["objects"] if o["type"] == "note"]
    assert all(n["object_refs"] == [campaign["id"]] for n in notes)
    assert validate_bundle(exported).clean


def test_the_extension_definition_is_versioned_and_carries_its_schema() -> None:
    definition = verdict_extension.definition_object()
    assert definition["version"] == verdict_extension.VERSION
    assert definition["extension_types"] == ["property-extension"]
    assert json.loads(definition["schema"]) == verdict_extension.SCHEMA
    assert verdict_extension.definition_id("2.0.0") != definition["id"]


def test_a_verdict_about_an_incident_not_given_is_refused() -> None:
    verdict = Verdict("ghost", "p@1", "r", None, "consensus", Outcome.UNDETERMINED)
    with pytest.raises(ExportError, match="ghost"):
        verdicts_to_bundle([], [verdict], created=WHEN)


def test_a_naive_timestamp_is_refused() -> None:
    with pytest.raises(ExportError, match="aware"):
        verdicts_to_bundle([], [], created=dt.datetime(2026, 1, 1))


_STATES = st.sampled_from(["RUS", "CHN", "USA", "UKR", "EST", None])
_FACTS = st.lists(
    st.sampled_from(
        [
            "attribution.level",
            "attribution.state",
            "targets",
            "effects.disruption",
            "targets[0].country",
        ]
    ),
    unique=True,
    max_size=4,
)
_VERDICT_PARTS = st.tuples(
    st.sampled_from(["un-gge-2015@1.0.0", "il-core@1.0.0"]),
    st.sampled_from(["gge2015.f", "il.sovereignty", "il.use_of_force"]),
    _STATES,
    st.sampled_from(["consensus", "restatement", "position:GBR", "group:AU"]),
    st.sampled_from(list(Outcome)),
    _FACTS,
    st.lists(st.sampled_from(["UKR@default", "EST@2"]), unique=True, max_size=2),
)
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)


@settings(max_examples=40, deadline=None)
@given(
    incidents=st.lists(
        st.tuples(_TEXT, st.none() | _TEXT, st.booleans()),
        min_size=1,
        max_size=3,
        unique_by=lambda t: t[0],
    ),
    parts=st.lists(_VERDICT_PARTS, max_size=6),
)
def test_export_of_generated_verdicts_always_validates(
    incidents: list[tuple[str, str | None, bool]],
    parts: list[tuple],  # type: ignore[type-arg]
) -> None:
    made = [
        Incident(
            id=(
                "stix:campaign--0a6dd8d4-3b2b-4ac0-8e10-6c9c6d8a1a8f"
                if from_stix and n == 0
                else f"case:{ident}"
            ),
            name=name,
            start_date=dt.date(2020, 1, 1),
        )
        for n, (ident, name, from_stix) in enumerate(incidents)
    ]
    verdicts = [
        Verdict(
            made[k % len(made)].id,
            package,
            rule,
            subject,
            basis,
            outcome,
            tuple(missing),
            tuple(profiles),
        )
        for k, (package, rule, subject, basis, outcome, missing, profiles) in enumerate(parts)
    ]
    exported = verdicts_to_bundle(made, verdicts, created=WHEN)
    check = validate_bundle(exported)
    assert check.clean, check.errors
    notes = [o for o in exported["objects"] if o["type"] == "note"]
    assert len(notes) == len(
        {(v.incident, v.package, v.rule, v.subject, v.basis) for v in verdicts}
    )
