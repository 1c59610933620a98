"""One query for every verdict: which rules under which lens, subject expansion, profiles.

``build_plan`` turns packages, positions and profiles into a ``Plan``: the SQL tree (as
sqlglot expressions, generated for a dialect by ``Plan.sql``) and the small table of profiles
in force that the query joins (``profile_epochs``).

* **Lenses.** Which rules a position changes (its overrides, its added rules and every rule
  that reaches one of them through ``breached``) is the engine's own resolution
  (``engine.Evaluator``), read here, so it is stated once.
* **Subjects.** One row per subject state: a state-valued subject gives one row (NULL when
  unknown); a list gives one row per distinct member, and one row with a NULL subject when the
  list is unknown or known to be empty. A known-empty list judges no one: that verdict is
  ``not_applicable`` with nothing missing.
* **Profiles in force.** The dates on which any profile starts or expires cut time into
  epochs; within one, every state's profile in force is the same. The choice of the version
  in force is ``engine.profiles.ProfileBook``'s (computed once per epoch, in Python); the
  query only looks the state up in its row's epoch (an unknown incident date reads the
  latest version, as the engine does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pyarrow as pa
from sqlglot import exp

from cybernorms.bulk.errors import BulkError, UnsupportedConstruct
from cybernorms.bulk.layout import arrow_type
from cybernorms.bulk.sqlgen import (
    EMPTY_SUBJECTS,
    NONE_MISSING,
    PROFILES,
    ROW,
    SUBJECT,
    UNDETERMINED,
    Dialect,
    RuleColumns,
    RuleKey,
    SqlAlgebra,
    Term,
    case,
    is_false,
    is_null,
    lit,
    rule_outcome,
    subject_term,
)
from cybernorms.engine import ProfileBook
from cybernorms.model.profile import Profile
from cybernorms.rules import ir
from cybernorms.rules.package import Package, Position, Rule
from cybernorms.rules.types import PROFILE, STATE_LIST
from cybernorms.semantics.lenses import resolve
from cybernorms.semantics.nodes import Scope, UnknownConstruct, evaluate
from cybernorms.semantics.profiles import stand_in

T = TypeVar("T")

INCIDENTS = "incidents"
EPOCHS = "profile_epochs"
LATEST = -1  # the epoch of incidents with no known date: each state's latest version


@dataclass(frozen=True)
class Lens:
    """Consensus, or one position's reading: the rules it sees and the ones it reports."""

    basis: str | None  # None: each package's own basis
    table: dict[RuleKey, Rule]
    report: tuple[RuleKey, ...]


@dataclass(frozen=True)
class Plan:
    query: exp.Expr
    epochs: pa.Table | None  # None: no profiles, every lookup reads the package defaults
    dialect: Dialect

    def sql(self) -> str:
        from sqlglot.errors import ErrorLevel

        return self.query.sql(self.dialect.name, unsupported_level=ErrorLevel.RAISE)


def lenses(packages: Sequence[Package], positions: Sequence[Position]) -> list[Lens]:
    """Consensus, then each position's lens (``semantics.lenses.resolve``), in the engine's
    order, with the rules each reports."""
    base = {r.key: r for p in packages for r in p.rules}
    out = [Lens(None, base, tuple(base))]
    known = {p.id for p in packages}
    for position in positions:
        if position.package not in known:
            raise BulkError(
                f"position {position.state} reads package {position.package!r}, which is not loaded"
            )
        lens = resolve(base, position)
        out.append(Lens(position.basis, dict(lens.table), lens.affected))
    return out


def depends_first(table: Mapping[RuleKey, Rule], keys: Iterable[RuleKey]) -> list[RuleKey]:
    """``keys`` and every rule they reach through ``breached``, each after the rules it names."""
    order: list[RuleKey] = []

    def visit(key: RuleKey) -> None:
        if key in order:
            return
        rule = table[key]
        for ref in sorted(ir.references(rule.applies) | ir.references(rule.violated)):
            visit(ref)
        order.append(key)

    for key in keys:
        visit(key)
    return order


def epoch_breaks(profiles: Iterable[Profile]) -> list[dt.date]:
    dates: set[dt.date] = set()
    for p in profiles:
        dates.add(p.effective_from)
        if p.expires is not None:
            dates.add(p.expires)
    return sorted(dates)


