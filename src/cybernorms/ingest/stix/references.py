"""Reference data that maps names, read from paths the caller gives: MISP galaxies and ATT&CK.

Why it is passed in and never shipped: the galaxies and ATT&CK are other projects' data under
their own terms (``shared/data/README.md``); the project reads them where a user keeps them.
Without them the importer still works and says which facts it could have mapped with them.

What each one is used for, and only for:

* MISP ``threat-actor.json``: an actor's name or alias -> its cluster, whose
  ``cfr-suspected-state-sponsor`` (with ``attribution-confidence``) and ``country`` become
  ``attribution.state`` and ``initiator.country`` with the galaxy value kept as their source.
* MISP ``sector.json``: the synonyms of MISP sector names (``Financial`` -> ``Finance``), so a
  sector written the MISP way maps through ``vocab.MISP_SECTOR``.
* ATT&CK intrusion sets: the aliases of a group (``G0006`` = APT1 = Comment Crew), so an actor
  named by any alias finds its galaxy cluster; ATT&CK ICS techniques: an id's name and tactic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cybernorms.ingest.stix.bundle import StixError


@dataclass(frozen=True)
class GalaxyActor:
    """One MISP threat-actor cluster: what it says about a state link, verbatim."""

    value: str
    uuid: str
    sponsor: str | None
    confidence: str | None
    country: str | None


@dataclass(frozen=True)
class Technique:
    """One ATT&CK technique: its name and tactics (kill chain phase names)."""

    id: str
    name: str
    phases: frozenset[str]


@dataclass
class References:
    """Name and vocabulary tables; empty tables when a source was not given."""

    actors: dict[str, list[GalaxyActor]] = field(default_factory=dict)  # lower name -> clusters
    sector_synonyms: dict[str, str] = field(default_factory=dict)  # lower term -> MISP value
    group_aliases: dict[str, frozenset[str]] = field(default_factory=dict)  # lower alias -> all
    techniques: dict[str, Technique] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    @classmethod
    def load(
        cls, *, misp_galaxy: Path | str | None = None, mitre_attack: Path | str | None = None
    ) -> References:
        """Read the MISP galaxy folder (clusters ``threat-actor.json``, ``sector.json``) and the
        ATT&CK folder (``enterprise-attack/intrusion-set/*.json``, ``ics-attack/*.json``)."""
        refs = cls()
        if misp_galaxy is not None:
            folder = Path(misp_galaxy)
            refs._read_actors(folder / "threat-actor.json")
            refs._read_sectors(folder / "sector.json")
        if mitre_attack is not None:
            folder = Path(mitre_attack)
            files = sorted((folder / "enterprise-attack" / "intrusion-set").glob("*.json"))
            files += sorted((folder / "ics-attack").glob("*.json"))
            if not files:
                raise StixError(
                    str(folder),
                    "no ATT&CK data (expected enterprise-attack/"
                    "intrusion-set/*.json or ics-attack/*.json)",
                )
            for path in files:
                refs._read_attack(path)
        return refs

    def galaxy_actors(self, names: Iterable[str]) -> list[GalaxyActor]:
        """The galaxy clusters any of ``names`` (or their ATT&CK aliases) name, deduplicated."""
        keys: set[str] = set()
        for name in names:
            key = name.strip().lower()
            if key:
                keys.add(key)
                keys |= self.group_aliases.get(key, frozenset())
        found: dict[str, GalaxyActor] = {}
        for key in sorted(keys):
            for actor in self.actors.get(key, []):
                found.setdefault(actor.uuid, actor)
        return [found[k] for k in sorted(found)]

    def _read_actors(self, path: Path) -> None:
        for value in _cluster_values(path):
            meta = value.get("meta") or {}
            name = str(value.get("value", ""))
            actor = GalaxyActor(
                value=name,
                uuid=str(value.get("uuid", name)),
                sponsor=_text(meta.get("cfr-suspected-state-sponsor")),
                confidence=_text(meta.get("attribution-confidence")),
                country=_text(meta.get("country")),
            )
            for key in {name, *_strings(meta.get("synonyms"))}:
                if key.strip():
                    self.actors.setdefault(key.strip().lower(), []).append(actor)
        self.sources.append(str(path))

    def _read_sectors(self, path: Path) -> None:
        for value in _cluster_values(path):
            name = str(value.get("value", ""))
            for key in {name, *_strings((value.get("meta") or {}).get("synonyms"))}:
                self.sector_synonyms.setdefault(key.strip().lower(), name)
        self.sources.append(str(path))

    def _read_attack(self, path: Path) -> None:
        data = _json(path)
        objects = data.get("objects") if isinstance(data, dict) else None
        if not isinstance(objects, list):
            raise StixError(str(path), "not an ATT&CK bundle (no objects list)")
        for obj in objects:
            if not isinstance(obj, dict) or obj.get("revoked") or obj.get("x_mitre_deprecated"):
                continue
            attack_id = _attack_id(obj)
            if obj.get("type") == "intrusion-set":
                names = {str(obj.get("name", "")), *_strings(obj.get("aliases"))}
                if attack_id:
                    names.add(attack_id)
                group = frozenset(n.strip().lower() for n in names if n.strip())
                for key in group:
                    self.group_aliases[key] = self.group_aliases.get(key, frozenset()) | group
            elif obj.get("type") == "attack-pattern" and attack_id:
                phases = frozenset(
                    str(p.get("phase_name"))
                    for p in obj.get("kill_chain_phases") or []
                    if isinstance(p, dict)
                )
                self.techniques[attack_id] = Technique(attack_id, str(obj.get("name")), phases)
        self.sources.append(str(path))


def _attack_id(obj: dict[str, Any]) -> str | None:
    for ref in obj.get("external_references") or []:
        if isinstance(ref, dict) and str(ref.get("source_name", "")).startswith("mitre-"):
            ext = ref.get("external_id")
            if isinstance(ext, str):
                return ext
    return None


def _cluster_values(path: Path) -> list[dict[str, Any]]:
    data = _json(path)
    values = data.get("values") if isinstance(data, dict) else None
    if not isinstance(values, list):
        raise StixError(str(path), "not a MISP galaxy cluster file (no values list)")
    return [v for v in values if isinstance(v, dict)]


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StixError(str(path), f"cannot read: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StixError(str(path), f"not JSON: {exc}") from None


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
