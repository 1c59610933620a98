"""Whom: ``targets`` from ``targets`` relationships to identities (sectors, country) and
locations (country)."""

from __future__ import annotations

from typing import Any

from cybernorms.ingest.stix import vocab
from cybernorms.ingest.stix.draft import Draft, Graph
from cybernorms.ingest.stix.parties import identity_country
from cybernorms.ingest.stix.references import References


def map_targets(inc: Draft, subjects: list[Any], graph: Graph, refs: References) -> None:
    made: list[dict[str, Any]] = []
    seen: set[str] = set()
    for subject in subjects:
        for rel, target in graph.related(subject["id"], "targets"):
            if str(target["id"]) in seen or target["type"] not in ("identity", "location"):
                continue
            seen.add(str(target["id"]))
            inc.used.add(str(rel["id"]))
            if target["type"] == "location":
                made.append(_location_target(inc, rel, target, len(made)))
            else:
                made.extend(_identity_targets(inc, rel, target, len(made), graph, refs))
    if made:
        inc.data["targets"] = made
        links = [graph.objects[inc.provenance[f"targets[{i}]"].source] for i in range(len(made))]
        unique = list({str(o["id"]): o for o in links}.values())
        inc.keep("targets", unique, "target_ref", ", ".join(str(o["target_ref"]) for o in unique))
    else:
        inc.unknown_because(
            "targets",
            "no targets relationship to an identity or location "
            "(absence in a bundle is not absence of victims)",
        )


def _location_target(inc: Draft, rel: Any, place: Any, index: int) -> dict[str, Any]:
    path = f"targets[{index}]"
    inc.keep(path, rel, "target_ref", place["id"])
    raw = place.get("country")
    code = vocab.country_code(str(raw)) if raw else None
    if code:
        inc.keep(f"{path}.country", place, "country", raw)
    else:
        inc.unknown_because(
            f"{path}.country",
            f"location {place['id']} has no country (a region or coordinates only)"
            if not raw
            else f"country {raw!r} is not an ISO 3166 code",
        )
    return {"country": code, "name": place.get("name")}


def _identity_targets(
    inc: Draft, rel: Any, identity: Any, start: int, graph: Graph, refs: References
) -> list[dict[str, Any]]:
    """One target per sector the identity names (a target has one sector), at least one."""
    code, place, prop = identity_country(identity, graph)
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
            inc.unknown_because(
                f"{path}.country",
                f"identity {identity['id']} has no x_country "
                "and no located-at location with a country",
            )
        if raw is None:
            inc.unknown_because(f"{path}.sector", f"identity {identity['id']} names no sector")
        else:
            sector, category = _sector(raw, refs)
            target["sector"], target["category"] = sector, category
            inc.keep(f"{path}.sector", identity, "sectors", raw)
            inc.keep(f"{path}.category", identity, "sectors", raw)
            if sector is None:
                inc.unknown_because(
                    f"{path}.sector", f"sector {raw!r} has no single counterpart in the schema"
                )
        out.append(target)
    return out


def _sector(raw: str, refs: References) -> tuple[str | None, str | None]:
    if raw in vocab.INDUSTRY_SECTOR:
        return vocab.INDUSTRY_SECTOR[raw]
    misp = refs.sector_synonyms.get(raw.strip().lower())
    sector = vocab.MISP_SECTOR.get(misp) if misp else None
    return sector, vocab.CATEGORY_OF_SECTOR.get(sector) if sector else None
