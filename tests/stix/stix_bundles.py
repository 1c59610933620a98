"""Small STIX 2.1 bundles written for the tests (object by object, so a test reads as the
situation it checks)."""

from __future__ import annotations

import uuid
from typing import Any

T0 = "2020-01-01T00:00:00.000Z"


def sid(kind: str, n: int) -> str:
    """A stable id for the n-th object of a kind in a test bundle."""
    return f"{kind}--{uuid.UUID(int=n, version=4)}"


def obj(kind: str, n: int, **props: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": sid(kind, n),
        "created": T0,
        "modified": T0,
        **props,
    }


def rel(n: int, kind: str, source: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    return obj(
        "relationship", n, relationship_type=kind, source_ref=source["id"], target_ref=target["id"]
    )


def bundle(*objects: dict[str, Any]) -> dict[str, Any]:
    return {"type": "bundle", "id": sid("bundle", 1), "objects": list(objects)}
