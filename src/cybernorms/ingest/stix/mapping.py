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
the link (an identity of class ``government``: direct; a MISP suspected state sponsor:
indirect), never from the relationship alone; ``nation-state`` types and ``government``
resource levels are kept as the fact's source while the fact stays unknown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from cybernorms.ingest.stix import vocab
from cybernorms.ingest.stix.bundle import SCO_TYPES, Bundle, StixError
from cybernorms.ingest.stix.references import References
from cybernorms.ingest.stix.report import IgnoredObject, StixImport, UnknownFact, UsedObject
from cybernorms.model.facts import Incident, SourceValue

ID_PREFIX = "stix:"
ACTOR_TYPES = ("intrusion-set", "threat-actor", "identity")

GROUPING_RULES = {
    "campaign": "one incident per campaign",
    "report": "no campaign: one incident per report of an intrusion-set or threat-actor",
    "intrusion-set": "no campaign or report: one incident per intrusion-set",
    "none": "no campaign, report or intrusion-set: the bundle describes no operation",
}

# Why an object of a type the mapper never reads gives no fact.
_IGNORED_TYPES = {
    "indicator": "a detection pattern, not a fact about what happened",
    "malware": "says how the operation worked, not what it did to whom (schema v1 has no field)",
    "tool": "says how the operation worked, not what it did to whom (schema v1 has no field)",
    "observed-data": "technical observation: schema v1 has no field for observables",
    "sighting": "a sighting of an indicator or observable: schema v1 has no field",
    "marking-definition": "a data marking, kept by the source (TLP, statements), not a fact",
    "course-of-action": "a defensive measure: schema v1 has no field",
    "vulnerability": "a vulnerability used: schema v1 says zero_days only, which STIX does "
    "not say",
    "infrastructure": "infrastructure: its location would be territory_used, which v1 reads "
    "only from a direct statement",
    "note": "an analyst's note, kept by the source",
    "opinion": "an analyst's opinion, kept by the source",
    "grouping": "a grouping without the context of an operation",
    "extension-definition": "an extension definition, no fact",
    "language-content": "translations, no fact",
    "malware-analysis": "malware analysis: schema v1 has no field",
}


class _Incident:
    """One incident being built: its facts, their sources, and what stayed unknown."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.id = ID_PREFIX + str(root["id"])
        self.data: dict[str, Any] = {"id": self.id}
        self.provenance: dict[str, SourceValue] = {}
        self.used: set[str] = {str(root["id"])}
        self.unknown: dict[str, str] = {}
        self.notes: list[str] = []

    def keep(self, path: str, obj: Any, field: str, value: object) -> None:
        """Record the STIX object(s) and property a fact (or its evidence) came from.

        ``obj`` is a STIX object or a list of them: a fact several objects gave (two actors'
        names) keeps all their ids, comma-separated, as schema v1 has one source per fact.
        """
        objs = obj if isinstance(obj, list) else [obj]
        ids = [str(o["id"]) for o in objs]
        self.provenance[path] = SourceValue(source=", ".join(ids), field=field,
                                            value=_text(value))
        self.used.update(ids)

    def unknown_because(self, fact: str, reason: str) -> None:
        self.unknown.setdefault(fact, reason)


def incident_roots(bundle: Bundle) -> tuple[str, list[Any]]:
    """The objects that make the incidents, and the rule that chose them (module doc)."""
    live = {k: o for k, o in bundle.objects.items() if not o.get("revoked")}
    campaigns = [o for k, o in sorted(live.items()) if o["type"] == "campaign"]
    if campaigns:
        return "campaign", campaigns
    reports = [
        o for k, o in sorted(live.items())
        if o["type"] == "report" and any(
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
    graph = _Graph(bundle)
    used_by: dict[str, list[str]] = defaultdict(list)
    for root in roots:
        built = _map_root(root, grouping, graph, refs)
        try:
            incident = Incident.model_validate(built.data | {"provenance": built.provenance})
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise StixError(bundle.source, f"cannot be an incident: {first['msg']}",
                            object_id=str(root["id"]), field=field) from None
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


class _Graph:
    """The bundle's live relationships, by source and type."""

    def __init__(self, bundle: Bundle) -> None:
        self.objects = bundle.objects
        self.out: dict[tuple[str, str], list[Any]] = defaultdict(list)
        self.reports_of: dict[str, list[Any]] = defaultdict(list)
        for _, obj in sorted(bundle.objects.items()):
            if obj.get("revoked"):
                continue
            if obj["type"] == "relationship":
                self.out[(obj["source_ref"], obj["relationship_type"])].append(obj)
            elif obj["type"] == "report":
                for ref in obj.get("object_refs", []):
                    self.reports_of[ref].append(obj)

    def related(self, source: str, relationship: str) -> list[tuple[Any, Any]]:
        """(relationship, target object) pairs from ``source``, skipping revoked targets."""
        out = []
        for rel in self.out.get((source, relationship), []):
            target = self.objects[rel["target_ref"]]
            if not target.get("revoked"):
                out.append((rel, target))
        return out


