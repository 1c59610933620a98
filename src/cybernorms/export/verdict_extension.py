"""The STIX 2.1 extension that carries a cybernorms verdict, as data (STIX 2.1 section 7.3).

Why a property extension on ``note`` and not a new SDO: every STIX tool (OpenCTI, MISP, a TAXII
server) stores and shows a ``note`` attached to the incident's objects, so an analyst sees the
verdict as text where the incident lives; a new SDO type would be dropped or hidden by tools
that do not know it. The property extension carries the verdict's stable keys (the output
contract, DESIGN section 6) for tools that do. ``opinion`` was not used: its values
(agree ... disagree) grade the correctness of the objects it refers to, not a legal reading.

The definition is versioned: a change of the verdict's keys is a new ``VERSION`` and a new
definition id (the id is derived from the version), so a consumer reading an old bundle finds
the definition it was written against.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Final

# Namespace of every id cybernorms derives for STIX objects: uuid5(NAMESPACE_URL,
# "urn:cybernorms:stix"), written out so that it can never change with the code around it.
NAMESPACE: Final = uuid.UUID("6caab258-4c4c-5b1e-b7a2-09832a90936a")

VERSION: Final = "1.0.0"
NAME: Final = "cybernorms verdict"
# When this version of the definition was written (fixed: the definition never changes).
DEFINED: Final = "2026-12-04T00:00:00.000Z"

OUTCOMES: Final = ("not_applicable", "no_violation", "undetermined", "violation")

# The JSON Schema of the extension's properties (draft 2020-12): the keys of a verdict in the
# output contract, less the trace (``cybernorms explain`` shows it), with empty lists and an
# unknown subject left out as STIX 2.1 requires (section 3.3: no empty lists, no nulls).
SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": f"{NAME} {VERSION}",
    "description": "One rule's outcome for one subject on one incident, as cybernorms "
    "evaluated it (property extension of a STIX 2.1 note).",
    "type": "object",
    "properties": {
        "extension_type": {"const": "property-extension"},
        "incident": {"type": "string", "description": "cybernorms incident id"},
        "package": {"type": "string", "description": "rulebook package, id@version"},
        "rule": {"type": "string", "description": "rule id in the package"},
        "subject": {
            "type": "string",
            "pattern": "^[A-Z]{3}$",
            "description": "ISO 3166-1 alpha-3 of the state judged; absent: none",
        },
        "basis": {
            "type": "string",
            "description": "consensus, restatement, proposal, group:NAME or position:ISO3",
        },
        "outcome": {
            "type": "string",
            "description": "one of "
            + ", ".join(OUTCOMES)
            + " for a breach rule, or the answer word of a question rule",
        },
        "missing": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string"},
            "description": "unknown facts that left the outcome undetermined",
        },
        "profiles": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string"},
            "description": "state profiles read, ISO3@version",
        },
    },
    "required": ["extension_type", "incident", "package", "rule", "basis", "outcome"],
    "additionalProperties": False,
}


def definition_id(version: str = VERSION) -> str:
    """The id of the extension definition of one version (derived, hence stable)."""
    return f"extension-definition--{uuid.uuid5(NAMESPACE, f'extension:{NAME}:{version}')}"


def identity_id() -> str:
    """The id of cybernorms' own identity, the ``created_by_ref`` of what it exports."""
    return f"identity--{uuid.uuid5(NAMESPACE, 'identity:cybernorms')}"


def identity_object() -> dict[str, Any]:
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id(),
        "created": DEFINED,
        "modified": DEFINED,
        "name": "cybernorms",
        "description": "Rules of responsible state behaviour in cyberspace as code; the "
        "verdicts it exports are readings of rulebooks, not findings of fact.",
        "identity_class": "system",
    }


def definition_object() -> dict[str, Any]:
    """The ``extension-definition`` object, with the schema as its normative text."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": definition_id(),
        "created_by_ref": identity_id(),
        "created": DEFINED,
        "modified": DEFINED,
        "name": NAME,
        "description": "A cybernorms verdict attached to a note: the outcome of one rule of a "
        "rulebook package for one state on one incident, with the facts that were missing.",
        "schema": json.dumps(SCHEMA, sort_keys=True),
        "version": VERSION,
        "extension_types": ["property-extension"],
    }
