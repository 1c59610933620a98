"""Incidents written in fact schema v2 (or v1), as JSON or YAML files (one object or a list).

Every problem in every incident of a file is collected before anything is returned, so an
author fixes a file in one pass; a file with any problem yields no incidents at all (never a
silent partial load). Incidents in fact schema v1 are mapped onto v2 (``model.schema_versions``)
and the file's ``notes`` say which v2 facts are unknown for them; a file mixing the versions is
refused naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cybernorms.model.documents import Document, DocumentError, Problem, as_items, load_file
from cybernorms.model.facts import SCHEMA_V1, Incident
from cybernorms.model.schema_versions import dotted, read_versioned, v1_note

INCIDENT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class IncidentFile:
    """The incidents of one document and the notes a reader must see (v1 facts unknown)."""

    incidents: list[Incident] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def incidents_from_document(doc: Document) -> list[Incident]:
    """Validate each object of a parsed document as an incident; ids must be unique."""
    return read_document(doc).incidents


def read_document(doc: Document) -> IncidentFile:
    """Each object of a parsed document as an incident (v1 mapped, with a note)."""
    if doc.value is None:
        raise DocumentError([Problem(doc.source, "empty document: expected an incident or a list")])
    problems: list[Problem] = []
    incidents: list[Incident] = []
    seen: dict[str, str] = {}
    v1_count = answered_true = 0
    for parent, path in as_items(doc):
        raw = parent.sub(path).value
        if not isinstance(raw, dict):
            problems.append(Problem(parent.where(path), "expected an incident (a mapping)"))
            continue
        read = read_versioned(raw)
        if read.problems:
            for field_path, message in read.problems:
                where = parent.where((*path, *field_path))
                problems.append(Problem(where, f"{dotted(field_path)}: {message}"))
            continue
        try:
            incident = _validate(parent, path, read.data)
        except DocumentError as exc:
            problems.extend(exc.problems)
            continue
        if read.version == SCHEMA_V1:
            v1_count += 1
            answered_true += read.answered_true
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
    notes = [v1_note(doc.source, v1_count, answered_true)] if v1_count else []
    return IncidentFile(incidents, notes)


def _validate(parent: Document, path: tuple[str | int, ...], data: dict[str, object]) -> Incident:
    """Validate the (v2-mapped) mapping with the located errors of the original document."""
    from pydantic import ValidationError

    try:
        return Incident.model_validate(data)
    except ValidationError as exc:
        raise DocumentError(parent.problems_of(exc, Incident, path)) from None


def load_incidents(path: Path | str) -> list[Incident]:
    """All incidents of one JSON/YAML file."""
    return incidents_from_document(load_file(path))


def read_incident_file(path: Path | str) -> IncidentFile:
    """All incidents of one JSON/YAML file, with the notes its reader must see."""
    return read_document(load_file(path))


def incident_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Expand directories (recursively, sorted) into incident files; files pass through."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.suffix in INCIDENT_SUFFIXES)
        else:
            yield p
