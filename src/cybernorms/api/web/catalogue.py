"""What the dashboard browses: the incidents the server was started with and their verdicts.

Why evaluated once: the pages filter, count and chart the same verdicts again and again; the
incidents do not change while the server runs, so every verdict of every incident under every
loaded position is computed on first use (``service.evaluating``, outcome and missing facts,
no traces) and kept. Explanations are rebuilt on demand (``service.explaining``) for the one
verdict a person opens. Nothing here decides an outcome: the service layer does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cybernorms.model.facts import Incident
from cybernorms.model.readers import is_group, is_reading_basis, reader_of
from cybernorms.model.verdict import CONSENSUS, WORDS, Outcome, Question, Verdict
from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.package import Rule
from cybernorms.semantics.profiles import plain_basis
from cybernorms.service import evaluating, loading
from cybernorms.service.errors import UnknownName
from cybernorms.service.formats import Detail

# Every answer word of every question (the outcome filter's choices): violation,
# no_violation, attributable, ..., undetermined, not_applicable, each once.
OUTCOME_WORDS = tuple(dict.fromkeys(w for words in WORDS.values() for w in words.values()))


def is_violation(v: Verdict) -> bool:
    """A breach found: an attribution or a permission is never counted as one."""
    return v.outcome is Outcome.VIOLATION and v.question == Question.BREACH


def reader_label(reader: str, heading: bool = False) -> str:
    """How a position's reader is named on a page: ``national view of FRA`` for a state,
    ``common view of group:AU`` for a group (``heading``: with a capital)."""
    label = f"common view of {reader}" if is_group(reader) else f"national view of {reader}"
    return label[0].upper() + label[1:] if heading else label


def is_reading(basis: str) -> bool:
    """Whether a verdict's basis is a position's (a state's or a group's): the pages mark it
    as a reading, never as the package's."""
    return is_reading_basis(plain_basis(basis))


def basis_label(basis: str) -> str:
    """How a basis is shown: a position is a national (or a group's common) view, never
    consensus."""
    reader = reader_of(plain_basis(basis))
    return basis if reader is None else reader_label(reader)


def basis_order(basis: str) -> tuple[int, str]:
    """Columns in a fixed order: consensus, the packages' other bases, then national views."""
    if basis == CONSENSUS:
        return (0, basis)
    return (2, basis) if is_reading_basis(plain_basis(basis)) else (1, basis)


def default_incidents_dir() -> Path | None:
    """The curated incidents of a source checkout (``examples/incidents``): looked for under
    the working directory first, then beside the installed source tree; ``None`` when absent
    (an installed wheel ships no incidents; ``Settings.incidents`` names them)."""
    here = Path(__file__).resolve()
    for base in (Path.cwd(), here.parents[4]):
        candidate = base / "examples" / "incidents"
        if candidate.is_dir():
            return candidate
    return None


@dataclass(frozen=True)
class Filters:
    """The incident list's filters; an empty field filters nothing. ``rule``, ``outcome`` and
    ``basis`` must hold together on one verdict of the incident."""

    state: str = ""
    victim: str = ""
    sector: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    rule: str = ""
    outcome: str = ""
    basis: str = ""

    @property
    def active(self) -> bool:
        return any(v not in ("", None) for v in vars(self).values())


@dataclass
class Row:
    """One incident of the list with its verdicts."""

    incident: Incident
    verdicts: list[Verdict] = field(default_factory=list)

    def matches(self, f: Filters) -> bool:
        inc = self.incident
        if f.state and f.state not in {inc.attribution.state, inc.initiator.country}:
            return False
        targets = inc.targets or []
        if f.victim and f.victim not in {t.country for t in targets}:
            return False
        if f.sector and f.sector not in {t.sector for t in targets}:
            return False
        if f.start is not None and (inc.start_date is None or inc.start_date < f.start):
            return False
        if f.end is not None and (inc.start_date is None or inc.start_date > f.end):
            return False
        if f.rule or f.outcome or f.basis:
            return any(
                (not f.rule or v.rule == f.rule)
                and (not f.outcome or v.word == f.outcome)
                and (not f.basis or v.basis == f.basis)
                for v in self.verdicts
            )
        return True

    def violations(self) -> list[tuple[str, int]]:
        """Violation verdicts per basis, never added together across bases."""
        counts: dict[str, int] = {}
        for v in self.verdicts:
            if is_violation(v):
                counts[v.basis] = counts.get(v.basis, 0) + 1
        return sorted(counts.items(), key=lambda kv: basis_order(kv[0]))


