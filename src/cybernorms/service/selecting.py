"""Choosing incidents and verdicts (``evaluate``'s filters), and the verdict as a record that
says which incident it is about.

Why here and not in a front end: the HTTP API offers the same filters and the same records;
one meaning, one place. Incident filters run before evaluating (nothing is computed for an
incident left out); verdict filters after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cybernorms.model.facts import Incident
from cybernorms.model.readers import is_reading_basis, reader_id, reading_basis
from cybernorms.model.verdict import WORDS, Verdict
from cybernorms.semantics.profiles import plain_basis
from cybernorms.service.errors import BadRequest

# Every answer word of every question (violation ... attributable ... not_permitted), once.
OUTCOMES = tuple(dict.fromkeys(w for words in WORDS.values() for w in words.values()))


@dataclass(frozen=True)
class Filters:
    """What to keep. Empty means no restriction; several values of one filter mean any of them.

    ``states``: the verdict's subject (ISO3); ``victims``: a target's country; ``sectors``:
    a target's sector; ``rules``: rule ids; ``bases``: ``consensus``, ``restatement``,
    ``position`` (any position, a state's or a group's), ``position:ISO3`` or ``group:NAME``
    (a verdict decided under ``--assume-defaults`` also matches its plain basis);
    ``outcomes``: answer words
    (``violation``, ``attributable``, ``permitted``, ...);
    ``since``/``until``: the incident's start date, both ends included (an incident without
    a start date is left out when either is given: its date is not known to be in range).
    """

    states: frozenset[str] = frozenset()
    victims: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()
    bases: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()
    since: dt.date | None = None
    until: dt.date | None = None

    @classmethod
    def of(
        cls,
        *,
        states: Sequence[str] = (),
        victims: Sequence[str] = (),
        sectors: Sequence[str] = (),
        rules: Sequence[str] = (),
        bases: Sequence[str] = (),
        outcomes: Sequence[str] = (),
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Filters:
        """Filters from option values (case of states, bases and outcomes normalised); an
        unknown outcome or an empty date range is refused."""
        wrong = [o for o in outcomes if o.lower() not in OUTCOMES]
        if wrong:
            raise BadRequest(
                f"--outcome: unknown {', '.join(wrong)} (one of: {', '.join(OUTCOMES)})"
            )
        if since is not None and until is not None and since > until:
            raise BadRequest(f"--since {since} is after --until {until}")
        return cls(
            frozenset(s.upper() for s in states),
            frozenset(s.upper() for s in victims),
            frozenset(s.lower() for s in sectors),
            frozenset(rules),
            frozenset(x for b in bases for x in _bases(b)),
            frozenset(o.lower() for o in outcomes),
            since,
            until,
        )

    def incidents(self, incidents: Iterable[Incident]) -> list[Incident]:
        """The incidents the victim, sector and date filters keep."""
        return [i for i in incidents if self._keeps_incident(i)]

    def verdicts(self, verdicts: Iterable[Verdict]) -> Iterator[Verdict]:
        """The verdicts the subject, rule, basis and outcome filters keep (a stream)."""
        for v in verdicts:
            if self.states and (v.subject or "") not in self.states:
                continue
            if self.rules and v.rule not in self.rules:
                continue
            if self.bases and not {v.basis, plain_basis(v.basis), *_families(v.basis)} & self.bases:
                continue
            if self.outcomes and v.word not in self.outcomes:
                continue
            yield v

    def _keeps_incident(self, incident: Incident) -> bool:
        if self.victims and not self.victims & set(victims(incident)):
            return False
        if self.sectors and not self.sectors & set(_sectors(incident)):
            return False
        if self.since is not None or self.until is not None:
            start = incident.start_date
            if start is None:
                return False
            if self.since is not None and start < self.since:
                return False
            if self.until is not None and start > self.until:
                return False
        return True


def _bases(text: str) -> set[str]:
    """A ``--basis`` value as verdicts spell it: ``position:fra`` -> ``position:FRA``;
    ``group:au`` -> a group's reading ``group:AU`` (model.readers) or a package's own basis
    ``group:au`` (lower case), both kept; a family alone in lower case."""
    family, _, name = text.partition(":")
    if not name:
        return {family.lower()}
    if family.lower() == "position":
        return {reading_basis(name.upper())}
    if family.lower() == "group":
        return {reader_id(text), f"group:{name.lower()}"}
    return {text}


def _families(basis: str) -> set[str]:
    """The basis families a verdict belongs to: its own (``consensus``, ``group``, ...), and
    ``position`` for every position's verdict, a state's or a group's reading."""
    own = plain_basis(basis).partition(":")[0]
    return {own, "position"} if is_reading_basis(plain_basis(basis)) else {own}


def victims(incident: Incident) -> list[str]:
    """The target countries of an incident, each once, in the order of its targets."""
    found: dict[str, None] = {}
    for target in incident.targets or ():
        if target.country:
            found.setdefault(target.country, None)
    return list(found)


def _sectors(incident: Incident) -> list[str]:
    return [str(t.sector) for t in incident.targets or () if t.sector is not None]


def record(verdict: Verdict, incident: Incident | None, *, with_trace: bool) -> dict[str, Any]:
    """The verdict as the output contract documents it, followed by what identifies its
    incident for a reader: ``name``, ``start_date`` (ISO date or null) and ``victims``.

    New keys only, after the contract's own: a reader of the old contract sees what it knew."""
    out = verdict.to_json(with_trace=with_trace)
    out["name"] = incident.name if incident is not None else None
    start = incident.start_date if incident is not None else None
    out["start_date"] = start.isoformat() if start is not None else None
    out["victims"] = victims(incident) if incident is not None else []
    return out
