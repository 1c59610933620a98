"""Reading a STIX 2.1 bundle: every object parsed by ``stix2``, or the bundle refused by name.

Why all-or-nothing: a bundle is one analyst's statement; importing the objects that parse and
dropping the rest would lose exactly the object (a relationship, an identity) that changes a
fact, without anyone noticing. So any object the ``stix2`` library rejects, a relationship whose
end is not in the bundle, an SDO/SRO that is not STIX 2.1, or a ``type`` that is not a STIX type
name refuses the whole bundle with a ``StixError`` naming the object id (or its position when it
has no id) and the field.

What is accepted without mapping: custom objects of a well-formed type (``x-...``) and custom
properties (parsed with ``allow_custom=True``); the importer lists them as ignored.

Versions: when a bundle holds several versions of one object (same id), the newest
``modified`` is kept, as STIX 2.1 section 3.6 says consumers should; identical duplicates are
harmless. Revoked objects are kept here and ignored by the mapper with that reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import stix2
import stix2.exceptions

from cybernorms.errors import LimitExceeded
from cybernorms.limits import LIMITS
from cybernorms.model.documents import DocumentError, Problem

# STIX 2.1 section 3.1 (type names) and 2.9 (identifiers).
_TYPE = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$")
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_ID = re.compile(rf"^(?P<type>[a-z0-9][a-z0-9-]*[a-z0-9])--{_UUID}$")

# Cyber-observable objects: ``spec_version`` is optional on them (STIX 2.1 section 6).
SCO_TYPES = frozenset(
    {
        "artifact",
        "autonomous-system",
        "directory",
        "domain-name",
        "email-addr",
        "email-message",
        "file",
        "ipv4-addr",
        "ipv6-addr",
        "mac-addr",
        "mutex",
        "network-traffic",
        "process",
        "software",
        "url",
        "user-account",
        "windows-registry-key",
        "x509-certificate",
    }
)


class StixError(DocumentError):
    """A bundle that cannot be read; the message names the source, the object and the field.

    A ``DocumentError`` (one ``Problem``), so front ends that collect the problems of many
    input files report a refused bundle beside the others without a case of their own.
    """

    def __init__(
        self, source: str, reason: str, *, object_id: str | None = None, field: str | None = None
    ) -> None:
        self.source = source
        self.object_id = object_id
        self.field = field
        self.reason = reason
        where = f"{source}: {object_id}" if object_id else source
        super().__init__([Problem(where, f"{field}: {reason}" if field else reason)])


@dataclass
class Bundle:
    """The parsed objects of one bundle, by id, and what reading it noticed."""

    source: str
    bundle_id: str | None
    objects: dict[str, Any] = field(default_factory=dict)  # id -> stix2 object (or dict)
    notes: list[str] = field(default_factory=list)

    def of_type(self, *types: str) -> list[Any]:
        """The objects of the given types, in id order (deterministic output)."""
        return [o for i, o in sorted(self.objects.items()) if o["type"] in types]


def read_json(source: Path | str | Mapping[str, Any]) -> tuple[str, Any]:
    """The bundle as plain JSON data, and a name for it in messages."""
    if not isinstance(source, str | Path):  # parsed JSON handed over (checked by the caller)
        return "<bundle>", dict(source) if isinstance(source, Mapping) else source
    path = Path(source)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > LIMITS.document_bytes:
            raise LimitExceeded("document_bytes", LIMITS.document_bytes, name, f"{size} bytes")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise StixError(name, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise StixError(name, f"not UTF-8 text: {exc.reason}") from None
    return name, parse_json_text(text, name)


def parse_json_text(text: str, name: str) -> Any:
    """JSON with duplicate keys refused (a silent last-one-wins would lose a value)."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise _DuplicateKey(key)
            out[key] = value
        return out

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise StixError(f"{name}:{exc.lineno}:{exc.colno}", f"not JSON: {exc.msg}") from None
    except _DuplicateKey as exc:
        raise StixError(name, f"duplicate key {exc.key!r}") from None
    except RecursionError:
        raise LimitExceeded("document_depth", LIMITS.document_depth, name) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def load_bundle(source: Path | str | Mapping[str, Any]) -> Bundle:
    """Parse and check a bundle (see the module doc for what refuses it)."""
    name, data = read_json(source)
    if not isinstance(data, dict):
        raise StixError(name, f"expected a STIX bundle (a JSON object), got {_kind(data)}")
    if data.get("type") != "bundle":
        raise StixError(
            name, f"expected a STIX bundle, got type {data.get('type')!r}", field="type"
        )
    bundle_id = data.get("id")
    if (
        not isinstance(bundle_id, str)
        or not _ID.match(bundle_id)
        or not bundle_id.startswith("bundle--")
    ):
        raise StixError(name, f"not a bundle identifier: {bundle_id!r}", field="id")
    if "spec_version" in data:  # a STIX 2.0 bundle carries it; 2.1 bundles must not
        raise StixError(
            name,
            f"spec_version {data['spec_version']!r} on the bundle: a STIX 2.0 "
            "bundle (this importer reads STIX 2.1)",
            object_id=bundle_id,
            field="spec_version",
        )
    raw_objects = data.get("objects", [])
    if not isinstance(raw_objects, list):
        raise StixError(name, "objects must be a list", object_id=bundle_id, field="objects")
    bundle = Bundle(name, bundle_id)
    for index, raw in enumerate(raw_objects):
        obj_id, parsed = _parse_object(name, index, raw)
        _keep_newest(bundle, obj_id, parsed)
    _check_relationship_ends(bundle)
    return bundle


