"""Packages and positions published on a registry, read back for evaluation (``evaluate
--db``; issue 9 item 3: the registry and the engine meet).

Only verified payloads are read: each stored envelope matches its digest and its columns
(``store.records.package_rows``), and its signatures meet the threshold of the root it was
published under, checked again here (``store.checks.check_package``, ``check_position``),
as at the time it was logged. Of each package name and each position's state the latest
publication counts (the highest log index).

The documents become a rulebook directory (``registry_rulebook``) that composes like any
``--rulebooks`` directory, so a registry's package is compiled and checked by exactly the
loader that checks a file. It stands in for the shipped set: a package or position the
registry publishes under a shipped id or state replaces the shipped one (a state's signed
word over a file in the wheel); one identical to a shipped file is that file. Their basis
comes from the log's forum record (``loading.registry_forum_record``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cybernorms.forum.history import content_hash_of
from cybernorms.model.documents import Document, load_file


@dataclass(frozen=True)
class Published:
    """The latest verified package per name and position per state, with their log index."""

    packages: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    positions: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)


def published(db: str) -> Published:
    """Read and verify the packages and positions published on the registry at ``db``."""
    from sqlalchemy import select

    from cybernorms.service.registry import _registry
    from cybernorms.store import records
    from cybernorms.store.checks import check_package, check_position
    from cybernorms.store.engine import read_transaction
    from cybernorms.store.schema import LogEntry, PositionRow
    from cybernorms.trust.envelope import Envelope

    found = Published()
    with _registry(db) as registry, read_transaction(registry.engine) as conn:
        for stored in records.package_rows(conn):
            root = records.root_of_version(conn, stored.publisher, stored.root_version)
            info = check_package(stored.envelope, root, _time(stored.logged_at))
            _latest(found.packages, info.name, stored.log_index, stored.envelope.document())
        rows = conn.execute(
            select(
                PositionRow.state,
                PositionRow.root_version,
                PositionRow.envelope,
                PositionRow.log_index,
                LogEntry.logged_at,
            )
            .join(LogEntry, LogEntry.idx == PositionRow.log_index)
            .order_by(PositionRow.log_index)
        )
        for row in rows:
            envelope = Envelope.from_json(bytes(row.envelope))
            root = records.root_of_version(conn, row.state, row.root_version)
            position = check_position(envelope, root, _time(row.logged_at))
            _latest(found.positions, position.state, row.log_index, envelope.document())
    return found


def registry_rulebook(found: Published, shipped: Path | None = None) -> Path:
    """The published documents as a rulebook directory (a fresh temporary one), composed with
    the ``shipped`` rulebook directory when given: a state's signed publication replaces the
    shipped package or position of the same id or state; one identical to a shipped document
    is that document (the shipped file, with its examples, is kept)."""
    root = Path(tempfile.mkdtemp(prefix="cybernorms-registry-"))
    packages, positions = dict(found.packages), dict(found.positions)
    if shipped is not None:
        _keep_shipped(shipped, root, packages, positions)
    for name, (index, document) in sorted(packages.items()):
        folder = root / name
        folder.mkdir()
        _write(folder / "package.yaml", document, index)
    (root / "positions").mkdir(exist_ok=True)
    for state, (index, document) in sorted(positions.items()):
        _write(root / "positions" / f"{state}.yaml", document, index)
    return root


def _keep_shipped(
    shipped: Path,
    root: Path,
    packages: dict[str, tuple[int, dict[str, Any]]],
    positions: dict[str, tuple[int, dict[str, Any]]],
) -> None:
    """Copy what the registry does not replace; drop the registry's copies of shipped files."""
    for path in sorted(shipped.glob("*/package.yaml")):
        if _replaced(load_file(path).value, "package", packages):
            continue
        shutil.copytree(path.parent, root / path.parent.name)
    (root / "positions").mkdir()
    for path in sorted((shipped / "positions").glob("*.yaml")):
        if path.name.endswith(".examples.yaml"):
            continue
        if _replaced(load_file(path).value, "position", positions):
            continue
        shutil.copy2(path, root / "positions" / path.name)
        examples = path.with_name(path.stem + ".examples.yaml")
        if examples.exists():
            shutil.copy2(examples, root / "positions" / examples.name)


def _replaced(value: Any, key: str, published: dict[str, tuple[int, dict[str, Any]]]) -> bool:
    """Whether the registry replaces this shipped document (publishes another under its id);
    an identical publication is dropped in favour of the shipped file."""
    name = value.get(key) if isinstance(value, dict) else None
    if not isinstance(name, str) or name not in published:
        return False
    if _hash(published[name][1]) == _hash(value):
        del published[name]
        return False
    return True


def package_documents(found: Published) -> list[dict[str, Any]]:
    return [document for _, document in found.packages.values()]


def _latest(
    into: dict[str, tuple[int, dict[str, Any]]], key: str, index: int, document: dict[str, Any]
) -> None:
    if key not in into or into[key][0] < index:
        into[key] = (index, document)


def _write(path: Path, document: Mapping[str, Any], index: int) -> None:
    """JSON is YAML: the document as published, with where it came from in a comment."""
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
    path.write_text(f"# published on the registry's log, entry {index}\n{text}\n", "utf-8")


def _time(logged_at: str) -> dt.datetime:
    return dt.datetime.fromisoformat(logged_at.replace("Z", "+00:00"))


def _hash(value: Any) -> str:
    return content_hash_of(Document("", value))
