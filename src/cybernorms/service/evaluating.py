"""Evaluating incidents: an evaluator compiled once per setup, and no more work per incident
than the caller will show.

The evaluation date is always given by the caller (``as_of``), with one meaning in every
front end (``formats.DATE_RULE``): a date D reads the profiles in force on D and gives rules
``as_of`` = D; none reads, for each incident, the profiles in force on its start date and
gives rules ``as_of`` = the day of the run.

``evaluate`` is the one place where the way to evaluate is chosen: the Python engine
(generated fast code for outcomes, generated tracing code where a trace or the facts read are
wanted), or a bulk engine (``cybernorms.bulk``: the rules as SQL on DuckDB or Spark), which
gives outcomes and missing facts for many incidents at once.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.readers import reader_id
from cybernorms.model.verdict import Outcome, Verdict, parse_word
from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.package import Package, Position
from cybernorms.service import loading
from cybernorms.service import record as forum_record
from cybernorms.service.errors import BadRequest
from cybernorms.service.formats import Detail, EngineName
from cybernorms.service.record import ForumRecord, Standing


@dataclass(frozen=True, eq=False)
class Setup:
    """Everything a verdict depends on besides the incident and the date.

    ``packages`` are those compiled (the selection and what it reaches through ``requires``
    and ``breached``); ``report`` the package labels whose verdicts are returned (None: all).
    """

    packages: tuple[Package, ...]
    profiles: tuple[Profile, ...]
    positions: tuple[Position, ...]
    report: frozenset[str] | None = None
    # Per package label, what the forum record says of it (``service.record``): the basis
    # earned or declared, the adoption a verdict cites, whether it is a selection.
    standings: Mapping[str, Standing] = field(default_factory=dict)
    # The package labels some of whose rules are left out of this evaluation (``rules``).
    partial: frozenset[str] = frozenset()
    # The packages' defaults stand in for parameters a state has not published, and every
    # verdict they decide says so in its basis (``--assume-defaults``; never implied).
    assume_defaults: bool = False

    @property
    def illustrative(self) -> bool:
        """Some profile here is an illustration, not a state's own document."""
        return any(p.illustrative for p in self.profiles)


def setup(
    books: Rulebooks,
    *,
    packages: Sequence[str] = (),
    positions: Sequence[str] = (),
    profiles: Sequence[Profile] | None = None,
    record: ForumRecord | None = None,
    rules: Sequence[str] = (),
    assume_defaults: bool = False,
) -> Setup:
    """The setup that evaluates ``packages`` (ids; all when empty) under the ``positions``
    (ISO3) with ``profiles`` (default: the rulebooks' own). Unknown names are refused
    (``UnknownName``). Only the selected packages and those they reach are compiled; a
    position of a package outside them changes none of their verdicts and is left out.

    ``record``: the forum record that gives each package its basis and a treaty its parties
    (default: the shipped history; ``service.record``). ``rules``: the rule ids the caller
    keeps (empty: all); a package some of whose rules are left out is evaluated as a
    selection, and its verdicts say so."""
    chosen = loading.positions(books, [reader_id(s) for s in positions])
    selected = loading.packages_reached(books, packages, chosen)
    ids = {p.id for p in selected}
    report = frozenset(loading.package(books, p).label for p in packages) or None
    applied = forum_record.apply(forum_record.shipped() if record is None else record, selected)
    kept = frozenset(rules)
    partial = frozenset(
        p.label for p in applied.packages if kept and not {r.id for r in p.rules} <= kept
    )
    return Setup(
        applied.packages,
        tuple(books.profiles if profiles is None else profiles),
        tuple(p for p in chosen if p.package in ids),
        report,
        applied.standings,
        partial,
        assume_defaults,
    )


# -- compiled evaluators, remembered --------------------------------------------------------

_KEEP = 8
_evaluators: OrderedDict[tuple[object, ...], tuple[Evaluator, Setup]] = OrderedDict()


def evaluator(chosen: Setup, *, json_traces: bool = False) -> Evaluator:
    """The compiled evaluator of a setup, built once and remembered (the last ``_KEEP``).

    The key is the identity of the packages, positions and profiles (``loading`` hands out
    the same objects while their files are unchanged) and the trace form. The evaluation date
    is not part of it: the engine takes it per call, never when it is built."""
    key = (
        tuple(map(id, chosen.packages)),
        tuple(map(id, chosen.positions)),
        tuple(map(id, chosen.profiles)),
        json_traces,
        chosen.assume_defaults,
    )
    found = _evaluators.get(key)
    if found is not None:
        _evaluators.move_to_end(key)
        return found[0]
    built = Evaluator(
        chosen.packages,
        chosen.profiles,
        chosen.positions,
        json_traces=json_traces,
        assume_defaults=chosen.assume_defaults,
    )
    _evaluators[key] = (built, chosen)  # the setup keeps the keyed objects (their ids) alive
    while len(_evaluators) > _KEEP:
        _evaluators.popitem(last=False)
    return built


# -- evaluation ----------------------------------------------------------------------------

_OUTCOMES = tuple(Outcome)
Runner = Callable[[Incident, dt.date | None], list[Verdict]]


