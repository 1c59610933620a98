"""Evaluation: facts in, one verdict per (rule, subject) out.

``Evaluator`` compiles the packages once - generated Python, verdict codes and traces, from
the one semantics (``cybernorms.semantics``) - and then evaluates any number of incidents.
``evaluate()`` is the one-call convenience.

Two ways to run:

* ``Evaluator.verdicts(incident)``: full verdicts with ``missing`` and a trace tree (the
  generated code in tracing mode, ``engine.codegen``; ``Evaluator(..., reference=True)`` runs
  the reference interpreter, ``engine.reference``, instead, which the property tests compare
  it with).
* ``Evaluator.outcomes(incident)``: outcome codes only (the generated code in fast mode) for
  bulk work; traces are built on demand by calling ``verdicts`` for the incidents a person
  looks at.

Positions are lenses (``semantics.lenses``): a position replaces some criteria of one
package; the replaced rules, rules it adds, and every rule that depends on them through
``breached`` are evaluated again under the lens and reported with the position's basis
(``position:ISO3``, or ``group:NAME`` for a group's common reading).
Consensus verdicts are always reported beside them, never replaced.

The evaluation date is a parameter of each call (``as_of``), never frozen when the evaluator
is built: one evaluator serves a long-running service across midnight.

A parameter a state has not published is unknown (``semantics.profiles.stand_in``). With
``assume_defaults``, every incident is evaluated twice, without and with the packages'
defaults; a verdict the defaults decided (``semantics.profiles.decided_by_defaults``) is
reported from the second run with the assumption in its basis, every other as without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, TypeVar

from cybernorms.engine.codegen import FastRule, TracedRule, compile_fast, compile_traced
from cybernorms.engine.profiles import ProfileBook
from cybernorms.engine.reference import Concrete, PythonSubjects, subject_value
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile, ProfileParameters
from cybernorms.model.verdict import JsonCache, Outcome, Verdict
from cybernorms.rules import ir
from cybernorms.rules.package import Package, Position, Rule
from cybernorms.semantics import lenses
from cybernorms.semantics.decision import NO_SUBJECT, expand
from cybernorms.semantics.nodes import Scope
from cybernorms.semantics.nodes import evaluate as evaluate_node
from cybernorms.semantics.parties import dated
from cybernorms.semantics.profiles import assumed_basis, decided_by_defaults, plain_basis

RuleKey = tuple[str, str]
_NO_SUBJECT = int(NO_SUBJECT)
# The evaluation date handed to rules none of which reads it (never visible in any output).
_UNREAD = dt.date.min


@dataclass(frozen=True, eq=False)
class _Lens:
    """A set of rules evaluated together: consensus, or one position's reading."""

    basis: str | None  # None: each package's own basis
    table: Mapping[RuleKey, Rule]
    report: tuple[RuleKey, ...]
    fast: Mapping[RuleKey, FastRule]
    traced: Mapping[RuleKey, TracedRule]


# subjects_of's answers by (value as a tuple, is_list): a handful of shapes recur (unknown,
# empty, one or two states), and expanding them afresh was half the verdict-only time.
_SLOTS: dict[tuple[Any, bool], tuple[tuple[str | None, bool], ...]] = {}
_SLOTS_KEPT = 4096


def subjects_of(value: Any, is_list: bool) -> tuple[tuple[str | None, bool], ...]:
    """The verdicts (subject, judged) a rule gives for its subject expression's concrete
    value: ``semantics.decision.expand`` on Python values. ``judged`` False: the verdict
    without subject of a known-empty list (not applicable)."""
    key = (value if value is None or value.__class__ is str else tuple(value), is_list)
    found = _SLOTS.get(key)
    if found is None:
        found = tuple(
            (slot.subject, slot.judged)
            for slot in expand(PythonSubjects(value, is_list), None)
            if slot.guard
        )
        if len(_SLOTS) >= _SLOTS_KEPT:
            _SLOTS.clear()
        _SLOTS[key] = found
    return found


