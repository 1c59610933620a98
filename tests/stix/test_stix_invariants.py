"""Invariants of the import on generated bundles: every object is accounted for, every source
a fact keeps is an object of the bundle, and nothing the bundle does not say becomes a fact."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from stix_bundles import bundle, obj, rel

from cybernorms.ingest.stix import read_bundle
from cybernorms.ingest.stix.vocab import INDUSTRY_SECTOR

_KINDS = [
    "campaign",
    "intrusion-set",
    "threat-actor",
    "identity",
    "location",
    "attack-pattern",
    "report",
]
_RELATIONS = ["attributed-to", "targets", "uses", "located-at", "related-to"]
_TARGETS = {
    "attributed-to": ("intrusion-set", "threat-actor", "identity"),
    "targets": ("identity", "location"),
    "uses": ("attack-pattern",),
    "located-at": ("location",),
}


@st.composite
def bundles(draw: st.DrawFn) -> dict[str, Any]:
    objects: list[dict[str, Any]] = []
    kinds = ["campaign", *draw(st.lists(st.sampled_from(_KINDS), max_size=8))]
    for n, kind in enumerate(kinds):
        props: dict[str, Any] = {"name": f"{kind} {n}"}
        if kind == "identity":
            props["identity_class"] = draw(
                st.sampled_from(["organization", "individual", "government", "unknown"])
            )
            props["sectors"] = draw(st.lists(st.sampled_from(sorted(INDUSTRY_SECTOR)), max_size=2))
            if draw(st.booleans()):
                props["x_country"] = draw(st.sampled_from(["UA", "EE", "Atlantis"]))
        elif kind == "location":
            props = {"country": draw(st.sampled_from(["UA", "FR", "KP"]))}
        elif kind == "threat-actor":
            props["threat_actor_types"] = draw(
                st.lists(
                    st.sampled_from(["nation-state", "criminal", "activist", "spy"]),
                    min_size=1,
                    max_size=2,
                )
            )
        elif kind == "attack-pattern" and draw(st.booleans()):
            props["external_references"] = [
                {
                    "source_name": "mitre-attack",
                    "external_id": draw(st.sampled_from(["T1485", "T1486", "T1041", "T1566"])),
                }
            ]
        elif kind == "report":
            props["published"] = "2021-01-01T00:00:00Z"
            props["object_refs"] = [o["id"] for o in objects] or [obj("campaign", 999)["id"]]
        objects.append(obj(kind, n + 1, **props))
    sdos = list(objects)  # relationships join objects, never other relationships
    for k in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(_RELATIONS))
        # Mostly the kind of target the relationship is meant for, sometimes any object.
        fitting = [o for o in sdos if o["type"] in _TARGETS.get(kind, ())]
        target = draw(st.sampled_from(fitting if fitting and draw(st.booleans()) else sdos))
        source = sdos[0] if draw(st.booleans()) else draw(st.sampled_from(sdos))
        objects.append(rel(100 + k, kind, source, target))
    return bundle(*objects)


@settings(max_examples=120, deadline=None)
@given(bundles())
def test_every_object_is_used_or_ignored_and_every_source_is_in_the_bundle(
    data: dict[str, Any],
) -> None:
    result = read_bundle(data)
    ids = {o["id"] for o in data["objects"]}
    used, ignored = {o.id for o in result.used}, {o.id for o in result.ignored}
    assert used | ignored == ids and not used & ignored
    for incident in result.incidents:
        for path, source in incident.provenance.items():
            assert set(source.source.split(", ")) <= ids, path
        # ATT&CK techniques are evidence only: no effect is ever decided from a bundle.
        assert incident.effects.model_dump() == type(incident.effects)().model_dump()
        # Without reference data, only a government identity can name a state link.
        if incident.attribution.level is not None:
            assert incident.attribution.level == "direct"
            assert incident.provenance["attribution.level"].field == "identity_class"