def _parse_object(name: str, index: int, raw: object) -> tuple[str, Any]:
    where = f"objects[{index}]"
    if not isinstance(raw, dict):
        raise StixError(
            name, f"expected a STIX object (a JSON object), got {_kind(raw)}", object_id=where
        )
    obj_id = raw.get("id")
    label = obj_id if isinstance(obj_id, str) and obj_id else where
    obj_type = raw.get("type")
    if not isinstance(obj_type, str) or not _TYPE.match(obj_type):
        raise StixError(name, f"not a STIX type name: {obj_type!r}", object_id=label, field="type")
    match = _ID.match(obj_id) if isinstance(obj_id, str) else None
    if match is None or match["type"] != obj_type:
        raise StixError(
            name,
            f"not an identifier of a {obj_type}: {obj_id!r} (expected {obj_type}--<UUID>)",
            object_id=label,
            field="id",
        )
    spec = raw.get("spec_version")
    if obj_type not in SCO_TYPES and spec != "2.1":
        said = "missing" if spec is None else repr(spec)
        raise StixError(
            name,
            f"spec_version {said}: a STIX 2.1 object must say '2.1'",
            object_id=obj_id,
            field="spec_version",
        )
    if obj_type in SCO_TYPES and spec not in (None, "2.1"):
        raise StixError(
            name,
            f"spec_version {spec!r}: this importer reads STIX 2.1",
            object_id=obj_id,
            field="spec_version",
        )
    try:
        parsed = stix2.parse(raw, allow_custom=True, version="2.1")
    except stix2.exceptions.STIXError as exc:
        raise StixError(name, _stix_reason(exc), object_id=obj_id, field=_stix_field(exc)) from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # stix2 lets some malformed values through as plain Python errors (a list where a
        # string belongs); they are bad input all the same.
        raise StixError(name, f"invalid object: {exc}", object_id=obj_id) from None
    return obj_id, parsed  # type: ignore[return-value]


def _stix_field(exc: Exception) -> str | None:
    prop = getattr(exc, "prop_name", None)
    if isinstance(prop, str):
        return prop
    props = getattr(exc, "properties", None)
    if props:
        return ", ".join(sorted(str(p) for p in props))
    return None


def _stix_reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    if isinstance(exc, stix2.exceptions.MissingPropertiesError):
        return "required property missing"
    if isinstance(exc, stix2.exceptions.ExtraPropertiesError):
        return "property not defined for this type"
    return str(reason) if reason else str(exc)


def _keep_newest(bundle: Bundle, obj_id: str, parsed: Any) -> None:
    old = bundle.objects.get(obj_id)
    if old is None:
        bundle.objects[obj_id] = parsed
        return
    new_mod, old_mod = parsed.get("modified"), old.get("modified")
    if new_mod is not None and old_mod is not None and new_mod != old_mod:
        if new_mod > old_mod:
            bundle.objects[obj_id] = parsed
        bundle.notes.append(
            f"{obj_id}: several versions; the newest (modified {max(new_mod, old_mod)}) is read"
        )
    elif _plain(parsed) != _plain(old):
        raise StixError(
            bundle.source,
            "two different objects with the same id and version",
            object_id=obj_id,
            field="modified",
        )


def _plain(obj: Any) -> str:
    return (
        str(obj.serialize(sort_keys=True))
        if hasattr(obj, "serialize")
        else json.dumps(obj, sort_keys=True, default=str)
    )


def _check_relationship_ends(bundle: Bundle) -> None:
    """A relationship to an object the bundle does not hold cannot be mapped: refused."""
    for obj_id, obj in sorted(bundle.objects.items()):
        ends: tuple[str, ...]
        if obj["type"] == "relationship":
            ends = ("source_ref", "target_ref")
        elif obj["type"] == "sighting":
            ends = ("sighting_of_ref",)
        else:
            continue
        for end in ends:
            ref = obj.get(end)
            if ref is not None and ref not in bundle.objects:
                raise StixError(
                    bundle.source,
                    f"refers to {ref}, which is not in the bundle",
                    object_id=obj_id,
                    field=end,
                )


def _kind(value: object) -> str:
    names: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}
    return names.get(type(value), type(value).__name__)