def _map_root(root: Any, grouping: str, graph: _Graph, refs: References) -> _Incident:
    inc = _Incident(root)
    for prop in ("name", "description"):
        if root.get(prop):
            inc.data[prop] = str(root[prop])
    if root.get("name"):
        inc.keep("name", root, "name", root["name"])
    if grouping == "report":
        first = _report_actors(root, graph)
        subjects = [root, *first]
    else:
        first = _attributed(root, graph, inc) if grouping == "campaign" else [root]
        subjects = [root]
    _dates(inc, root if grouping != "report" else (first[0] if len(first) == 1 else None))
    _sources(inc, root, graph)
    chain = _chain(first, graph, inc)
    _initiator(inc, first, chain, graph, refs)
    _attribution(inc, chain, graph, refs)
    _targets(inc, subjects, graph, refs)
    _effects(inc, subjects, graph, refs)
    for fact in ("territory_used", "context.armed_conflict", "context.conflict_intensity",
                 "requests", "effects.casualties", "effects.doxing", "effects.zero_days"):
        inc.unknown_because(fact, "STIX 2.1 has no property that states it")
    inc.data["annotations"] = {"stix": {
        "object": str(root["id"]),
        "type": str(root["type"]),
        "grouping": GROUPING_RULES[grouping],
        "objects": sorted(inc.used),
    }}
    return inc


def _report_actors(report: Any, graph: _Graph) -> list[Any]:
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


def _attributed(obj: Any, graph: _Graph, inc: _Incident) -> list[Any]:
    """The actors ``obj`` is attributed to (intrusion-sets first, then threat-actors)."""
    found = []
    for rel, target in graph.related(obj["id"], "attributed-to"):
        if target["type"] in ACTOR_TYPES:
            found.append(target)
            inc.used.add(str(rel["id"]))
    order = {t: i for i, t in enumerate(ACTOR_TYPES)}
    return sorted(found, key=lambda o: (order[o["type"]], str(o["id"])))


def _chain(first: list[Any], graph: _Graph, inc: _Incident) -> list[tuple[int, Any]]:
    """Every actor reachable by ``attributed-to`` from the first ones, with its distance."""
    seen: dict[str, int] = {}
    out: list[tuple[int, Any]] = []
    frontier = [(1, a) for a in first]
    while frontier:
        depth, actor = frontier.pop(0)
        if str(actor["id"]) in seen:
            continue
        seen[str(actor["id"])] = depth
        out.append((depth, actor))
        inc.used.add(str(actor["id"]))
        frontier.extend((depth + 1, t) for t in _attributed(actor, graph, inc))
    return out


def _dates(inc: _Incident, obj: Any | None) -> None:
    if obj is None:
        inc.unknown_because("start_date", "the report groups several actors and has no "
                            "first_seen of its own (published is not when the operation ran)")
        return
    for prop, fact in (("first_seen", "start_date"), ("last_seen", "end_date")):
        value = obj.get(prop)
        if value is None:
            inc.unknown_because(fact, f"{obj['type']} {obj['id']} has no {prop}")
            continue
        inc.data[fact] = value.date()
        inc.keep(fact, obj, prop, value)
    # stix2 refuses a last_seen before first_seen (bundle.py), so the dates are in order.


def _sources(inc: _Incident, root: Any, graph: _Graph) -> None:
    """URLs of the root's external references and of the reports that include it."""
    urls: list[str] = []
    for obj in [root, *graph.reports_of.get(root["id"], [])]:
        for ref in obj.get("external_references", []) or []:
            url = ref.get("url")
            if url and str(url) not in urls:
                urls.append(str(url))
                inc.used.add(str(obj["id"]))
    inc.data["sources"] = urls