def epochs_table(profiles: Sequence[Profile], breaks: Sequence[dt.date]) -> pa.Table:
    """One row per epoch: the parameters of every state's profile in force in it."""
    book = ProfileBook(profiles)
    states = book.states()
    params_type = arrow_type(PROFILE)
    starts: list[dt.date | None] = [None, dt.date.min, *breaks]
    rows = []
    for epoch, on in zip([LATEST, *range(len(breaks) + 1)], starts, strict=True):
        entries = []
        for state in states:
            profile = book.in_force(state, on)
            if profile is not None:
                entries.append((state, profile.parameters.model_dump()))
        rows.append({"epoch": epoch, "profiles": entries})
    schema = pa.schema(
        [pa.field("epoch", pa.int32()), pa.field("profiles", pa.map_(pa.string(), params_type))]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _epoch_of(date: exp.Expr, breaks: Sequence[dt.date]) -> exp.Expr:
    whens = [(is_null(date), exp.Literal.number(LATEST))]
    for k, b in enumerate(breaks):
        whens.append((exp.LT(this=date, expression=lit(b)), exp.Literal.number(k)))
    return case(*whens, default=exp.Literal.number(len(breaks)))


def _col(name: str, table: str = ROW) -> exp.Column:
    return exp.Column(this=exp.to_identifier(name), table=exp.to_identifier(table))


def _select(*columns: exp.Expr) -> exp.Select:
    return exp.Select(expressions=list(columns))


def _from(select: exp.Select, source: exp.Expr) -> exp.Select:
    select.set("from_", exp.From(this=source))
    return select


def _star(table: str) -> exp.Column:
    return exp.Column(this=exp.Star(), table=exp.to_identifier(table))


def build_plan(
    packages: Sequence[Package],
    profiles: Sequence[Profile],
    positions: Sequence[Position],
    dialect: Dialect,
    *,
    as_of: dt.date | None,
    today: dt.date,
    assume_defaults: bool = False,
) -> Plan:
    """The query for every verdict of every incident in table ``incidents``; a parameter a
    state has not published is unknown unless ``assume_defaults`` (``stand_in``)."""
    algebra = SqlAlgebra(
        dialect,
        as_of or today,
        {p.id: stand_in(p.defaults, assume_defaults)[0] for p in packages},
        {p.id: p.parties for p in packages},
        with_profiles=bool(profiles),
    )
    # The incident rows, each with the profiles in force on its date.
    base = _from(_select(_star("i")), exp.to_table(INCIDENTS).as_("i"))
    epochs = None
    if profiles:
        breaks = epoch_breaks(profiles)
        epochs = epochs_table(profiles, breaks)
        date = lit(as_of) if as_of is not None else _col("start_date", "i")
        base = base.select(exp.alias_(_col("profiles", "e"), PROFILES), copy=False).join(
            exp.to_table(EPOCHS).as_("e"),
            on=exp.EQ(this=_col("epoch", "e"), expression=_epoch_of(date, breaks)),
            join_type="left",
            copy=False,
        )
    labels = {p.id: p for p in packages}
    ctes: list[tuple[str, exp.Query]] = [("base", base)]
    expansions: dict[str, str] = {}  # subject expression -> its rows, shared by every lens
    selects: list[exp.Select] = []
    for lens in lenses(packages, positions):
        groups: dict[str, list[RuleKey]] = {}
        for key in lens.report:
            groups.setdefault(lens.table[key].subject.text, []).append(key)
        for subject_text, keys in groups.items():
            source = expansions.get(subject_text)
            if source is None:
                source = expansions[subject_text] = f"subjects{len(expansions)}"
                ctes.append((source, _expand(algebra, lens.table[keys[0]])))
            name = f"rules{len(ctes)}"
            columns, rows = _rule_columns(algebra, lens, keys, source)
            ctes.append((name, rows))
            algebra.columns = columns
            for key in keys:
                package = labels[key[0]]
                basis = lens.basis or package.basis
                selects.append(
                    _verdicts(algebra, lens, key, columns[key], name, package.label, basis)
                )
    union: exp.Query = selects[0]
    for s in selects[1:]:
        union = exp.union(union, s, distinct=False, copy=False)
    for cte_name, cte in ctes:
        union = union.with_(cte_name, as_=cte, copy=False)
    return Plan(union, epochs, dialect)


def _expand(algebra: SqlAlgebra, rule: Rule) -> exp.Select:
    """The rows of one subject expression: one per subject state. A list gives one row per
    distinct member, or one row with a NULL subject when it is unknown or known to be empty
    (``_no_subjects`` tells the two apart: ``semantics.decision.expand``)."""
    algebra.rule = rule
    subject = _compiled(
        lambda: evaluate(algebra, rule.subject, Scope(_NO_SUBJECT, rule.package)), rule
    ).value
    rows = _from(_select(_star(ROW)), exp.to_table("base").as_(ROW))
    if rule.subject.type == STATE_LIST:
        size = exp.ArraySize(this=subject)
        empty = exp.EQ(this=size, expression=exp.Literal.number(0))
        none = exp.Cast(
            this=exp.Array(expressions=[exp.Null()]), to=exp.DataType.build("ARRAY<TEXT>")
        )
        members = case(
            (exp.Or(this=is_null(subject), expression=empty), none),
            default=exp.ArrayDistinct(this=subject),
        )
        known_empty = exp.And(this=exp.Not(this=is_null(subject)), expression=empty)
        return rows.select(
            exp.alias_(exp.Explode(this=members), SUBJECT),
            exp.alias_(exp.Paren(this=known_empty), EMPTY_SUBJECTS),
            copy=False,
        )
    return rows.select(
        exp.alias_(subject, SUBJECT), exp.alias_(exp.false(), EMPTY_SUBJECTS), copy=False
    )


_NO_SUBJECT = Term(exp.Null(), NONE_MISSING)  # subject expressions never read ``subject``


def _compiled(compile_: Callable[[], T], rule: Rule) -> T:
    """Compile one rule's SQL; a node type the semantics does not know is refused naming
    the rule and the construct."""
    try:
        return compile_()
    except UnknownConstruct as exc:
        raise UnsupportedConstruct(rule, str(exc)) from None


def _rule_columns(
    algebra: SqlAlgebra, lens: Lens, keys: Sequence[RuleKey], source: str
) -> tuple[dict[RuleKey, RuleColumns], exp.Query]:
    """The rows of one subject expression under one lens, with the criteria values and the
    outcome code of every rule reported (and every rule they name) as columns: a layer of
    SELECTs per rule, a rule after those it names, so ``breached`` reads a column instead of
    deciding the named rule again."""
    columns: dict[RuleKey, RuleColumns] = {}
    algebra.lens, algebra.columns, algebra.node_columns = lens.table, columns, {}
    rows: exp.Query = _from(_select(_star(ROW)), exp.to_table(source).as_(ROW))
    for n, key in enumerate(depends_first(lens.table, keys)):
        rule = lens.table[key]
        algebra.rule = rule
        scope = Scope(subject_term(rule.subject.text), rule.package)
        applies = _compiled(lambda: evaluate(algebra, rule.applies, scope), rule)  # noqa: B023
        violated = _compiled(lambda: evaluate(algebra, rule.violated, scope), rule)  # noqa: B023
        names = RuleColumns(f"_a{n}", f"_v{n}", f"_c{n}")
        values = _from(
            _select(
                _star(ROW),
                exp.alias_(applies.value, names.applies),
                # violated_when is read only where applies_when is not false (as the
                # decision reads it); CASE keeps the engine from computing it elsewhere.
                exp.alias_(
                    case((is_false(applies.value), exp.Null()), default=violated.value),
                    names.violated,
                ),
            ),
            exp.Subquery(this=rows, alias=exp.TableAlias(this=exp.to_identifier(ROW))),
        )
        algebra.node_columns[id(rule.applies)] = names.applies
        algebra.node_columns[id(rule.violated)] = names.violated
        outcome = _compiled(lambda: rule_outcome(algebra, rule, rule.subject.text), rule)  # noqa: B023
        rows = _from(
            _select(_star(ROW), exp.alias_(outcome.code, names.code)),
            exp.Subquery(this=values, alias=exp.TableAlias(this=exp.to_identifier(ROW))),
        )
        columns[key] = names
    return columns, rows


def _verdicts(
    algebra: SqlAlgebra,
    lens: Lens,
    key: RuleKey,
    names: RuleColumns,
    source: str,
    package_label: str,
    basis: str,
) -> exp.Select:
    """One rule's verdicts: the outcome code is a column; the missing facts are computed only
    for the undetermined rows (a CASE), sorted and without repeats as the engine's are."""
    rule = lens.table[key]
    missing = _compiled(lambda: rule_outcome(algebra, rule, rule.subject.text), rule).missing
    ordered = exp.ArraySort(this=exp.ArrayDistinct(this=missing))
    missing_col = case(
        (exp.EQ(this=names.code_ref(), expression=exp.Literal.number(UNDETERMINED)), ordered),
        default=NONE_MISSING,
    )
    return _select(
        exp.alias_(_col("id"), "incident"),
        exp.alias_(exp.Literal.string(package_label), "package"),
        exp.alias_(exp.Literal.string(rule.id), "rule"),
        exp.alias_(_col(SUBJECT), "subject"),
        exp.alias_(exp.Literal.string(basis), "basis"),
        exp.alias_(exp.Cast(this=names.code_ref(), to=exp.DataType.build("TINYINT")), "outcome"),
        exp.alias_(missing_col, "missing"),
    ).from_(exp.to_table(source).as_(ROW), copy=False)
