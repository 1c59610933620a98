"""What importing a STIX bundle produced: the incidents, and an account of every object.

Why a report and not only incidents: an analyst who hands over a bundle must see which objects
became facts, which were left out and why, and which facts stay unknown (an unknown fact makes
verdicts undetermined: the report says what data would decide them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cybernorms.model.facts import Incident


@dataclass(frozen=True)
class UsedObject:
    """A STIX object that gave facts, and to which incidents."""

    id: str
    type: str
    incidents: tuple[str, ...]


@dataclass(frozen=True)
class IgnoredObject:
    """A STIX object that gave no fact, and why."""

    id: str
    type: str
    reason: str


@dataclass(frozen=True)
class UnknownFact:
    """A fact of an incident left unknown, and why (what the bundle says, if anything)."""

    incident: str
    fact: str
    reason: str


@dataclass
class StixImport:
    """The result of reading one bundle."""

    source: str
    bundle_id: str | None
    grouping: str  # which rule made the incidents (see ``mapping.incident_roots``)
    incidents: list[Incident] = field(default_factory=list)
    used: list[UsedObject] = field(default_factory=list)
    ignored: list[IgnoredObject] = field(default_factory=list)
    unknown: list[UnknownFact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def facts_of(self, incident_id: str) -> list[UnknownFact]:
        """The unknown facts of one incident."""
        return [u for u in self.unknown if u.incident == incident_id]

    def summary(self) -> str:
        """A short report for people: counts, ignored objects by reason, unknown facts."""
        lines = [
            f"{self.source}: {len(self.incidents)} incident(s) ({self.grouping}); "
            f"{len(self.used)} object(s) used, {len(self.ignored)} ignored",
        ]
        for incident in self.incidents:
            lines.append(f"  {incident.id}: {incident.name or '(no name)'}")
        reasons = Counter((i.type, i.reason) for i in self.ignored)
        for (obj_type, reason), n in sorted(reasons.items()):
            lines.append(f"  ignored {n} {obj_type}: {reason}")
        unknown = Counter(u.fact for u in self.unknown)
        if unknown:
            lines.append(
                "facts left unknown (incidents): "
                + ", ".join(f"{fact} {n}" for fact, n in sorted(unknown.items()))
            )
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)
