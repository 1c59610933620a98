"""Incidents written in fact schema v1, as JSON or YAML files (one object or a list).

Every problem in every incident of a file is collected before anything is returned, so an
author fixes a file in one pass; a file with any problem yields no incidents at all (never a
silent partial load).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from cybernorms.model.documents import Document, DocumentError, Problem, as_items, load_file
from cybernorms.model.facts import Incident

INCIDENT_SUFFIXES = (".yaml", ".yml", ".json")


def incidents_from_document(doc: Document) -> list[Incident]:
    """Validate each object of a parsed document as an incident; ids must be unique."""
    if doc.value is None:
        raise DocumentError([Problem(doc.source, "empty document: expected an incident or a list")])
    problems: list[Problem] = []
    incidents: list[Incident] = []
    seen: dict[str, str] = {}
    for parent, path in as_items(doc):
        if not isinstance(parent.sub(path).value, dict):
            problems.append(Problem(parent.where(path), "expected an incident (a mapping)"))
            continue
        try:
            incident = parent.validate(Incident, path)
        except DocumentError as exc:
            problems.extend(exc.problems)
            continue
        if incident.id in seen:
            problems.append(
                Problem(
                    parent.where((*path, "id")),
                    f"duplicate incident id {incident.id!r} (first at {seen[incident.id]})",
                )
            )
            continue
        seen[incident.id] = parent.where((*path, "id"))
        incidents.append(incident)
    if problems:
        raise DocumentError(problems)
    return incidents


def load_incidents(path: Path | str) -> list[Incident]:
    """All incidents of one JSON/YAML file."""
    return incidents_from_document(load_file(path))


def incident_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Expand directories (recursively, sorted) into incident files; files pass through."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.suffix in INCIDENT_SUFFIXES)
        else:
            yield p
