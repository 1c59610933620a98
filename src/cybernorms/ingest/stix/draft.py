"""An incident being built from STIX objects, and the bundle's relationships as a graph.

Every mapper writes facts through ``Draft.keep`` so that a fact never loses the STIX object it
came from (``Incident.provenance``, shown in traces), and says why a fact stays unknown through
``Draft.unknown_because`` (the import report).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cybernorms.ingest.stix.bundle import Bundle
from cybernorms.model.facts import SourceValue

ID_PREFIX = "stix:"


class Draft:
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
        self.provenance[path] = SourceValue(source=", ".join(ids), field=field, value=_text(value))
        self.used.update(ids)

    def unknown_because(self, fact: str, reason: str) -> None:
        self.unknown.setdefault(fact, reason)


class Graph:
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


def _text(value: object) -> str:
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
