"""What: ATT&CK techniques an incident ``uses``, kept as evidence for effects that stay
unknown (``vocab.WHY_EVIDENCE_ONLY`` says why each does)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from cybernorms.ingest.stix import vocab
from cybernorms.ingest.stix.draft import Draft, Graph
from cybernorms.ingest.stix.references import References


def map_effects(inc: Draft, subjects: list[Any], graph: Graph, refs: References) -> None:
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
    for fact in (
        "effects.data_theft",
        "effects.disruption",
        "effects.hijacking",
        "effects.physical",
        "effects.ransomware",
        "context.supply_chain",
    ):
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
        phases = {
            str(p["phase_name"])
            for p in pattern.get("kill_chain_phases", []) or []
            if p.get("kill_chain_name") in vocab.ATTACK_KILL_CHAINS
        }
        if not phases and base in refs.techniques:
            phases = set(refs.techniques[base].phases)
        for fact, fact_phases in vocab.EFFECT_PHASES.items():
            if phases & fact_phases:
                facts.add(fact)
        name = (
            known[0]
            if known
            else refs.techniques[base].name
            if base in refs.techniques
            else str(pattern.get("name", ""))
        )
        if facts:
            yield technique, name, facts