def _initiator(inc: _Incident, first: list[Any], chain: list[tuple[int, Any]], graph: _Graph,
               refs: References) -> None:
    if not first:
        inc.unknown_because("initiator.name", "no attributed-to relationship from the incident")
        inc.unknown_because("initiator.category", "no actor in the bundle for this incident")
        inc.unknown_because("initiator.country", "no actor in the bundle for this incident")
        return
    names = [str(a["name"]) for a in first if a.get("name")]
    inc.data.setdefault("initiator", {})["name"] = "; ".join(names)
    inc.keep("initiator.name", first, "name", "; ".join(names))
    _initiator_category(inc, first, chain)
    _initiator_country(inc, chain, graph, refs)


def _initiator_category(inc: _Incident, first: list[Any], chain: list[tuple[int, Any]]) -> None:
    individuals = [a for a in first if a["type"] == "identity"
                   and a.get("identity_class") == "individual"]
    if individuals and len(individuals) == len(first):
        inc.data["initiator"]["category"] = "individual"
        inc.keep("initiator.category", individuals[0], "identity_class", "individual")
        return
    actors = [(d, a) for d, a in chain if a["type"] == "threat-actor" and a.get(
        "threat_actor_types")]
    if not actors:
        inc.unknown_because("initiator.category", "no threat-actor with threat_actor_types in "
                            "the attribution chain")
        return
    nearest = min(d for d, _ in actors)
    types = sorted({str(t) for d, a in actors if d == nearest for t in a["threat_actor_types"]})
    mapped = {vocab.THREAT_ACTOR_TYPE.get(t) for t in types} - {None}
    source = next(a for d, a in actors if d == nearest)
    inc.keep("initiator.category", source, "threat_actor_types", ", ".join(types))
    if len(mapped) == 1:
        inc.data["initiator"]["category"] = mapped.pop()
    elif mapped:
        inc.unknown_because("initiator.category", f"threat_actor_types {types} name different "
                            "kinds of actor")
    else:
        inc.unknown_because("initiator.category", f"threat_actor_types {types} do not say "
                            "which kind of actor (nation-state: state organ or state-directed "
                            "group)")


def _initiator_country(inc: _Incident, chain: list[tuple[int, Any]], graph: _Graph,
                       refs: References) -> None:
    for _, actor in chain:
        for rel, place in graph.related(actor["id"], "located-at"):
            code = vocab.country_code(str(place.get("country", "")))
            if code:
                inc.data["initiator"]["country"] = code
                inc.keep("initiator.country", place, "country", place["country"])
                inc.used.add(str(rel["id"]))
                return
    for _, actor in chain:
        for cluster in refs.galaxy_actors(_names(actor)):
            code = vocab.country_code(cluster.country) if cluster.country else None
            if code:
                inc.data["initiator"]["country"] = code
                inc.keep("initiator.country", actor,
                         f"misp-galaxy threat-actor {cluster.value!r}: country", cluster.country)
                return
    inc.unknown_because("initiator.country", "no located-at location with a country for the "
                        "actors" + ("" if refs.actors else ", and no MISP galaxy given"))


def _attribution(inc: _Incident, chain: list[tuple[int, Any]], graph: _Graph,
                 refs: References) -> None:
    inc.unknown_because("attribution.basis", "attributed-to does not say who attributed "
                        "(the bundle's author is not necessarily a government)")
    inc.unknown_because("attribution.attributing_states", "attributed-to does not say which "
                        "states attributed the operation")
    attribution: dict[str, Any] = {}
    for _, actor in chain:
        if actor["type"] == "identity" and actor.get("identity_class") in vocab.GOVERNMENT_CLASSES:
            attribution["level"] = "direct"
            inc.keep("attribution.level", actor, "identity_class", actor["identity_class"])
            code, place, prop = _identity_country(actor, graph)
            if code:
                attribution["state"] = code
                inc.keep("attribution.state", place, prop, place[prop])
            break
    if "level" not in attribution:
        _sponsor(inc, chain, refs, attribution)
    if "level" not in attribution:
        hint = _state_hint(chain)
        if hint is not None:
            actor, prop, value = hint
            inc.keep("attribution.level", actor, prop, value)
            inc.unknown_because("attribution.level", f"{prop} {value!r} points at a state "
                                "without saying whether its organs acted (direct) or it "
                                "directed others (indirect)")
        else:
            inc.unknown_because("attribution.level", "nothing in the bundle names a state link")
    if "state" not in attribution:
        inc.unknown_because("attribution.state", "no government identity with a country and "
                            + ("no MISP suspected state sponsor" if refs.actors
                               else "no MISP galaxy given") + " for the actors")
    if attribution:
        inc.data["attribution"] = attribution


