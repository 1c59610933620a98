"""Reading an incident written in fact schema v1 or v2 (``docs/fact-schema.md``, last section).

Why a separate step before the model: ``model.facts.Incident`` speaks v2 only, so every rule,
back end and column sees one schema. A file says which version it is written in by its
``schema:`` key (``cybernorms.incident/2``); a file without the key is v1, as every file was
before v2 existed. A v1 file is mapped onto v2 and the reader is told, in a note, which v2 facts
stay unknown for it. A file that mixes the two (a v1 name in a v2 file, or a v2 field in a file
without the key) is refused naming the field: guessing which version was meant would silently
change what a fact means.

Mapping v1 -> v2 (documented in ``docs/fact-schema.md``):

* ``requests[*].answered: false`` -> ``answer: none`` (no reply at all);
* ``requests[*].answered: true`` -> ``answer: acknowledged``: v1 only knew that *some* reply
  came. ``acknowledged`` is the weakest reply v2 knows; whether the state then acted or refused
  is not known, so the mapping claims no action and no refusal (the provenance keeps the v1
  value, and the note says so);
* ``requests[*].about_critical_infrastructure`` -> ``requests[*].about_ci``;
* every other v1 name is a v2 name with the same meaning; every v2-only fact is unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from cybernorms.model.facts import DERIVED_FIELDS, SCHEMA_V1, SCHEMA_VERSION, Incident

Path = tuple[str | int, ...]

# Fact schema v1, frozen here as it was (DESIGN section 4): the names a file without a
# ``schema:`` key may use. ``[*]`` stands for every element of a list.
V1_FIELDS: frozenset[str] = frozenset(
    {
        "id", "name", "description", "start_date", "end_date", "sources", "territory_used",
        "provenance", "annotations",
        "initiator", "initiator.name", "initiator.category", "initiator.country",
        "attribution", "attribution.state", "attribution.level", "attribution.basis",
        "attribution.attributing_states",
        "targets", "targets[*].country", "targets[*].category", "targets[*].sector",
        "targets[*].is_cert", "targets[*].name",
        "effects", "effects.data_theft", "effects.disruption", "effects.hijacking",
        "effects.physical", "effects.casualties", "effects.ransomware", "effects.doxing",
        "effects.zero_days",
        "context", "context.armed_conflict", "context.conflict_intensity", "context.supply_chain",
        "requests", "requests[*].from_state", "requests[*].to_state", "requests[*].kind",
        "requests[*].about_critical_infrastructure", "requests[*].answered",
    }
)  # fmt: skip
# v1 names v2 replaces, with the v2 field that holds the fact.
V1_RENAMED: Mapping[str, str] = {
    "requests[*].answered": "requests[*].answer",
    "requests[*].about_critical_infrastructure": "requests[*].about_ci",
}
NOTE_SOURCE = "fact schema v1"


def _inner_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (through ``X | None``, ``Annotated``) and whether in a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = get_origin(annotation)
    for arg in get_args(annotation):
        found, listed = _inner_model(arg)
        if found is not None:
            return found, listed or origin is list
    return None, False


def _paths(model: type[BaseModel], prefix: str) -> Iterator[str]:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path
        inner, listed = _inner_model(info.annotation)
        if inner is not None and name not in ("provenance",):
            yield from _paths(inner, f"{path}[*]." if listed else f"{path}.")


@cache
def v2_fields() -> tuple[str, ...]:
    """Every field path of fact schema v2, in declaration order (``[*]``: each element)."""
    return tuple(p for p in _paths(Incident, "") if not p.startswith("provenance"))


@cache
def v2_only_fields() -> tuple[str, ...]:
    """The v2 paths a v1 file cannot hold (v1 renamed facts included: their v2 names)."""
    return tuple(p for p in v2_fields() if p not in V1_FIELDS)


def unknown_in_v1() -> tuple[str, ...]:
    """The v2 facts a v1 file leaves unknown, shortest form: a new group or list is named
    once (``intent``, ``knowledge``), not field by field; mapped and derived fields are not."""
    mapped = set(V1_RENAMED.values())
    out: list[str] = []
    for p in v2_only_fields():
        if (
            p in mapped
            or p in DERIVED_FIELDS
            or any(p.startswith(o + ".") or p.startswith(o + "[*]") for o in out)
        ):
            continue
        out.append(p)
    return tuple(out)


@dataclass
class Read:
    """One incident mapping read in its version: v2 data for the model, or problems."""

    data: dict[str, Any]
    version: str
    problems: list[tuple[Path, str]] = field(default_factory=list)
    answered_true: int = 0  # v1 requests whose ``answered: true`` became ``acknowledged``


def _key_paths(value: Any, path: Path, pattern: str) -> Iterator[tuple[Path, str]]:
    """(concrete path, pattern path) of every key of the fact tree (annotations excluded)."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if not isinstance(key, str):
                continue
            pat = f"{pattern}.{key}" if pattern else key
            yield (*path, key), pat
            if pat not in ("annotations", "provenance"):
                yield from _key_paths(sub, (*path, key), pat)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _key_paths(sub, (*path, i), f"{pattern}[*]")


