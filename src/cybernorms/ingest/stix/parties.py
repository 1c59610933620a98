"""Who: ``initiator`` and ``attribution`` from ``attributed-to`` chains, STIX actor properties,
``located-at`` locations and the MISP threat-actor galaxy (the rules are in ``mapping``'s doc
and ``docs/stix.md``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cybernorms.ingest.stix import vocab
from cybernorms.ingest.stix.draft import Draft, Graph
from cybernorms.ingest.stix.references import References

ACTOR_TYPES = ("intrusion-set", "threat-actor", "identity")


def attributed(obj: Any, graph: Graph, inc: Draft) -> list[Any]:
    """The actors ``obj`` is attributed to (intrusion-sets first, then threat-actors)."""
    found = []
    for rel, target in graph.related(obj["id"], "attributed-to"):
        if target["type"] in ACTOR_TYPES:
            found.append(target)
            inc.used.add(str(rel["id"]))
    order = {t: i for i, t in enumerate(ACTOR_TYPES)}
    return sorted(found, key=lambda o: (order[o["type"]], str(o["id"])))


def attribution_chain(first: list[Any], graph: Graph, inc: Draft) -> list[tuple[int, Any]]:
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
        frontier.extend((depth + 1, t) for t in attributed(actor, graph, inc))
    return out


def map_initiator(
    inc: Draft, first: list[Any], chain: list[tuple[int, Any]], graph: Graph, refs: References
) -> None:
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


def _initiator_category(inc: Draft, first: list[Any], chain: list[tuple[int, Any]]) -> None:
    individuals = [
        a for a in first if a["type"] == "identity" and a.get("identity_class") == "individual"
    ]
    if individuals and len(individuals) == len(first):
        inc.data["initiator"]["category"] = "individual"
        inc.keep("initiator.category", individuals[0], "identity_class", "individual")
        return
    actors = [
        (d, a) for d, a in chain if a["type"] == "threat-actor" and a.get("threat_actor_types")
    ]
    if not actors:
        inc.unknown_because(
            "initiator.category", "no threat-actor with threat_actor_types in the attribution chain"
        )
        return
    nearest = min(d for d, _ in actors)
    types = sorted({str(t) for d, a in actors if d == nearest for t in a["threat_actor_types"]})
    mapped = {vocab.THREAT_ACTOR_TYPE.get(t) for t in types} - {None}
    source = next(a for d, a in actors if d == nearest)
    inc.keep("initiator.category", source, "threat_actor_types", ", ".join(types))
    if len(mapped) == 1:
        inc.data["initiator"]["category"] = mapped.pop()
    elif mapped:
        inc.unknown_because(
            "initiator.category", f"threat_actor_types {types} name different kinds of actor"
        )
    else:
        inc.unknown_because(
            "initiator.category",
            f"threat_actor_types {types} do not say "
            "which kind of actor (nation-state: state organ or state-directed "
            "group)",
        )


def _initiator_country(
    inc: Draft, chain: list[tuple[int, Any]], graph: Graph, refs: References
) -> None:
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
                inc.keep(
                    "initiator.country",
                    actor,
                    f"misp-galaxy threat-actor {cluster.value!r}: country",
                    cluster.country,
                )
                return
    inc.unknown_because(
        "initiator.country",
        "no located-at location with a country for the "
        "actors" + ("" if refs.actors else ", and no MISP galaxy given"),
    )


def map_attribution(
    inc: Draft, chain: list[tuple[int, Any]], graph: Graph, refs: References
) -> None:
    inc.unknown_because(
        "attribution.basis",
        "attributed-to does not say who attributed "
        "(the bundle's author is not necessarily a government)",
    )
    inc.unknown_because(
        "attribution.attributing_states",
        "attributed-to does not say which states attributed the operation",
    )
    found: dict[str, Any] = {}
    for _, actor in chain:
        if actor["type"] == "identity" and actor.get("identity_class") in vocab.GOVERNMENT_CLASSES:
            found["level"] = "direct"
            inc.keep("attribution.level", actor, "identity_class", actor["identity_class"])
            code, place, prop = identity_country(actor, graph)
            if code:
                found["state"] = code
                inc.keep("attribution.state", place, prop, place[prop])
            break
    if "level" not in found:
        _sponsor(inc, chain, refs, found)
    if "level" not in found:
        hint = _state_hint(chain)
        if hint is not None:
            actor, prop, value = hint
            inc.keep("attribution.level", actor, prop, value)
            inc.unknown_because(
                "attribution.level",
                f"{prop} {value!r} points at a state "
                "without saying whether its organs acted (direct) or it "
                "directed others (indirect)",
            )
        else:
            inc.unknown_because("attribution.level", "nothing in the bundle names a state link")
    if "state" not in found:
        inc.unknown_because(
            "attribution.state",
            "no government identity with a country and "
            + ("no MISP suspected state sponsor" if refs.actors else "no MISP galaxy given")
            + " for the actors",
        )
    if found:
        inc.data["attribution"] = found


def _sponsor(
    inc: Draft, chain: list[tuple[int, Any]], refs: References, attribution: dict[str, Any]
) -> None:
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
        inc.unknown_because(
            "attribution.state", f"the MISP galaxy names several suspected sponsors {codes}"
        )
        inc.notes.append(f"MISP suspected sponsors disagree: {codes}")
        return
    actor, cluster, code = found[0]
    confidence = f" (attribution-confidence {cluster.confidence})" if cluster.confidence else ""
    field = f"misp-galaxy threat-actor {cluster.value!r}: cfr-suspected-state-sponsor"
    # A suspected sponsor names the state the operation is attributed to, but not the legal
    # link (organ, direction, knowing support): deciding `indirect` on a suspicion would be a
    # decision on a proxy, so the level stays unknown and keeps the suspicion as its source.
    attribution["state"] = code
    inc.keep("attribution.state", actor, field, cluster.sponsor + confidence)
    inc.keep("attribution.level", actor, field, cluster.sponsor + confidence)
    inc.unknown_because(
        "attribution.level",
        "a suspected state sponsor does not say whether "
        "the state's organs acted (direct) or it directed or supported others "
        "(indirect)",
    )


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


def identity_country(identity: Any, graph: Graph) -> tuple[str | None, Any, str]:
    """An identity's country: its ``x_country`` property, else a located-at location."""
    raw = identity.get("x_country")
    if isinstance(raw, str):
        return vocab.country_code(raw), identity, "x_country"
    for _rel, place in graph.related(identity["id"], "located-at"):
        if place.get("country"):
            return vocab.country_code(str(place["country"])), place, "country"
    return None, identity, "x_country"