class Evaluator:
    """Packages, profiles and positions compiled once, for many incidents."""

    def __init__(
        self,
        packages: Sequence[Package],
        profiles: Iterable[Profile] = (),
        positions: Sequence[Position] = (),
        *,
        reference: bool = False,
        json_traces: bool = True,
        assume_defaults: bool = False,
    ) -> None:
        """``reference``: trace with the reference interpreter (``engine.reference``, the
        algebra's concrete implementation) instead of the generated tracing code; the output
        is the same, only slower (the property tests check it).

        ``json_traces``: the generated tracing code writes each trace's JSON while it
        evaluates (``Verdict.to_json`` then only hands it out); False for callers that never
        ask for JSON (it is then converted from the tuples on demand).

        ``assume_defaults``: the packages' defaults stand in for parameters a state has not
        published, and every verdict they decide says so in its basis."""
        self.reference = reference
        self.assume_defaults = assume_defaults
        self.json_traces = json_traces
        self.packages = {p.id: p for p in packages}
        self.book = profiles if isinstance(profiles, ProfileBook) else ProfileBook(profiles)
        self._parties = {p.id: p.parties for p in packages}
        base = {r.key: r for p in packages for r in p.rules}
        # Whether any criterion reads the evaluation date: if none does, a call without one
        # need not ask the clock (``date.today()`` cost as much as deciding a rule).
        self._reads_today = any(
            isinstance(n, ir.AsOf)
            for r in (
                *base.values(),
                *(r for pos in positions for r in pos.added),
                *(r for pos in positions for r in pos.overrides.values()),
            )
            for root in (r.applies, r.violated, r.subject)
            for n in ir.walk(root)
        ) or any(dated(p.parties) for p in packages)  # treaty parties read on a date
        self._lenses = [self._compiled(None, base, tuple(base))]
        for position in positions:
            if position.package not in self.packages:
                raise ValueError(
                    f"position {position.state} reads package {position.package!r}, "
                    "which is not loaded"
                )
            lens = lenses.resolve(base, position)
            self._lenses.append(self._compiled(position.basis, lens.table, lens.affected))
        self._traced_resolvers: dict[
            tuple[dt.date | None, bool], dict[str, Callable[[str], tuple[ProfileParameters, str]]]
        ] = {}
        self._fast_resolvers: dict[
            tuple[dt.date | None, bool], dict[str, Callable[[str], ProfileParameters]]
        ] = {}
        # (reported basis, rule id) -> the rule as reported: its question and reason.
        self._reported: dict[tuple[str, str], Rule] = {
            (lens.basis or self.packages[key[0]].basis, key[1]): lens.table[key]
            for lens in self._lenses
            for key in lens.report
        }
        # Per lens, per reported rule, everything verdicts() needs that no incident changes.
        self._traced = [
            (
                lens,
                [
                    (
                        lens.table[key],
                        lens.traced[key],
                        key[1],
                        self.packages[key[0]].label,
                        lens.basis or self.packages[key[0]].basis,
                        lens.fast[key].subjects,
                        lens.table[key].subject.text,
                        lens.table[key].subject_is_list,
                    )
                    for key in lens.report
                ],
            )
            for lens in self._lenses
        ]
        self._fast = [
            (
                lens.basis or self.packages[key[0]].basis,
                key[1],
                fast.decide,
                fast.subjects,
                lens.table[key].subject_is_list,
            )
            for lens in self._lenses
            for key in lens.report
            for fast in (lens.fast[key],)
        ]

    def _compiled(
        self, basis: str | None, table: Mapping[RuleKey, Rule], report: tuple[RuleKey, ...]
    ) -> _Lens:
        rules = list(table.values())
        return _Lens(
            basis,
            table,
            report,
            compile_fast(rules, self._parties),
            compile_traced(rules, self._parties, with_json=self.json_traces),
        )

    def _today(self, as_of: dt.date | None) -> dt.date:
        """The evaluation date: ``as_of``, else today's date, read now (and only when some
        criterion reads ``as_of``: otherwise no evaluation can see it, and a fixed stand-in
        is passed)."""
        if as_of is not None:
            return as_of
        return dt.date.today() if self._reads_today else _UNREAD

    # -- profile resolution --------------------------------------------------------------
    def rule(self, basis: str, rule_id: str) -> Rule:
        """The rule a verdict row (``outcomes``) was reported for: its question and reason."""
        return self._reported[(plain_basis(basis), rule_id)]

    def _resolvers(
        self, on: dt.date | None, assume: bool
    ) -> dict[str, Callable[[str], tuple[ProfileParameters, str]]]:
        found = self._traced_resolvers.get((on, assume))
        if found is not None:
            return found
        book = self.book

        def resolver(defaults: ProfileParameters) -> Callable[[str], tuple[ProfileParameters, str]]:
            # Remembered per state: a traced verdict asks once per target, and the book would
            # build the same label string every time. The book never changes after __init__.
            known: dict[str, tuple[ProfileParameters, str]] = {}

            def resolve(state: str) -> tuple[ProfileParameters, str]:
                found = known.get(state)
                if found is None:
                    found = known[state] = book.resolve(state, on, defaults, assume)
                return found

            return resolve

        out = {pid: resolver(p.defaults) for pid, p in self.packages.items()}
        self._traced_resolvers[(on, assume)] = out
        return out

    def _params(
        self, on: dt.date | None, assume: bool
    ) -> dict[str, Callable[[str], ProfileParameters]]:
        found = self._fast_resolvers.get((on, assume))
        if found is None:
            book = self.book
            found = {
                pid: _params_only(book, on, p.defaults, assume) for pid, p in self.packages.items()
            }
            self._fast_resolvers[(on, assume)] = found
        return found

    # -- verdicts with traces ------------------------------------------------------------
    def verdicts(self, incident: Incident, as_of: dt.date | None = None) -> list[Verdict]:
        """Every verdict for one incident, with ``missing`` and the reasoning trace.

        ``as_of``: the evaluation date - the value of ``as_of`` in criteria, and the date
        profiles are chosen by. None: profiles are chosen by the incident's ``start_date``
        (the latest version when it has none) and ``as_of`` is today's date, read at this
        call."""
        plain = self._verdicts(incident, as_of, False)
        if not self.assume_defaults:
            return plain
        return _with_assumption(
            plain, self._verdicts(incident, as_of, True), lambda v: v.outcome, _relabel
        )

    def _verdicts(self, incident: Incident, as_of: dt.date | None, assume: bool) -> list[Verdict]:
        on = as_of or incident.start_date
        today = self._today(as_of)
        resolvers = self._resolvers(on, assume)
        fast_profs = self._params(on, assume)
        out: list[Verdict] = []
        append = out.append
        incident_id = incident.id
        # Fact objects (targets, requests) are converted to JSON once for all of this
        # incident's verdicts (model.verdict.json_value).
        cache: JsonCache = {}
        json_trace = None
        for lens, plan in self._traced:
            alg = (
                Concrete(incident, today, resolvers, lens.table, self._parties)
                if self.reference
                else None
            )
            for rule, traced, rule_id, label, basis, subjects, path, is_list in plan:
                value = subjects(incident, fast_profs, today)
                slots: Iterable[tuple[str | None, bool]] = (
                    ((value, True),) if value.__class__ is str else subjects_of(value, is_list)
                )
                for subject, judged in slots:
                    read: set[str] = set()
                    if alg is not None:
                        alg.reading(read)
                        if judged:
                            outcome, missing, trace = alg.decide(rule, subject_value(subject, path))
                        else:
                            scope = Scope(subject_value(None, path), rule.package)
                            shown = evaluate_node(alg, rule.subject, scope)
                            outcome, missing, trace = alg.no_subject(rule, shown)
                    elif judged:
                        outcome, missing, trace, json_trace = traced.trace(
                            incident, subject, path, read, today, resolvers, cache
                        )
                    else:
                        outcome, missing, trace, json_trace = traced.no_subject(
                            incident, path, read, today, resolvers, cache
                        )
                    append(
                        Verdict(
                            incident_id,
                            label,
                            rule_id,
                            subject,
                            basis,
                            outcome,
                            _ordered(missing),
                            _ordered(read),
                            trace,
                            json_trace,
                            rule.question,
                            rule.reason_for(outcome, missing),
                        )
                    )
        return out

    # -- outcome codes only --------------------------------------------------------------
    def outcomes(
        self, incident: Incident, as_of: dt.date | None = None
    ) -> list[tuple[str, str, str | None, int]]:
        """(basis, rule id, subject, outcome code) for every verdict, without traces.

        The hot loop of bulk evaluation: everything that does not depend on the incident
        (the flat list of rules, the profile resolvers for a date) is prepared once.
        ``as_of`` as for ``verdicts``.
        """
        plain = self._outcomes(incident, as_of, False)
        if not self.assume_defaults:
            return plain
        return _with_assumption(
            plain,
            self._outcomes(incident, as_of, True),
            lambda row: Outcome(row[3]),
            lambda row: (assumed_basis(row[0]), *row[1:]),
        )

    def _outcomes(
        self, incident: Incident, as_of: dt.date | None, assume: bool
    ) -> list[tuple[str, str, str | None, int]]:
        on = as_of or incident.start_date
        today = self._today(as_of)
        profs = self._params(on, assume)
        out: list[tuple[str, str, str | None, int]] = []
        append = out.append
        for basis, rule_id, decide, subjects, is_list in self._fast:
            value = subjects(incident, profs, today)
            if value.__class__ is str:  # one known state: the common case, one verdict
                append((basis, rule_id, value, decide(incident, value, profs, today)))
                continue
            for subject, judged in subjects_of(value, is_list):
                code = decide(incident, subject, profs, today) if judged else _NO_SUBJECT
                append((basis, rule_id, subject, code))
        return out