@dataclass(frozen=True)
class Cell:
    """One verdict of the incident page's matrix; ``departs``: a national view that reads the
    rule otherwise than the package does for the same subject."""

    verdict: Verdict
    departs: bool


@dataclass(frozen=True)
class MatrixRow:
    rule: Rule
    subject: str | None
    cells: dict[str, Cell]

    @property
    def differs(self) -> bool:
        return any(c.departs for c in self.cells.values())


@dataclass(frozen=True)
class Matrix:
    """Rules (with subject) x bases, for one incident."""

    bases: list[str]
    rows: list[MatrixRow]


class Catalogue:
    """The incidents and their verdicts, built once (thread-safe) from the rulebooks."""

    def __init__(self, books: Rulebooks, incidents: Sequence[Incident], source: str) -> None:
        self.books = books
        self.source = source
        self.setup = evaluating.setup(books, positions=[p.state for p in books.positions])
        self.rows = [Row(i) for i in sorted(incidents, key=_incident_order)]
        by_id = {r.incident.id: r for r in self.rows}
        for v in evaluating.evaluate(
            self.setup, (r.incident for r in self.rows), as_of=None, detail=Detail.missing
        ):
            by_id[v.incident].verdicts.append(v)
        self._by_id = by_id
        self._rules = {r.id: r for p in books.packages for r in p.rules}
        for pos in books.positions:
            for added in pos.added:
                self._rules.setdefault(added.id, added)

    @property
    def illustrative(self) -> bool:
        return self.setup.illustrative

    def row(self, incident_id: str) -> Row:
        found = self._by_id.get(incident_id)
        if found is None:
            raise UnknownName(f"no incident {incident_id!r} on this server")
        return found

    def rule(self, rule_id: str) -> Rule:
        found = self._rules.get(rule_id)
        if found is None:
            raise UnknownName(f"no rule {rule_id!r} in the loaded rulebooks")
        return found

    def rules(self) -> list[Rule]:
        return list(self._rules.values())

    def filtered(self, f: Filters) -> list[Row]:
        return [r for r in self.rows if r.matches(f)]

    def bases(self) -> list[str]:
        return sorted({v.basis for r in self.rows for v in r.verdicts}, key=basis_order)

    def choices(self) -> dict[str, list[str]]:
        """The values each filter can take, read from the incidents themselves."""
        states: set[str] = set()
        victims: set[str] = set()
        sectors: set[str] = set()
        for r in self.rows:
            inc = r.incident
            states.update(s for s in (inc.attribution.state, inc.initiator.country) if s)
            for t in inc.targets or []:
                victims.update([t.country] if t.country else [])
                sectors.update([str(t.sector)] if t.sector else [])
        return {
            "state": sorted(states),
            "victim": sorted(victims),
            "sector": sorted(sectors),
            "rule": sorted(self._rules),
            "outcome": list(OUTCOME_WORDS),
            "basis": self.bases(),
        }

    def matrix(self, incident_id: str) -> Matrix:
        return matrix(self, self.row(incident_id).verdicts)


def matrix(catalogue: Catalogue, verdicts: Iterable[Verdict]) -> Matrix:
    """The verdicts of one incident as rules x bases, national views beside the package's."""
    grouped: dict[tuple[str, str | None], dict[str, Verdict]] = {}
    bases: set[str] = set()
    for v in verdicts:
        grouped.setdefault((v.rule, v.subject), {})[v.basis] = v
        bases.add(v.basis)
    rows = []
    for (rule_id, subject), by_basis in grouped.items():
        package_reading = next(
            (v for b, v in by_basis.items() if not is_reading_basis(plain_basis(b))), None
        )
        cells = {
            b: Cell(
                v,
                is_reading_basis(plain_basis(b))
                and package_reading is not None
                and v.outcome != package_reading.outcome,
            )
            for b, v in by_basis.items()
        }
        rows.append(MatrixRow(catalogue.rule(rule_id), subject, cells))
    return Matrix(sorted(bases, key=basis_order), rows)


def _incident_order(incident: Incident) -> tuple[dt.date, str]:
    return (incident.start_date or dt.date.min, incident.id)


def load(rulebooks: Path | None, incidents: Path | None) -> Catalogue:
    """The catalogue of ``incidents`` (default: ``default_incidents_dir()``) read under the
    rulebooks at ``rulebooks`` (default: the shipped set)."""
    books = loading.rulebooks(rulebooks, with_examples=True)
    where = incidents if incidents is not None else default_incidents_dir()
    found = loading.load_incident_inputs([where]).incidents if where is not None else []
    return Catalogue(books, found, _shown(where) if where is not None else "no incidents")


def _shown(path: Path) -> str:
    """A path as a person started the server with it: relative to the working directory."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
