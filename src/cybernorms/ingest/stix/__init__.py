"""STIX 2.1 bundles -> incidents in fact schema v1 (issue 11, item 4).

``read_bundle(path_or_dict, references=...)`` parses a bundle with the ``stix2`` library,
refuses an invalid one with a ``StixError`` naming the object id and field, and maps the
objects that describe an operation onto incidents, each fact keeping the STIX object id it came
from as its source (``Incident.provenance``) for the traces. Modules: ``bundle`` (parsing and
refusals), ``mapping`` (which objects make an incident), ``parties`` (initiator, attribution),
``targets``, ``effects`` (ATT&CK evidence), ``draft`` (facts with their sources), ``vocab``
(vocabulary tables), ``references`` (MISP galaxies and ATT&CK, read from paths the caller
gives), ``report`` (the import report). ``docs/stix.md`` is the mapping table.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cybernorms.ingest.stix.bundle import StixError, load_bundle
from cybernorms.ingest.stix.mapping import GROUPING_RULES, ID_PREFIX, map_bundle
from cybernorms.ingest.stix.references import References
from cybernorms.ingest.stix.report import IgnoredObject, StixImport, UnknownFact, UsedObject


def read_bundle(
    source: Path | str | Mapping[str, Any], *, references: References | None = None
) -> StixImport:
    """Read a STIX 2.1 bundle (a file path or the parsed JSON) into incidents and a report."""
    return map_bundle(load_bundle(source), references or References())


def is_stix_bundle(data: object) -> bool:
    """Whether parsed JSON looks like a STIX bundle (for front ends choosing an importer)."""
    return (
        isinstance(data, Mapping)
        and data.get("type") == "bundle"
        and str(data.get("id", "")).startswith("bundle--")
    )


__all__ = [
    "GROUPING_RULES",
    "ID_PREFIX",
    "IgnoredObject",
    "References",
    "StixError",
    "StixImport",
    "UnknownFact",
    "UsedObject",
    "is_stix_bundle",
    "read_bundle",
]