def _sponsor(inc: _Incident, chain: list[tuple[int, Any]], refs: References,
             attribution: dict[str, Any]) -> None:
    """MISP ``cfr-suspected-state-sponsor`` of the nearest actors the galaxy knows."""
    by_depth: dict[int, list[tuple[Any, Any, str]]] = defaultdict(list)
    for depth, actor in chain:
        for cluster in refs.galaxy_actors(_names(actor)):
            if cluster.sponsor:
                code = vocab.country_code(cluster.sponsor)
                if code:
                    by_depth[depth].append((actor, cluster, code))
    if not by_depth:
        return
    found = by_depth[min(by_depth)]
    codes = sorted({code for _, _, code in found})
    if len(codes) > 1:
        inc.unknown_because("attribution.state", f"the MISP galaxy names several suspected "
                            f"sponsors {codes}")
        inc.notes.append(f"MISP suspected sponsors disagree: {codes}")
        return
    actor, cluster, code = found[0]
    confidence = f" (attribution-confidence {cluster.confidence})" if cluster.confidence else ""
    field = f"misp-galaxy threat-actor {cluster.value!r}: cfr-suspected-state-sponsor"
    attribution["state"] = code
    attribution["level"] = "indirect"
    inc.keep("attribution.state", actor, field, cluster.sponsor + confidence)
    inc.keep("attribution.level", actor, field, cluster.sponsor + confidence)


def _state_hint(chain: list[tuple[int, Any]]) -> tuple[Any, str, str] | None:
    for _, actor in chain:
        for prop, words in vocab.STATE_HINTS.items():
            value = actor.get(prop)
            values = value if isinstance(value, list) else [value]
            hits = sorted(str(v) for v in values if v in words)
            if hits:
                return actor, prop, ", ".join(hits)
    return None


def _names(actor: Any) -> list[str]:
    names = [str(actor.get("name", ""))] + [str(a) for a in actor.get("aliases", []) or []]
    for ref in actor.get("external_references", []) or []:
        if str(ref.get("source_name", "")).startswith("mitre") and ref.get("external_id"):
            names.append(str(ref["external_id"]))
    return names


def _identity_country(identity: Any, graph: _Graph) -> tuple[str | None, Any, str]:
    """An identity's country: its ``x_country`` property, else a located-at location."""
    raw = identity.get("x_country")
    if isinstance(raw, str):
        return vocab.country_code(raw), identity, "x_country"
    for _rel, place in graph.related(identity["id"], "located-at"):
        if place.get("country"):
            return vocab.country_code(str(place["country"])), place, "country"
    return None, identity, "x_country"


def _targets(inc: _Incident, subjects: list[Any], graph: _Graph, refs: References) -> None:
    targets: list[dict[str, Any]] = []
    seen: set[str] = set()
    for subject in subjects:
        for rel, target in graph.related(subject["id"], "targets"):
            if str(target["id"]) in seen or target["type"] not in ("identity", "location"):
                continue
            seen.add(str(target["id"]))
            inc.used.add(str(rel["id"]))
            if target["type"] == "location":
                targets.append(_location_target(inc, rel, target, len(targets)))
            else:
                targets.extend(_identity_targets(inc, rel, target, len(targets), graph, refs))
    if targets:
        inc.data["targets"] = targets
        links = [graph.objects[inc.provenance[f"targets[{i}]"].source] for i in range(len(targets))]
        unique = list({str(o["id"]): o for o in links}.values())
        inc.keep("targets", unique, "target_ref", ", ".join(str(o["target_ref"]) for o in unique))
    else:
        inc.unknown_because("targets", "no targets relationship to an identity or location "
                            "(absence in a bundle is not absence of victims)")


def _location_target(inc: _Incident, rel: Any, place: Any, index: int) -> dict[str, Any]:
    path = f"targets[{index}]"
    inc.keep(path, rel, "target_ref", place["id"])
    raw = place.get("country")
    code = vocab.country_code(str(raw)) if raw else None
    if code:
        inc.keep(f"{path}.country", place, "country", raw)
    else:
        inc.unknown_because(f"{path}.country", f"location {place['id']} has no country "
                            "(a region or coordinates only)" if not raw else
                            f"country {raw!r} is not an ISO 3166 code")
    return {"country": code, "name": place.get("name")}


