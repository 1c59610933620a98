"""Loading what an evaluation needs: incidents, rulebooks, positions, profiles.

Every loader collects all problems of all files before refusing (``DocumentError``), so a
person fixes a directory in one pass. Rulebooks and profile files are remembered while their
files are unchanged (same paths, sizes and modification times): a long-lived front end (the
coming HTTP API) reloads nothing between requests, and an unchanged ``Rulebooks`` object lets
``cybernorms.service.evaluating`` reuse its compiled evaluator.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar, cast

from cybernorms.ingest.files import incident_files, load_incidents
from cybernorms.model.documents import DocumentError, Problem
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.rules import ir
from cybernorms.rules.catalog import Rulebooks, load_profiles, load_rulebooks
from cybernorms.rules.package import Package, Position
from cybernorms.service.errors import UnknownName
from cybernorms.service.formats import InputFormat

T = TypeVar("T")


# -- incidents -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SkippedRows:
    """EuRepoC rows of one file that could not be imported (each names its row and column)."""

    path: Path
    imported: int
    rejected: Sequence[object]


@dataclass
class IncidentSet:
    """Incidents loaded from files, and what an import skipped (reported, never silent)."""

    incidents: list[Incident] = field(default_factory=list)
    skipped: list[SkippedRows] = field(default_factory=list)

    def by_id(self, incident_id: str) -> Incident:
        for incident in self.incidents:
            if incident.id == incident_id:
                return incident
        raise UnknownName(
            f"no incident {incident_id!r} in the input ({len(self.incidents)} incidents)"
        )


def load_incident_inputs(paths: Sequence[Path], fmt: InputFormat = InputFormat.auto) -> IncidentSet:
    """Incidents from files or directories; every problem of every file is reported together,
    and two incidents with one id are refused (a verdict names its incident by id)."""
    loaded = IncidentSet()
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), "no such file or directory"))
            continue
        for f in [path] if path.is_file() else list(incident_files([path])):
            try:
                incidents = _load_one(f, fmt, loaded.skipped)
            except DocumentError as exc:
                problems.extend(exc.problems)
                continue
            for inc in incidents:
                if inc.id in seen:
                    problems.append(
                        Problem(str(f), f"incident id {inc.id!r} also in {seen[inc.id]}")
                    )
                seen.setdefault(inc.id, str(f))
                loaded.incidents.append(inc)
    if problems:
        raise DocumentError(problems)
    return loaded


def _load_one(path: Path, fmt: InputFormat, skipped: list[SkippedRows]) -> list[Incident]:
    suffix = path.suffix.lower()
    if fmt is InputFormat.eurepoc or (fmt is InputFormat.auto and suffix == ".csv"):
        from cybernorms.ingest.eurepoc import import_eurepoc

        result = import_eurepoc(path)
        if result.rejected:
            skipped.append(SkippedRows(path, len(result.incidents), list(result.rejected)))
        return list(result.incidents)
    if fmt in (InputFormat.json, InputFormat.yaml) or suffix in (".json", ".yaml", ".yml"):
        return load_incidents(path)
    raise DocumentError([Problem(str(path), "unknown input format (use --from json|yaml|eurepoc)")])


# -- rulebooks, positions, profiles --------------------------------------------------------

_Fingerprint = tuple[tuple[str, int, int], ...]
_KEEP = 16  # rulebook sets / profile files remembered; a front end rarely serves more
_remembered: OrderedDict[tuple[object, ...], object] = OrderedDict()


def _fingerprint(paths: Iterable[Path]) -> _Fingerprint:
    """Path, size and modification time of every file under ``paths``: equal fingerprints
    mean the loader would read the same bytes (short of a same-size edit within the file
    system's time resolution)."""
    found: list[tuple[str, int, int]] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            try:
                st = f.stat()
            except OSError:
                continue  # the loader itself reports a file it cannot read
            found.append((str(f), st.st_size, st.st_mtime_ns))
    return tuple(found)


def _remember(key: tuple[object, ...], load: Callable[[], T]) -> T:
    if key in _remembered:
        _remembered.move_to_end(key)
        return cast(T, _remembered[key])
    value = load()
    _remembered[key] = value
    while len(_remembered) > _KEEP:
        _remembered.popitem(last=False)
    return value


def rulebooks(root: Path | None = None, *, with_examples: bool = False) -> Rulebooks:
    """A rulebook directory (default: the shipped set, ``rules.catalog.default_rulebooks_dir``),
    loaded once while its files are unchanged."""
    from cybernorms.rules.catalog import default_rulebooks_dir

    base = root if root is not None else default_rulebooks_dir()
    real = base.resolve()
    key = ("rulebooks", str(real), with_examples, _fingerprint([real]))
    return _remember(key, lambda: load_rulebooks(base, with_examples=with_examples))


def profile_files(paths: Sequence[Path]) -> list[Profile]:
    """Profiles from files or directories of ``*.yaml``; every problem reported together."""
    profiles: list[Profile] = []
    problems: list[Problem] = []
    for path in paths:
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for f in files:
            try:
                key = ("profiles", str(f.resolve()), _fingerprint([f]))
                profiles.extend(_remember(key, partial(load_profiles, f)))
            except DocumentError as exc:
                problems.extend(exc.problems)
            except OSError as exc:
                problems.append(Problem(str(f), exc.strerror or str(exc)))
    if problems:
        raise DocumentError(problems)
    return profiles


def profiles_replacing(base: Sequence[Profile], files: Mapping[str, Path]) -> list[Profile]:
    """``base`` with each state's versions replaced by those in its file (``ISO3 -> FILE``);
    a file that holds another state's profile is refused."""
    profiles = list(base)
    for state, path in files.items():
        loaded = profile_files([path])
        wrong = sorted({p.state for p in loaded if p.state != state})
        if wrong:
            raise DocumentError(
                [Problem(str(path), f"expected profiles of {state}, found {', '.join(wrong)}")]
            )
        profiles = [p for p in profiles if p.state != state] + loaded
    return profiles


def registry_profiles(db: str, on: dt.date) -> list[Profile]:
    """Profiles in force on ``on`` from the registry at ``db``, each verified against its log
    entry and its state's root (``cybernorms.store.profiles_as_of``).

    Imported here, not at the top: the store (SQLAlchemy, Alembic) loads only when asked for.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from cybernorms.store import StoreError, profiles_as_of

    try:
        found = profiles_as_of(db, on)
    except SQLAlchemyError as exc:
        detail = str(exc.__cause__ or exc).splitlines()[0]
        raise StoreError(f"database error: {detail}") from exc
    return list(found.values())


def package(books: Rulebooks, package_id: str) -> Package:
    try:
        return books.package(package_id)
    except KeyError as exc:
        raise UnknownName(str(exc.args[0])) from None


def positions(books: Rulebooks, states: Iterable[str]) -> list[Position]:
    """The positions of ``states`` (ISO3, any case), in the order given."""
    chosen = []
    for state in states:
        try:
            chosen.append(books.position(state))
        except KeyError as exc:
            raise UnknownName(str(exc.args[0])) from None
    return chosen


def packages_reached(
    books: Rulebooks, wanted: Sequence[str], chosen: Sequence[Position] = ()
) -> list[Package]:
    """The packages ``wanted`` (ids; all when empty) and every package they reach through
    ``requires`` or ``breached`` (also under the chosen positions' rules), in load order.

    Why: ``--package`` selects before evaluating, so only what a selected rule can read is
    compiled; a rule of another package it names in ``breached()`` must still be decided."""
    if not wanted:
        return list(books.packages)
    for pid in wanted:
        package(books, pid)  # an unknown id is refused, not ignored
    by_id = {p.id: p for p in books.packages}
    lens_rules = [r for pos in chosen for r in (*pos.overrides.values(), *pos.added)]
    keep: set[str] = set()
    todo = list(wanted)
    while todo:
        pid = todo.pop()
        if pid in keep or pid not in by_id:
            continue
        keep.add(pid)
        pkg = by_id[pid]
        todo.extend(pkg.requires)
        for rule in (*pkg.rules, *(r for r in lens_rules if r.package == pid)):
            for node in (rule.subject, rule.applies, rule.violated):
                todo.extend(p for p, _ in ir.references(node))
    return [p for p in books.packages if p.id in keep]