def evaluate(
    chosen: Setup,
    incidents: Iterable[Incident],
    *,
    as_of: dt.date | None,
    detail: Detail,
    engine: EngineName = EngineName.python,
    spark_master: str | None = None,
) -> Iterator[Verdict]:
    """Verdicts of each incident in turn (a stream: output can start before the last incident
    is read), for the reported packages, with as much as ``detail`` asks for and no more:
    ``outcome`` and ``missing`` rows carry no trace, ``profiles`` rows no JSON trace.

    ``engine``: ``python`` (the default) or a bulk engine (``duckdb``, ``spark``, with
    ``spark_master`` for a cluster), which evaluates all incidents in one query and gives
    outcomes and missing facts: a trace is refused there (``BadRequest``), and its rows name
    no profile versions (``profiles`` is empty)."""
    if engine is not EngineName.python:
        yield from map(
            _cited(chosen), _bulk(chosen, incidents, as_of, detail, engine, spark_master)
        )
        return
    run = _runner(chosen, detail)
    report = chosen.report
    cite = _cited(chosen)
    for incident in incidents:
        for v in run(incident, as_of):
            if report is None or v.package in report:
                yield cite(v)


def _cited(chosen: Setup) -> Callable[[Verdict], Verdict]:
    """Each verdict with the record behind its package's earned basis (not a position's
    reading: that is never the package's basis) and marked a selection where rules of its
    package were left out (``--rule``) or its package is an adopted version with rules
    dropped."""
    notes = {
        label: (s.record_json(), s.selection or label in chosen.partial, s.basis)
        for label, s in chosen.standings.items()
    }
    partial = chosen.partial

    def cite(v: Verdict) -> Verdict:
        note = notes.get(v.package)
        if note is None:
            v.selection = v.package in partial
            return v
        cited, selection, basis = note
        if v.basis == basis:
            v.record = cited
        v.selection = selection
        return v

    return cite


def _bulk(
    chosen: Setup,
    incidents: Iterable[Incident],
    as_of: dt.date | None,
    detail: Detail,
    engine: EngineName,
    spark_master: str | None,
) -> Iterator[Verdict]:
    """All incidents through ``cybernorms.bulk`` at once, read back as verdict rows."""
    if detail is Detail.trace:
        raise BadRequest(
            f"--engine {engine} gives outcomes and missing facts, not traces: use --engine "
            "python for traces (or --no-trace; `cybernorms explain` traces one verdict)"
        )
    try:
        from cybernorms.bulk import evaluate_many
    except ImportError as exc:
        extra = "spark" if engine is EngineName.spark else "bulk"
        raise BadRequest(
            f"--engine {engine} needs pip install 'cybernorms[{extra}]' ({exc})"
        ) from None
    table = evaluate_many(
        list(incidents),
        chosen.packages,
        chosen.profiles,
        chosen.positions,
        engine="spark" if engine is EngineName.spark else "duckdb",
        as_of=as_of,
        spark_master=spark_master,
        assume_defaults=chosen.assume_defaults,
    )
    report = chosen.report
    for row in table.to_pylist():
        if report is None or row["package"] in report:
            yield Verdict(
                row["incident"],
                row["package"],
                row["rule"],
                row["subject"],
                row["basis"],
                parse_word(row["question"], row["outcome"]),
                tuple(row["missing"] or ()),
                question=row["question"],
                reason=row["reason"],
            )


def _runner(chosen: Setup, detail: Detail) -> Runner:
    """How one incident is evaluated for ``detail``: the one place an engine is chosen.

    Outcome codes come from the generated fast code (no trace, no facts read). Missing facts
    are known only to the tracing code, which then runs without building JSON traces: on the
    EuRepoC corpus every incident has an undetermined verdict, so running the fast code first
    and tracing only those incidents costs more (0.91 s against 0.50 s for 1,643 incidents).
    A bulk engine that reports missing facts would serve ``Detail.missing`` here."""
    engine = evaluator(chosen, json_traces=detail is Detail.trace)
    labels = _labels(chosen) if detail is Detail.outcome else None
    if labels is None:  # traces wanted, or a rule id in two packages (rows could not name it)
        return engine.verdicts
    outcomes = engine.outcomes
    rule_of = engine.rule

    def fast(incident: Incident, as_of: dt.date | None) -> list[Verdict]:
        iid = incident.id
        out = []
        for basis, rule, subject, code in outcomes(incident, as_of):
            outcome = _OUTCOMES[code]
            reported = rule_of(basis, rule)
            out.append(
                Verdict(
                    iid,
                    labels[rule],
                    rule,
                    subject,
                    basis,
                    outcome,
                    question=reported.question,
                    reason=reported.reason_for(outcome, None),  # codes only: nothing known missing
                )
            )
        return out

    return fast


def _labels(chosen: Setup) -> dict[str, str] | None:
    """Rule id -> its package's label, or None when some rule id is not unique."""
    labels: dict[str, str] = {}
    by_id = {p.id: p.label for p in chosen.packages}
    rules = [(r.id, p.label) for p in chosen.packages for r in p.rules]
    rules += [(r.id, by_id[pos.package]) for pos in chosen.positions for r in pos.added]
    for rule, label in rules:
        if labels.setdefault(rule, label) != label:
            return None
    return labels
