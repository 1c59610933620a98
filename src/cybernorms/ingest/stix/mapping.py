"""STIX 2.1 objects -> incidents in fact schema v1 (the table is in ``docs/stix.md``).

Which objects make an incident (``incident_roots``), in this order, the first that applies:

1. every ``campaign`` (STIX: "a grouping of adversarial behaviors ... against a specific set
   of targets"): the closest STIX object to one cyber operation;
2. with no campaign, every ``report`` that refers to an ``intrusion-set`` or ``threat-actor``:
   the report is the account of an operation (APT1), its actors are the initiators;
3. with neither, every ``intrusion-set`` (a set of activity with common resources: the
   operation as far as the bundle describes one).

A bundle with none of these (a threat-actor profile, indicators, sightings) describes no
operation: it is accepted with no incident, and the report says so.

What a STIX relationship can and cannot say: ``attributed-to`` links actors, it does not say who
attributed nor by which legal link. So ``attribution.level`` is only set from data that names
the link (an identity of class ``government``: direct), never from the relationship alone;
a MISP suspected state sponsor sets ``attribution.state`` only; ``nation-state`` types,
``government`` resource levels and suspected sponsors are kept as the level's source while the
level stays unknown.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import ValidationError

from cybernorms.ingest.stix.bundle import SCO_TYPES, Bundle, StixError
from cybernorms.ingest.stix.draft import ID_PREFIX, Draft, Graph
from cybernorms.ingest.stix.effects import map_effects
from cybernorms.ingest.stix.parties import (
    attributed,
    attribution_chain,
    map_attribution,
    map_initiator,
)
from cybernorms.ingest.stix.references import References
from cybernorms.ingest.stix.report import IgnoredObject, StixImport, UnknownFact, UsedObject
from cybernorms.ingest.stix.targets import map_targets
from cybernorms.model.facts import Incident

__all__ = ["GROUPING_RULES", "ID_PREFIX", "incident_roots", "map_bundle"]

GROUPING_RULES = {
    "campaign": "one incident per campaign",
    "report": "no campaign: one incident per report of an intrusion-set or threat-actor",
    "intrusion-set": "no campaign or report: one incident per intrusion-set",
    "none": "no campaign, report or intrusion-set: the bundle describes no operation",
}

# Why an object of a type the mapper never reads gives no fact.


_IGNORED_TYPES = {
    "indicator": "a detection pattern, not a fact about what happened",
    "malware": "says how the operation worked, not what it did to whom (no fact schema field)",
    "tool": "says how the operation worked, not what it did to whom (no fact schema field)",
    "observed-data": "technical observation: the fact schema has no field for observables",
    "sighting": "a sighting of an indicator or observable: the fact schema has no field for it",
    "marking-definition": "a data marking, kept by the source (TLP, statements), not a fact",
    "course-of-action": "a defensive measure: the fact schema has no field for it",
    "vulnerability": "a vulnerability used: its only fact is zero_days, which STIX does not say",
    "infrastructure": "infrastructure: its location would be territory_used, which is read "
    "only from a direct statement",
    "note": "an analyst's note, kept by the source",
    "opinion": "an analyst's opinion, kept by the source",
    "grouping": "a grouping without the context of an operation",
    "extension-definition": "an extension definition, no fact",
    "language-content": "translations, no fact",
    "malware-analysis": "malware analysis: the fact schema has no field for it",
}


def incident_roots(bundle: Bundle) -> tuple[str, list[Any]]:
    """The objects that make the incidents, and the rule that chose them (module doc)."""
    live = {k: o for k, o in bundle.objects.items() if not o.get("revoked")}
    campaigns = [o for k, o in sorted(live.items()) if o["type"] == "campaign"]
    if campaigns:
        return "campaign", campaigns
    reports = [
        o
        for k, o in sorted(live.items())
        if o["type"] == "report"
        and any(
            str(r).split("--")[0] in ("intrusion-set", "threat-actor") and r in live
            for r in o.get("object_refs", [])
        )
    ]
    if reports:
        return "report", reports
    sets = [o for k, o in sorted(live.items()) if o["type"] == "intrusion-set"]
    if sets:
        return "intrusion-set", sets
    return "none", []


def map_bundle(bundle: Bundle, refs: References) -> StixImport:
    """Every root -> an incident; every object accounted for as used or ignored."""
    grouping, roots = incident_roots(bundle)
    result = StixImport(bundle.source, bundle.bundle_id, GROUPING_RULES[grouping])
    result.notes.extend(bundle.notes)
    graph = Graph(bundle)
    used_by: dict[str, list[str]] = defaultdict(list)
    for root in roots:
        built = _map_root(root, grouping, graph, refs)
        try:
            incident = Incident.model_validate(built.data | {"provenance": built.provenance})
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise StixError(
                bundle.source,
                f"cannot be an incident: {first['msg']}",
                object_id=str(root["id"]),
                field=field,
            ) from None
        result.incidents.append(incident)
        for obj_id in built.used:
            used_by[obj_id].append(incident.id)
        result.unknown.extend(
            UnknownFact(incident.id, f, r) for f, r in sorted(built.unknown.items())
        )
        result.notes.extend(f"{incident.id}: {n}" for n in built.notes)
    for obj_id, obj in sorted(bundle.objects.items()):
        if obj_id in used_by:
            result.used.append(UsedObject(obj_id, obj["type"], tuple(sorted(used_by[obj_id]))))
        else:
            result.ignored.append(IgnoredObject(obj_id, obj["type"], _why_ignored(obj, grouping)))
    return result


def _map_root(root: Any, grouping: str, graph: Graph, refs: References) -> Draft:
    inc = Draft(root)
    for prop in ("name", "description"):
        if root.get(prop):
            inc.data[prop] = str(root[prop])
    if root.get("name"):
        inc.keep("name", root, "name", root["name"])
    if grouping == "report":
        first = _report_actors(root, graph)
        subjects = [root, *first]
    else:
        first = attributed(root, graph, inc) if grouping == "campaign" else [root]
        subjects = [root]
    _dates(inc, root if grouping != "report" else (first[0] if len(first) == 1 else None))
    _sources(inc, root, graph)
    chain = attribution_chain(first, graph, inc)
    map_initiator(inc, first, chain, graph, refs)
    map_attribution(inc, chain, graph, refs)
    map_targets(inc, subjects, graph, refs)
    map_effects(inc, subjects, graph, refs)
    for fact in (
        "territory_used",
        "context.armed_conflict",
        "context.conflict_intensity",
        "requests",
        "effects.casualties",
        "effects.doxing",
        "effects.zero_days",
    ):
        inc.unknown_because(fact, "STIX 2.1 has no property that states it")
    inc.data["annotations"] = {
        "stix": {
            "object": str(root["id"]),
            "type": str(root["type"]),
            "grouping": GROUPING_RULES[grouping],
            "objects": sorted(inc.used),
        }
    }
    return inc


def _report_actors(report: Any, graph: Graph) -> list[Any]:
    """The actors a report is about: its intrusion-sets, else its threat-actors that no other
    actor of the report is attributed to (the operational end of the chain)."""
    members = [graph.objects[r] for r in report.get("object_refs", []) if r in graph.objects]
    members = [m for m in members if not m.get("revoked")]
    sets = [m for m in members if m["type"] == "intrusion-set"]
    if sets:
        return sorted(sets, key=lambda o: str(o["id"]))
    actors = [m for m in members if m["type"] == "threat-actor"]
    behind = {str(t["id"]) for a in actors for _, t in graph.related(a["id"], "attributed-to")}
    top = [a for a in actors if str(a["id"]) not in behind] or actors
    return sorted(top, key=lambda o: str(o["id"]))


def _dates(inc: Draft, obj: Any | None) -> None:
    if obj is None:
        inc.unknown_because(
            "start_date",
            "the report groups several actors and has no "
            "first_seen of its own (published is not when the operation ran)",
        )
        return
    for prop, fact in (("first_seen", "start_date"), ("last_seen", "end_date")):
        value = obj.get(prop)
        if value is None:
            inc.unknown_because(fact, f"{obj['type']} {obj['id']} has no {prop}")
            continue
        inc.data[fact] = value.date()
        inc.keep(fact, obj, prop, value)
    # stix2 refuses a last_seen before first_seen (bundle.py), so the dates are in order.


def _sources(inc: Draft, root: Any, graph: Graph) -> None:
    """URLs of the root's external references and of the reports that include it."""
    urls: list[str] = []
    for obj in [root, *graph.reports_of.get(root["id"], [])]:
        for ref in obj.get("external_references", []) or []:
            url = ref.get("url")
            if url and str(url) not in urls:
                urls.append(str(url))
                inc.used.add(str(obj["id"]))
    inc.data["sources"] = urls


def _why_ignored(obj: Any, grouping: str) -> str:
    if obj.get("revoked"):
        return "revoked"
    obj_type = str(obj["type"])
    if obj_type == "relationship":
        ends = f"{str(obj['source_ref']).split('--')[0]} -> {str(obj['target_ref']).split('--')[0]}"
        return f"{obj['relationship_type']} ({ends}): not mapped to a fact of an incident"
    if obj_type in ("identity", "location"):
        return "not an incident's actor or target"
    if obj_type in ("threat-actor", "intrusion-set"):
        return "not attributed to an incident" if grouping != "none" else GROUPING_RULES["none"]
    if obj_type == "attack-pattern":
        return "no ATT&CK technique that bears on a fact, or not used by an incident"
    if obj_type == "report":
        return "campaigns define the incidents; this report refers to none of them"
    if obj_type in _IGNORED_TYPES:
        return _IGNORED_TYPES[obj_type]
    if obj_type.startswith("x-"):
        return "custom object type"
    if obj_type in SCO_TYPES:
        return "cyber-observable: the fact schema has no field for observables"
    return "no fact of the fact schema for this type"