Row = TypeVar("Row")


def _with_assumption(
    plain: list[Row],
    assumed: list[Row],
    outcome: Callable[[Row], Outcome],
    relabel: Callable[[Row], Row],
) -> list[Row]:
    """The verdicts of a run under ``--assume-defaults``: each as without the assumption,
    except those the defaults decided (``decided_by_defaults``), taken from the assumed run
    and relabelled. The two runs give the same verdict slots in the same order (the subject
    of a rule never reads a profile), which the zip checks."""
    out: list[Row] = []
    for before, after in zip(plain, assumed, strict=True):
        out.append(
            relabel(after) if decided_by_defaults(outcome(before), outcome(after)) else before
        )
    return out


def _relabel(v: Verdict) -> Verdict:
    v.basis = assumed_basis(v.basis)
    return v


def _ordered(names: AbstractSet[str]) -> tuple[str, ...]:
    """A set of fact paths or profile labels in stable order; most have none or one."""
    if not names:
        return ()
    if len(names) == 1:
        return tuple(names)
    return tuple(sorted(names))


def _params_only(
    book: ProfileBook, on: dt.date | None, defaults: ProfileParameters, assume: bool
) -> Callable[[str], ProfileParameters]:
    return lambda state: book.resolve(state, on, defaults, assume)[0]


def evaluate(
    incident: Incident,
    packages: Sequence[Package],
    profiles: Iterable[Profile] = (),
    positions: Sequence[Position] = (),
    as_of: dt.date | None = None,
    *,
    assume_defaults: bool = False,
) -> list[Verdict]:
    """Evaluate one incident (compiles the packages: use ``Evaluator`` for many incidents).
    ``as_of`` as for ``Evaluator.verdicts``."""
    return Evaluator(packages, profiles, positions, assume_defaults=assume_defaults).verdicts(
        incident, as_of
    )


__all__ = ["Evaluator", "Outcome", "evaluate", "subjects_of"]