def _dotted(path: Path) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def read_versioned(raw: Mapping[str, Any]) -> Read:
    """The incident mapping ``raw`` in v2 form, its version, and any mixing of versions."""
    data = dict(raw)
    schema = data.pop("schema", None)
    if schema is None or schema == SCHEMA_V1:
        return _from_v1(data)
    read = Read(data, SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        read.problems.append(
            (("schema",), f"{schema!r} is not a fact schema ({SCHEMA_V1} or {SCHEMA_VERSION})")
        )
        return read
    for path, pattern in _key_paths(data, (), ""):
        if pattern in V1_RENAMED:
            read.problems.append(
                (path, f"a fact schema v1 name in a {SCHEMA_VERSION} file "
                       f"(v2 says {V1_RENAMED[pattern].rsplit('.', 1)[-1]})")
            )  # fmt: skip
    return read


def _from_v1(data: dict[str, Any]) -> Read:
    read = Read(data, SCHEMA_V1)
    v2_only = set(v2_only_fields())
    for path, pattern in _key_paths(data, (), ""):
        if pattern in v2_only:
            read.problems.append(
                (path, f"a fact schema v2 field in a v1 file: add 'schema: {SCHEMA_VERSION}' "
                       "(and use the v2 names throughout) or leave the field out")
            )  # fmt: skip
    if read.problems:
        return read
    requests = data.get("requests")
    if isinstance(requests, list):
        mapped = []
        given = data.get("provenance")
        provenance = dict(given) if isinstance(given, Mapping) else given
        for i, r in enumerate(requests):
            if not isinstance(r, dict):
                mapped.append(r)
                continue
            r = dict(r)
            if "about_critical_infrastructure" in r:
                r["about_ci"] = r.pop("about_critical_infrastructure")
            if "answered" in r:
                answered = r.pop("answered")
                if answered is not None and not isinstance(answered, bool):
                    read.problems.append(
                        (
                            ("requests", i, "answered"),
                            f"must be true, false or null, not {answered!r}",
                        )
                    )
                    continue
                r["answer"] = None if answered is None else "acknowledged" if answered else "none"
                if answered is True:
                    read.answered_true += 1
                if answered is True and isinstance(provenance, dict):
                    provenance.setdefault(
                        f"requests[{i}].answer",
                        {"source": NOTE_SOURCE, "field": "answered", "value": "true"},
                    )
            mapped.append(r)
        data["requests"] = mapped
        if provenance:
            data["provenance"] = provenance
    return read


def v1_note(where: str, count: int, answered_true: int) -> str:
    """What a reader of a v1 file must know: which v2 facts are unknown for its incidents."""
    text = (
        f"{where}: {count} incident(s) in fact schema v1 (no 'schema: {SCHEMA_VERSION}'); "
        f"these v2 facts are unknown for them: {', '.join(unknown_in_v1())}"
    )
    if answered_true:
        text += (
            f"; {answered_true} request(s) with v1 'answered: true' read as answer "
            "'acknowledged' (a reply came; whether the state acted or refused is unknown)"
        )
    return text + " (docs/fact-schema.md)"


def upgrade(raw: Any) -> Any:
    """For a pydantic field holding an incident (an example's ``incident:``): v1 mapped onto
    v2, a mixed mapping refused with the field named. Non-mappings pass to the model."""
    if not isinstance(raw, Mapping):
        return raw
    read = read_versioned(raw)
    if read.problems:
        raise ValueError("; ".join(f"{_dotted(p)}: {m}" for p, m in read.problems))
    return read.data


def dotted(path: Path) -> str:
    """``("requests", 0, "answered")`` as ``requests[0].answered``."""
    return _dotted(path)
