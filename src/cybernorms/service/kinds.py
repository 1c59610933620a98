"""What a document is, read from its content: a package, a position, a profile, examples,
incidents, a STIX bundle or a EuRepoC CSV; and where each belongs.

Why: a person hands ``check`` (or ``evaluate``, or ``--rulebooks``) whatever file they have.
Reading a position file as incidents gave ``position: unknown field``, which says nothing of
the mistake; the kind names it and the hint says where such a file goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from cybernorms.model.documents import DocumentError, load_file


class Kind(StrEnum):
    package = "package"
    position = "position"
    profile = "profile"
    examples = "examples"
    incidents = "incidents"
    stix = "STIX bundle"
    eurepoc = "EuRepoC CSV"

    @property
    def phrase(self) -> str:
        """The kind in a sentence: ``a position file``, ``an incident file``."""
        return _PHRASES[self]


_PHRASES = {
    Kind.package: "a package file",
    Kind.position: "a position file",
    Kind.profile: "a profile file",
    Kind.examples: "an examples file",
    Kind.incidents: "an incident file",
    Kind.stix: "a STIX bundle",
    Kind.eurepoc: "a EuRepoC CSV file",
}


# Where each kind belongs, said to a person who put one in the wrong place.
WHERE = {
    Kind.package: "packages live in a rulebook directory as NAME/package.yaml (add the "
    "directory with --rulebooks DIR) or pass it with --package PATH",
    Kind.position: "positions live in a rulebook directory's positions/ (add it with "
    "--rulebooks DIR) or pass it with --position PATH",
    Kind.profile: "profiles live in a rulebook directory's profiles/ or pass them with "
    "--profiles PATH",
    Kind.examples: "examples live beside what they specify (NAME/examples.yaml, "
    "positions/ISO3.examples.yaml)",
    Kind.incidents: "incident files are the INCIDENTS arguments of evaluate, explain, compare",
    Kind.stix: "STIX bundles are INCIDENTS arguments (evaluate bundle.json)",
    Kind.eurepoc: "EuRepoC CSV files are INCIDENTS arguments, or agreement's CSV",
}


def document_kind(path: Path) -> Kind | None:
    """The kind of one file by its content (None: unreadable, or none of the kinds)."""
    if path.suffix.lower() == ".csv":
        return Kind.eurepoc
    try:
        value = load_file(path).value
    except DocumentError:
        return None
    if isinstance(value, Mapping):
        return _mapping_kind(value)
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        kinds = {_mapping_kind(v) for v in value}
        if kinds == {Kind.profile}:
            return Kind.profile
        if all("expect" in v and "incident" in v for v in value):
            return Kind.examples
        if kinds <= {Kind.incidents}:
            return Kind.incidents
    return None


def _mapping_kind(value: Mapping[str, object]) -> Kind | None:
    if value.get("type") == "bundle" and str(value.get("id", "")).startswith("bundle--"):
        return Kind.stix
    if "package" in value and "rules" in value and "position" not in value:
        return Kind.package
    if "position" in value and "package" in value:
        return Kind.position
    if "state" in value and "effective_from" in value:
        return Kind.profile
    if "id" in value:
        return Kind.incidents
    return None


# Kinds an option or argument takes besides its own: incidents come as files of incidents,
# STIX bundles or EuRepoC CSV.
ALSO_TAKEN = {Kind.incidents: (Kind.stix, Kind.eurepoc)}


def misplaced(path: Path, expected: Kind) -> str | None:
    """``this is a position file; positions live in ...`` when ``path`` holds a kind that
    ``expected``'s place does not take, else None."""
    found = document_kind(path)
    if found is None or found is expected or found in ALSO_TAKEN.get(expected, ()):
        return None
    return f"this is {found.phrase}, not {expected.phrase}; {WHERE[found]}"