def _identity_targets(inc: _Incident, rel: Any, identity: Any, start: int, graph: _Graph,
                      refs: References) -> list[dict[str, Any]]:
    """One target per sector the identity names (a target has one sector), at least one."""
    code, place, prop = _identity_country(identity, graph)
    sectors: list[str | None] = [str(s) for s in identity.get("sectors", []) or []] or [None]
    out = []
    for offset, raw in enumerate(sectors):
        path = f"targets[{start + offset}]"
        inc.keep(path, rel, "target_ref", identity["id"])
        target: dict[str, Any] = {"name": str(identity["name"]), "country": code}
        inc.keep(f"{path}.name", identity, "name", identity["name"])
        if code:
            inc.keep(f"{path}.country", place, prop, place[prop])
        else:
            inc.unknown_because(f"{path}.country", f"identity {identity['id']} has no x_country "
                                "and no located-at location with a country")
        if raw is None:
            inc.unknown_because(f"{path}.sector", f"identity {identity['id']} names no sector")
        else:
            sector, category = _sector(raw, refs)
            target["sector"], target["category"] = sector, category
            inc.keep(f"{path}.sector", identity, "sectors", raw)
            inc.keep(f"{path}.category", identity, "sectors", raw)
            if sector is None:
                inc.unknown_because(f"{path}.sector", f"sector {raw!r} has no single "
                                    "counterpart in the schema")
        out.append(target)
    return out


def _sector(raw: str, refs: References) -> tuple[str | None, str | None]:
    if raw in vocab.INDUSTRY_SECTOR:
        return vocab.INDUSTRY_SECTOR[raw]
    misp = refs.sector_synonyms.get(raw.strip().lower())
    sector = vocab.MISP_SECTOR.get(misp) if misp else None
    return sector, vocab.CATEGORY_OF_SECTOR.get(sector) if sector else None


def _effects(inc: _Incident, subjects: list[Any], graph: _Graph, refs: References) -> None:
    """ATT&CK techniques used: evidence kept as the source of effects that stay unknown."""
    evidence: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for subject in subjects:
        for rel, pattern in graph.related(subject["id"], "uses"):
            if pattern["type"] != "attack-pattern":
                continue
            for technique, label, facts in _technique_facts(pattern, refs):
                inc.used.add(str(rel["id"]))
                for fact in facts:
                    evidence[fact].append((str(pattern["id"]), f"{technique} {label}".strip()))
    for fact in ("effects.data_theft", "effects.disruption", "effects.hijacking",
                 "effects.physical", "effects.ransomware", "context.supply_chain"):
        found = sorted(set(evidence.get(fact, [])))
        if found:
            patterns = [graph.objects[i] for i in sorted({i for i, _ in found})]
            labels = "; ".join(t for _, t in found)
            inc.keep(fact, patterns, "uses attack-pattern (ATT&CK)", labels)
            inc.unknown_because(fact, vocab.WHY_EVIDENCE_ONLY[fact])
        else:
            inc.unknown_because(fact, "no ATT&CK technique in the bundle bears on it")


def _technique_facts(pattern: Any, refs: References) -> Iterable[tuple[str, str, set[str]]]:
    for ref in pattern.get("external_references", []) or []:
        if not str(ref.get("source_name", "")).startswith("mitre"):
            continue
        technique = str(ref.get("external_id") or "")
        if not technique:
            continue
        base = technique.split(".")[0]
        facts: set[str] = set()
        known = vocab.TECHNIQUE_EVIDENCE.get(base)
        if known:
            facts.update(known[1])
        phases = {str(p["phase_name"]) for p in pattern.get("kill_chain_phases", []) or []
                  if p.get("kill_chain_name") in vocab.ATTACK_KILL_CHAINS}
        if not phases and base in refs.techniques:
            phases = set(refs.techniques[base].phases)
        for fact, fact_phases in vocab.EFFECT_PHASES.items():
            if phases & fact_phases:
                facts.add(fact)
        name = known[0] if known else refs.techniques[base].name if base in refs.techniques \
            else str(pattern.get("name", ""))
        if facts:
            yield technique, name, facts


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
        return "cyber-observable: schema v1 has no field for observables"
    return "no fact in schema v1 for this type"


def _text(value: object) -> str:
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
