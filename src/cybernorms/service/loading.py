"""Loading what an evaluation needs: incidents, rulebooks, positions, profiles.

Every loader collects all problems of all files before refusing (``DocumentError``), so a
person fixes a directory in one pass. Rulebooks and profile files are remembered while their
files are unchanged (same paths, sizes and modification times): a long-lived front end (the
coming HTTP API) reloads nothing between requests, and an unchanged ``Rulebooks`` object lets
``cybernorms.service.evaluating`` reuse its compiled evaluator.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from cybernorms.ingest.files import incident_files, read_incident_file
from cybernorms.model.documents import DocumentError, Problem
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.readers import reader_id
from cybernorms.rules import ir
from cybernorms.rules.catalog import Rulebooks, load_profiles, load_rulebooks
from cybernorms.rules.package import Package, Position
from cybernorms.service.errors import UnknownName
from cybernorms.service.formats import InputFormat
from cybernorms.service.kinds import WHERE, Kind, document_kind, misplaced

if TYPE_CHECKING:
    from cybernorms.service.record import ForumRecord

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
    """Incidents loaded from files, what an import skipped (reported, never silent), the
    import reports of converted files (EuRepoC CSV, STIX bundles) for people, and, when the
    caller chose to keep going, the problems of the files that could not be read."""

    incidents: list[Incident] = field(default_factory=list)
    skipped: list[SkippedRows] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)

    def by_id(self, incident_id: str | None) -> Incident:
        """The incident of this id; without one, the input's only incident (a single file
        holds one: naming it again is a chore)."""
        if incident_id is None:
            if len(self.incidents) == 1:
                return self.incidents[0]
            ids = ", ".join(i.id for i in self.incidents[:3])
            raise UnknownName(
                f"the input holds {len(self.incidents)} incidents: name one with --incident ID"
                + (f" (e.g. {ids})" if ids else "")
            )
        for incident in self.incidents:
            if incident.id == incident_id:
                return incident
        raise UnknownName(
            f"no incident {incident_id!r} in the input ({len(self.incidents)} incidents)"
        )


def load_incident_inputs(
    paths: Sequence[Path],
    fmt: InputFormat = InputFormat.auto,
    *,
    keep_going: bool = False,
    reference_data: Path | None = None,
) -> IncidentSet:
    """Incidents from files or directories; every problem of every file is reported together,
    and two incidents with one id are refused (a verdict names its incident by id).

    ``keep_going``: a file that cannot be read is listed in ``failed`` instead of refusing the
    whole input (a folder with one broken file still gives the rest). ``reference_data``: a
    directory with ``misp-galaxy/`` and ``mitre-attack/`` for the STIX importer."""
    loaded = IncidentSet()
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    reader = _Reader(fmt, reference_data, loaded)
    if reference_data is not None:
        reader.references()  # a wrong directory is refused before any file is read
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), "no such file or directory"))
            continue
        for f in [path] if path.is_file() else list(incident_files([path])):
            try:
                incidents = reader.read(f)
            except DocumentError as exc:
                hint = misplaced(f, Kind.incidents)
                problems.extend([Problem(str(f), hint)] if hint else exc.problems)
                continue
            except OSError as exc:
                problems.append(Problem(str(f), exc.strerror or str(exc)))
                continue
            for inc in incidents:
                if inc.id in seen:
                    problems.append(
                        Problem(str(f), f"incident id {inc.id!r} also in {seen[inc.id]}")
                    )
                    continue
                seen[inc.id] = str(f)
                loaded.incidents.append(inc)
    if problems and not keep_going:
        raise DocumentError(problems)
    loaded.failed = problems
    return loaded


# A STIX bundle names itself in its first bytes (``"type": "bundle"``, ``"id": "bundle--``);
# only such files are parsed twice (once to tell, once to read).
_STIX_MARK = "bundle--"
_PEEK = 4096


@dataclass
class _Reader:
    """Reads one file by its format; the STIX references are loaded once, when first needed."""

    fmt: InputFormat
    reference_data: Path | None
    loaded: IncidentSet
    _references: object = None

    def read(self, path: Path) -> list[Incident]:
        suffix = path.suffix.lower()
        fmt = self.fmt
        if fmt is InputFormat.eurepoc or (fmt is InputFormat.auto and suffix == ".csv"):
            return self._eurepoc(path)
        if fmt is InputFormat.stix or (fmt is InputFormat.auto and _looks_like_stix(path)):
            return self._stix(path)
        if fmt is InputFormat.parquet or (fmt is InputFormat.auto and suffix == ".parquet"):
            return _parquet(path)
        if fmt in (InputFormat.json, InputFormat.yaml) or suffix in (".json", ".yaml", ".yml"):
            read = read_incident_file(path)
            self.loaded.reports += read.notes  # a v1 file: which v2 facts are unknown
            return read.incidents
        raise DocumentError(
            [Problem(str(path), "unknown input format (use --from json|yaml|eurepoc|stix|parquet)")]
        )

    def _eurepoc(self, path: Path) -> list[Incident]:
        from cybernorms.ingest.eurepoc import import_eurepoc

        result = import_eurepoc(path)
        if result.rejected:
            self.loaded.skipped.append(
                SkippedRows(path, len(result.incidents), list(result.rejected))
            )
        self.loaded.reports.append(_shortened(result.summary()))
        return list(result.incidents)

    def _stix(self, path: Path) -> list[Incident]:
        from cybernorms.ingest.stix import read_bundle

        result = read_bundle(path, references=self.references())
        self.loaded.reports.append(result.summary())
        return list(result.incidents)

    def references(self) -> Any:
        """The STIX reference tables (MISP galaxies, ATT&CK), loaded once."""
        from cybernorms.ingest.stix import References

        if self._references is None:
            if self.reference_data is None:
                self._references = References()
            else:
                self._references = reference_tables(self.reference_data)
        return self._references


def _parquet(path: Path) -> list[Incident]:
    """A Parquet incident table (the bulk layout, ``docs/bulk.md``): each row read back as an
    incident. The table holds the facts only (no description, sources or provenance), which is
    all an evaluation reads; a column of the wrong name or type is refused naming it."""
    try:
        from cybernorms.bulk import read_incidents_parquet
    except ImportError as exc:  # pyarrow is in the bulk extra
        raise DocumentError(
            [Problem(str(path), f"Parquet input needs pip install 'cybernorms[bulk]' ({exc})")]
        ) from None
    from pydantic import ValidationError

    incidents: list[Incident] = []
    problems: list[Problem] = []
    for i, row in enumerate(read_incidents_parquet(path).to_pylist()):
        try:
            incidents.append(Incident.model_validate(row))
        except ValidationError as exc:
            problems.append(Problem(f"{path}: row {i}", str(exc.errors()[0]["msg"])))
    if problems:
        raise DocumentError(problems)
    return incidents


def reference_tables(directory: Path) -> Any:
    """The MISP galaxies and ATT&CK of a reference-data directory (``misp-galaxy/``,
    ``mitre-attack/``; either may be absent, not both)."""
    from cybernorms.ingest.stix import References

    galaxy, attack = directory / "misp-galaxy", directory / "mitre-attack"
    if not galaxy.is_dir() and not attack.is_dir():
        raise DocumentError(
            [Problem(str(directory), "--reference-data: neither misp-galaxy/ nor mitre-attack/")]
        )
    key = ("references", str(directory.resolve()), _fingerprint([galaxy, attack]))
    return _remember(
        key,
        lambda: References.load(
            misp_galaxy=galaxy if galaxy.is_dir() else None,
            mitre_attack=attack if attack.is_dir() else None,
        ),
    )


def _looks_like_stix(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    with path.open(encoding="utf-8", errors="replace") as f:
        head = f.read(_PEEK)
    if _STIX_MARK not in head:
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    from cybernorms.ingest.stix import is_stix_bundle

    return is_stix_bundle(data)


_REPORT_LINES = 12


def _shortened(report: str) -> str:
    """An import report of at most ``_REPORT_LINES`` rejected rows (the rest counted)."""
    lines = report.splitlines()
    rejected = [i for i, line in enumerate(lines) if line.startswith("  rejected ")]
    if len(rejected) <= _REPORT_LINES:
        return report
    cut = set(rejected[_REPORT_LINES:])
    kept = [line for i, line in enumerate(lines) if i not in cut]
    kept.insert(rejected[_REPORT_LINES], f"  ... and {len(cut)} more rejected rows")
    return "\n".join(kept)


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


@dataclass(frozen=True)
class Composed:
    """Rulebooks composed from the command line, and the names the options asked for:
    ``positions`` (states) and ``packages`` (ids), a file given by path named by what it
    holds."""

    books: Rulebooks
    positions: list[str]
    packages: list[str]


def is_path(text: str) -> bool:
    """Whether an option's value names a file rather than a state or package id: ISO3 codes
    and package ids hold neither a path separator nor a YAML suffix."""
    return "/" in text or "\\" in text or text.lower().endswith((".yaml", ".yml"))


def compose(
    extra: Sequence[Path] = (),
    *,
    shipped: bool = True,
    positions: Sequence[str] = (),
    packages: Sequence[str] = (),
    with_examples: bool = False,
) -> Composed:
    """The shipped rulebooks (unless ``shipped`` is false) plus every directory of ``extra``,
    plus each position and package given by path; names are kept as given (checked later by
    ``evaluating.setup``).

    Why adding, not replacing: an analyst's own reading (a position file, a directory of
    them) reads the shipped packages; replacing the shipped set made it unloadable."""
    from cybernorms.rules.catalog import default_rulebooks_dir

    roots = ([default_rulebooks_dir()] if shipped else []) + list(extra)
    pos_files = [Path(p) for p in positions if is_path(p)]
    pkg_files = [Path(p) for p in packages if is_path(p)]
    _refuse_misplaced(extra, pos_files, pkg_files)
    real = [r.resolve() for r in roots]
    files = [f.resolve() for f in (*pos_files, *pkg_files)]
    key = (
        "compose",
        tuple(map(str, real)),
        tuple(map(str, files)),
        len(pos_files),
        with_examples,
        _fingerprint([*real, *(f.parent if f.is_file() else f for f in files)]),
    )
    books = _remember(
        key,
        lambda: load_rulebooks(
            roots,
            with_examples=with_examples,
            package_files=pkg_files,
            position_files=pos_files,
        ),
    )
    return Composed(
        books,
        [_loaded_state(books, p) if is_path(p) else reader_id(p) for p in positions],
        [_loaded_package(books, p) if is_path(p) else p for p in packages],
    )


def _refuse_misplaced(
    extra: Sequence[Path], pos_files: Sequence[Path], pkg_files: Sequence[Path]
) -> None:
    """Refuse a file that is missing or not of the kind its option takes, saying what it is
    and where it belongs (``service.kinds``)."""
    wrong = [
        Problem(str(f), "no such file or directory")
        for f in (*pos_files, *pkg_files)
        if not f.exists()
    ]
    for files, kind in ((pos_files, Kind.position), (pkg_files, Kind.package)):
        for f in files:
            if f.exists():
                hint = misplaced(f / "package.yaml" if f.is_dir() else f, kind)
                if hint:
                    wrong.append(Problem(str(f), hint))
    for d in extra:
        if d.is_file():
            found = document_kind(d)
            what = f"; this is {found.phrase}: {WHERE[found]}" if found else ""
            wrong.append(Problem(str(d), "--rulebooks takes a directory" + what))
    if wrong:
        raise DocumentError(wrong)


def _loaded_state(books: Rulebooks, path: str) -> str:
    real = Path(path).resolve()
    return next(p.state for p in books.positions if Path(p.path).resolve() == real)


def _loaded_package(books: Rulebooks, path: str) -> str:
    given = Path(path)
    real = (given / "package.yaml" if given.is_dir() else given).resolve()
    return next(p.id for p in books.packages if Path(p.path).resolve() == real)


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


def registry_forum_record(db: str, documents: Sequence[Any] = ()) -> ForumRecord:
    """The forum record on the registry's log at ``db`` (its acts, as the store verified
    them), with the package ``documents`` published there (to tell a selection of an adopted
    version): what ``evaluate --db`` reads a package's basis and a treaty's parties from
    (``service.record``)."""
    from cybernorms.service import record
    from cybernorms.service.forums import forum_records

    return record.registry_record(db, forum_records, documents)


def forum_record(db: str | None) -> ForumRecord:
    """The record an evaluation reads: the registry's log at ``db``, with the packages
    published there, or (None) the shipped history (``service.record``)."""
    from cybernorms.service import record

    if db is None:
        return record.shipped()
    from cybernorms.service import published

    documents = published.package_documents(published.published(db))
    return registry_forum_record(db, documents)


@contextmanager
def registry_rulebooks(db: str, *, shipped: bool = True) -> Iterator[tuple[Path, list[Any]]]:
    """The packages and positions published on the registry at ``db`` (verified;
    ``service.published``) as a rulebook directory standing in for the shipped one (which it
    includes unless ``shipped`` is false; a publication replaces the shipped document of its
    id or state), and the published package documents. The directory is removed on leaving:
    compose and set up the evaluation inside."""
    from cybernorms.rules.catalog import default_rulebooks_dir
    from cybernorms.service import published

    found = published.published(db)
    directory = published.registry_rulebook(found, default_rulebooks_dir() if shipped else None)
    try:
        yield directory, published.package_documents(found)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


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
