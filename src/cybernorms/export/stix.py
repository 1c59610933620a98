"""Verdicts -> a STIX 2.1 bundle that threat-intelligence tools can take back in.

What the bundle holds (``docs/stix.md``, "Export"):

* cybernorms' ``identity`` (the ``created_by_ref`` of everything else) and the versioned
  ``extension-definition`` of the verdict (``verdict_extension``);
* one ``note`` per verdict, whose ``object_refs`` name the incident's STIX object: the
  original id when the incident came from STIX (so the note lands on the analyst's own
  campaign or report), otherwise a ``campaign`` made here from the incident's name and dates;
  its text says the verdict for people, its property extension carries it for programs.

Ids are UUIDv5 of what the object is (the note: incident, package@version, rule, subject,
basis), so exporting the same verdicts again gives the same ids and a tool merges instead of
duplicating. Timestamps are the ``created`` argument (the evaluation's time), the same for the
whole export.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cybernorms.errors import CybernormsError
from cybernorms.export import verdict_extension as ext
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Verdict

STIX_ID_PREFIX = "stix:"  # ids the STIX importer gives (``cybernorms.ingest.stix``)


class ExportError(CybernormsError):
    """Verdicts that cannot be exported as asked (a verdict about an incident not given)."""


@dataclass(frozen=True)
class Validation:
    """What stix2-validator said about an exported bundle."""

    errors: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not self.errors


def verdicts_to_bundle(
    incidents: Iterable[Incident],
    verdicts: Iterable[Verdict],
    *,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """A STIX 2.1 bundle of notes, one per verdict, on the incidents' STIX objects."""
    when = _timestamp(created or dt.datetime.now(dt.UTC))
    by_id = {i.id: i for i in incidents}
    objects: list[dict[str, Any]] = [ext.identity_object(), ext.definition_object()]
    made: dict[str, dict[str, Any]] = {}
    notes: dict[str, dict[str, Any]] = {}
    for verdict in verdicts:
        incident = by_id.get(verdict.incident)
        if incident is None:
            raise ExportError(
                f"verdict of rule {verdict.rule} is about incident "
                f"{verdict.incident!r}, which was not given"
            )
        target = incident_ref(incident)
        if target is None:
            stand_in = made.get(incident.id) or _campaign(incident, when)
            made[incident.id] = stand_in
            target = stand_in["id"]
        note = _note(verdict, target, when)
        notes[note["id"]] = note
    objects.extend(made[k] for k in sorted(made))
    objects.extend(notes[k] for k in sorted(notes))
    seed = "|".join(o["id"] for o in objects)
    return {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid5(ext.NAMESPACE, 'bundle:' + seed)}",
        "objects": objects,
    }


def incident_ref(incident: Incident) -> str | None:
    """The STIX id an imported incident came from, or ``None`` for other incidents."""
    stix = incident.annotations.get("stix")
    if isinstance(stix, dict) and isinstance(stix.get("object"), str):
        return str(stix["object"])
    if incident.id.startswith(STIX_ID_PREFIX) and "--" in incident.id:
        return incident.id[len(STIX_ID_PREFIX) :]
    return None


def note_id(verdict: Verdict) -> str:
    """The note of one verdict: same incident, package, rule, subject, basis -> same id."""
    key = "|".join(
        (
            "verdict",
            verdict.incident,
            verdict.package,
            verdict.rule,
            verdict.subject or "",
            verdict.basis,
        )
    )
    return f"note--{uuid.uuid5(ext.NAMESPACE, key)}"


def _note(verdict: Verdict, target: str, when: str) -> dict[str, Any]:
    data = verdict.to_json(with_trace=False)
    props: dict[str, Any] = {"extension_type": "property-extension"}
    for key in (
        "incident",
        "package",
        "rule",
        "subject",
        "basis",
        "outcome",
        "missing",
        "profiles",
    ):
        value = data[key]
        if value is not None and value != []:  # STIX 2.1: no nulls, no empty lists
            props[key] = value
    on = f" on {verdict.subject}" if verdict.subject else ""
    text = (
        f"cybernorms: rule {verdict.rule} of {verdict.package} ({verdict.basis}){on}: "
        f"{data['outcome']}."
    )
    if verdict.missing:
        text += " Unknown facts: " + ", ".join(verdict.missing) + "."
    return {
        "type": "note",
        "spec_version": "2.1",
        "id": note_id(verdict),
        "created_by_ref": ext.identity_id(),
        "created": when,
        "modified": when,
        "abstract": f"{verdict.rule}{on}: {data['outcome']}",
        "content": text,
        "authors": ["cybernorms"],
        "object_refs": [target],
        "extensions": {ext.definition_id(): props},
    }


def _campaign(incident: Incident, when: str) -> dict[str, Any]:
    """A campaign standing for an incident that did not come from STIX."""
    obj: dict[str, Any] = {
        "type": "campaign",
        "spec_version": "2.1",
        "id": f"campaign--{uuid.uuid5(ext.NAMESPACE, 'incident:' + incident.id)}",
        "created_by_ref": ext.identity_id(),
        "created": when,
        "modified": when,
        "name": incident.name or incident.id,
    }
    if incident.description:
        obj["description"] = incident.description
    if incident.start_date:
        obj["first_seen"] = _date(incident.start_date)
    if incident.end_date:
        obj["last_seen"] = _date(incident.end_date)
    obj["external_references"] = [{"source_name": "cybernorms", "external_id": incident.id}]
    obj["external_references"].extend(
        {"source_name": "source", "url": url} for url in incident.sources
    )
    return obj


def validate_bundle(bundle: dict[str, Any]) -> Validation:
    """Check a bundle with the OASIS stix2-validator (STIX 2.1)."""
    from stix2validator import ValidationOptions, validate_string

    result = validate_string(json.dumps(bundle), ValidationOptions(version="2.1"))
    errors: list[str] = []
    warnings: list[str] = []
    for obj in _results(result):
        errors.extend(str(e) for e in getattr(obj, "errors", []) or [])
        warnings.extend(str(w) for w in getattr(obj, "warnings", []) or [])
    return Validation(tuple(errors), tuple(warnings))


def _results(result: Any) -> Sequence[Any]:
    inner = getattr(result, "object_results", None)
    if inner is None:
        return [result]
    return [result, *inner] if isinstance(inner, list) else [result, inner]


def _timestamp(moment: dt.datetime) -> str:
    """STIX 2.1 timestamps: UTC, millisecond precision, ``Z``."""
    if moment.tzinfo is None:
        raise ExportError("created must be an aware datetime (UTC)")
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _date(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00.000Z"
