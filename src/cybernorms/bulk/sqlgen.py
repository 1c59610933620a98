"""Rules as SQL: the IR compiled to sqlglot expression trees, one query for every verdict.

Why sqlglot trees and not SQL text: nothing from a rulebook is ever pasted into a query
string (literals become ``exp.Literal`` nodes), and the same tree is generated for DuckDB and
for Spark SQL by sqlglot, with ``unsupported_level=RAISE`` so that a construct a dialect cannot
say is an error, never a silent rewrite.

How the three-valued semantics maps onto SQL (the algebra, one method each below):

* unknown is SQL NULL. SQL's ``AND``/``OR``/``NOT`` and comparisons are already Kleene
  (``FALSE AND NULL`` is FALSE, ``TRUE OR NULL`` is TRUE, ``x = NULL`` is NULL), so ``and``,
  ``or``, ``not`` and ``compare`` are the plain operators.
* Where SQL differs, the rule is made explicit: list membership and ``count`` over a list
  are guarded (``ARRAY_CONTAINS`` and ``SIZE`` do not give NULL for an unknown list on every
  engine), and the quantifiers never use an aggregate that skips NULL: each element's
  predicate is coded 0 (false) / 1 (unknown) / 2 (true), and ``any`` is the maximum code over
  the list, ``all`` the minimum (an empty list: false for any, true for all).
* Every term carries, beside its value, ``missing``: an array of fact paths, read only where
  the value is NULL (the unknown facts that could change it), built exactly as
  ``engine.interpret`` does (union of the unknown operands' missing facts; list elements named
  by position, ``targets[1].country``; profile parameters as ``profile(UKR).critical_sectors``).
* ``breached(rule)`` is inlined: the named rule's decision for the same subject, as a term.
* The rule decision (applies / violated / parties / unknown subject -> outcome code) is
  ``decide``; subject expansion (one row per subject state) and the known-empty subject list
  are in ``query``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from sqlglot import exp

from cybernorms.bulk.errors import UnsupportedConstruct
from cybernorms.model.profile import ProfileParameters
from cybernorms.model.verdict import Outcome
from cybernorms.rules import ir
from cybernorms.rules.package import Rule
from cybernorms.rules.types import BOOL, DATE, INT, PROFILE, ListType, RecordType, Type
from cybernorms.semantics.algebra import Algebra, SubjectList
from cybernorms.semantics.decision import BREACH, NO_SUBJECT, decide, expand

RuleKey = tuple[str, str]

# Outcome codes, as in ``model.verdict.Outcome``.
NOT_APPLICABLE, NO_VIOLATION, UNDETERMINED, VIOLATION = 0, 1, 2, 3

ROW = "s"  # alias of the incident row in every rule's SELECT
SUBJECT = "_subject"
EMPTY_SUBJECTS = "_no_subjects"  # TRUE where the subject list is known to be empty
PROFILES = "_profiles"  # the profiles in force for the row's date: state -> parameters

# A fact path as pieces: literal text and SQL expressions (a list index, a state).
Path = tuple[str | exp.Expr, ...]


@dataclass(frozen=True)
class Dialect:
    """What differs between the engines that sqlglot does not translate for us."""

    name: str  # sqlglot's dialect name
    index_base: int  # the index a lambda gives the first element of a list


DUCKDB = Dialect("duckdb", 1)
SPARK = Dialect("spark", 0)


@dataclass(frozen=True)
class Term:
    """A compiled expression: its value (NULL = unknown), the facts behind an unknown value,
    and its fact path where it is a fact (for naming list elements and fields)."""

    value: exp.Expr
    missing: exp.Expr
    path: Path | None = None
    values: frozenset[ir.Scalar] | None = None  # a set literal's members (for ``IN``)


@dataclass(frozen=True)
class SqlOutcome:
    """A staged rule decision: the outcome code and the missing facts, as SQL, per row."""

    code: exp.Expr
    missing: exp.Expr


@dataclass(frozen=True)
class RuleColumns:
    """Where one rule's applies_when / violated_when values and outcome code are columns of
    the row (``plan`` computes them once per row, before the rules that name the rule)."""

    applies: str
    violated: str
    code: str

    @staticmethod
    def ref(name: str) -> exp.Expr:
        return exp.Column(this=exp.to_identifier(name), table=exp.to_identifier(ROW))

    def code_ref(self) -> exp.Expr:
        return self.ref(self.code)


# -- small SQL builders ---------------------------------------------------------------------


def text_type() -> exp.DataType:
    return exp.DataType.build("TEXT")


def text_array_type() -> exp.DataType:
    return exp.DataType.build("ARRAY<TEXT>")


def lit(value: ir.Scalar | None) -> exp.Expr:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, dt.date):
        return exp.Cast(this=exp.Literal.string(value.isoformat()), to=exp.DataType.build("DATE"))
    return exp.Literal.string(value)


def texts(values: Sequence[str]) -> exp.Expr:
    """A typed array of strings (typed so that an empty one concatenates everywhere)."""
    return exp.Cast(
        this=exp.Array(expressions=[exp.Literal.string(v) for v in values]),
        to=text_array_type(),
    )


NONE_MISSING = texts(())


def is_null(e: exp.Expr) -> exp.Expr:
    return exp.Is(this=e, expression=exp.Null())


def is_false(e: exp.Expr) -> exp.Expr:
    """``e IS FALSE`` (NULL is not false), said portably."""
    return exp.Not(this=exp.Coalesce(this=e, expressions=[exp.Boolean(this=True)]))


def is_true(e: exp.Expr) -> exp.Expr:
    return exp.Coalesce(this=e, expressions=[exp.Boolean(this=False)])


def case(*whens: tuple[exp.Expr, exp.Expr], default: exp.Expr) -> exp.Case:
    """``CASE WHEN ... END``. Trees here share sub-trees instead of copying them (a copy per
    use made compiling quadratic); they are only ever generated, never transformed in place."""
    ifs = [exp.If(this=cond, true=value) for cond, value in whens]
    return exp.Case(ifs=ifs, default=default)


def switch(subject: exp.Expr, *whens: tuple[int, exp.Expr], default: exp.Expr) -> exp.Case:
    """``CASE subject WHEN k THEN ... END``: the subject is written (and computed) once."""
    ifs = [exp.If(this=exp.Literal.number(k), true=v) for k, v in whens]
    return exp.Case(this=subject, ifs=ifs, default=default)


def paren(e: exp.Expr) -> exp.Expr:
    return exp.Paren(this=e)


def concat_arrays(parts: Sequence[exp.Expr]) -> exp.Expr:
    if not parts:
        return NONE_MISSING
    if len(parts) == 1:
        return parts[0]
    return exp.ArrayConcat(this=parts[0], expressions=[p for p in parts[1:]])


def missing_if_unknown(term: Term) -> exp.Expr:
    """The term's missing facts where it is unknown, else none."""
    return case((is_null(term.value), term.missing), default=NONE_MISSING)


def _choose(guard: exp.Expr, yes: exp.Expr, no: exp.Expr) -> exp.Expr:
    """``CASE WHEN guard THEN yes ELSE no END``, or just one side when both are the same:
    most branches of a decision have no missing facts, and the query stays small."""
    if yes is no or (_is_empty(yes) and _is_empty(no)):
        return yes
    return case((guard, yes), default=no)


def _is_empty(e: exp.Expr) -> bool:
    return e is NONE_MISSING or (
        isinstance(e, exp.Cast) and isinstance(e.this, exp.Array) and not e.this.expressions
    )


def path_sql(path: Path) -> exp.Expr:
    """A fact path as a SQL string; literal text stays one literal."""
    if all(isinstance(p, str) for p in path):
        return exp.Literal.string("".join(cast(tuple[str, ...], path)))
    pieces: list[exp.Expr] = []
    for p in path:
        if isinstance(p, str):
            pieces.append(exp.Literal.string(p))
        else:
            pieces.append(exp.Cast(this=p, to=text_type()))
    return exp.Concat(expressions=pieces)


def one_missing(path: Path) -> exp.Expr:
    return exp.Array(expressions=[path_sql(path)])


def sql_type(tp: Type) -> exp.DataType:
    """The SQL type of a profile parameter (for typed NULLs and defaults)."""
    if isinstance(tp, ListType):
        return text_array_type()
    if tp == BOOL:
        return exp.DataType.build("BOOLEAN")
    if tp == INT:
        return exp.DataType.build("BIGINT")
    if tp == DATE:
        return exp.DataType.build("DATE")
    return text_type()


def profile_value(value: object, tp: Type) -> exp.Expr:
    """A package default as a SQL literal of the parameter's type."""
    if value is None:
        return exp.Cast(this=exp.Null(), to=sql_type(tp))
    if isinstance(value, list):
        return texts([str(v) for v in value])
    return lit(cast(ir.Scalar, value))


# -- the algebra ----------------------------------------------------------------------------


class SqlAlgebra(Algebra[Term, exp.Expr, SqlOutcome]):
    """``semantics.algebra.Algebra`` on SQL: values are ``Term``s (a nullable SQL value and
    its missing facts), guards SQL booleans that are never NULL, outcomes ``SqlOutcome``s.

    The node dispatch (``semantics.nodes.evaluate``) and the rule decision
    (``semantics.decision.decide``) are the semantics' own; this class only says how each
    operation is written in SQL. ``lens``, ``columns`` and ``node_columns`` describe the rows
    being compiled (set by ``plan`` for each group of rules): the rules under the lens, and
    which rules' criteria values and outcome codes are already columns of the row.
    """

    def __init__(
        self,
        dialect: Dialect,
        as_of: dt.date,
        defaults: Mapping[str, ProfileParameters],
        parties: Mapping[str, frozenset[str]],
        with_profiles: bool,
    ) -> None:
        self.dialect = dialect
        self.today = as_of
        self.defaults = defaults
        self.parties = parties
        self.with_profiles = with_profiles
        self._fresh = 0
        self.rule: Rule | None = None  # the rule being compiled, for error messages
        self.lens: Mapping[RuleKey, Rule] = {}
        self.columns: dict[RuleKey, RuleColumns] = {}
        self.node_columns: dict[int, str] = {}  # id(criterion node) -> its value's column
        self._inlining: tuple[RuleKey, ...] = ()

    def fresh(self, prefix: str) -> str:
        self._fresh += 1
        return f"_{prefix}{self._fresh}"

    def refuse(self, construct: str) -> UnsupportedConstruct:
        assert self.rule is not None  # noqa: S101 - invariant that narrows a type, never input checking
        return UnsupportedConstruct(self.rule, construct)

    def _read(self, node: ir.Node, term: Term) -> Term:
        """A criterion whose value is already a column of the row reads the column (its
        missing facts are still built from the expression, for the rows that need them)."""
        column = self.node_columns.get(id(node))
        if column is None:
            return term
        return Term(RuleColumns.ref(column), term.missing, term.path, term.values)

    # guards ---------------------------------------------------------------------------------
    def is_true(self, value: Term) -> exp.Expr:
        return is_true(value.value)

    def is_false(self, value: Term) -> exp.Expr:
        return is_false(value.value)

    def is_unknown(self, value: Term) -> exp.Expr:
        return is_null(value.value)

    def g_not(self, guard: exp.Expr) -> exp.Expr:
        return exp.Not(this=paren(guard))

    def g_all(self, guards: Sequence[exp.Expr]) -> exp.Expr:
        if not guards:
            return exp.true()
        out = paren(guards[0])
        for g in guards[1:]:
            out = exp.And(this=out, expression=paren(g))
        return paren(out)

    def g_any(self, guards: Sequence[exp.Expr]) -> exp.Expr:
        if not guards:
            return exp.false()
        out = paren(guards[0])
        for g in guards[1:]:
            out = exp.Or(this=out, expression=paren(g))
        return paren(out)

    def date_on_or_after(self, value: Term, day: dt.date) -> exp.Expr:
        return is_true(exp.GTE(this=value.value, expression=lit(day)))

    def date_before(self, value: Term, day: dt.date) -> exp.Expr:
        return is_true(exp.LT(this=value.value, expression=lit(day)))

    # leaves ---------------------------------------------------------------------------------
    def literal(self, node: ir.Const | ir.SetLit) -> Term:
        if isinstance(node, ir.SetLit):
            ordered = sorted(node.values, key=lambda v: (type(v).__name__, str(v)))
            array = exp.Array(expressions=[lit(v) for v in ordered])
            return Term(array, NONE_MISSING, values=node.values)
        return self._read(node, Term(lit(node.value), NONE_MISSING))

    def fact(self, node: ir.FactRef) -> Term:
        head, *rest = node.path
        value: exp.Expr = exp.Column(this=exp.to_identifier(head), table=exp.to_identifier(ROW))
        for name in rest:
            value = exp.Dot(this=value, expression=exp.to_identifier(name))
        dotted: Path = (".".join(node.path),)
        return self._read(node, Term(value, one_missing(dotted), dotted))

    def variable(self, node: ir.VarRef, bound: Term) -> Term:
        path = bound.path or (node.name,)
        return self._read(node, Term(bound.value, one_missing(path), path))

    def field(self, node: ir.FieldOf, base: Term) -> Term:
        value = exp.Dot(this=base.value, expression=exp.to_identifier(node.name))
        path: Path = (*(base.path or ()), f".{node.name}")
        missing = case((is_null(base.value), base.missing), default=one_missing(path))
        return self._read(node, Term(value, missing, path))

    def subject(self, node: ir.SubjectRef, subject: Term) -> Term:
        return self._read(node, subject)

    def as_of(self, node: ir.AsOf) -> Term:
        return self._read(node, Term(lit(self.today), NONE_MISSING))

    # Kleene logic: SQL's AND / OR / NOT are Kleene already -----------------------------------
    def _junction(self, node: ir.BoolOp, items: Sequence[Callable[[], Term]]) -> Term:
        """Unknown only where no item decides; then every item's missing facts where it is
        unknown (items after a deciding one cannot matter: the value is decided)."""
        terms = [item() for item in items]
        builder = exp.And if node.op == "and" else exp.Or
        value = paren(terms[0].value)
        for t in terms[1:]:
            value = builder(this=value, expression=paren(t.value))
        missing = concat_arrays([missing_if_unknown(t) for t in terms])
        return self._read(node, Term(paren(value), missing))

    def conj(self, node: ir.BoolOp, items: Sequence[Callable[[], Term]]) -> Term:
        return self._junction(node, items)

    def disj(self, node: ir.BoolOp, items: Sequence[Callable[[], Term]]) -> Term:
        return self._junction(node, items)

    def negate(self, node: ir.Not, item: Term) -> Term:
        # Bracketed: unbracketed, ``NOT (x) IS NULL`` (the missing-facts test of an
        # enclosing junction) reads as ``NOT ((x) IS NULL)`` and drops the operand's facts.
        value = paren(exp.Not(this=paren(item.value)))
        return self._read(node, Term(value, item.missing))

    def _strict(self, node: ir.Node, value: exp.Expr, operands: Sequence[Term]) -> Term:
        """Unknown when an operand is unknown (SQL operators are NULL-strict), missing theirs."""
        missing = concat_arrays([missing_if_unknown(o) for o in operands])
        return self._read(node, Term(value, missing))

    def _guarded(self, node: ir.Node, value: exp.Expr, operands: Sequence[Term]) -> Term:
        """Made NULL-strict explicitly, for SQL functions that are not on every engine."""
        unknown = self.g_any([is_null(o.value) for o in operands])
        return self._strict(node, case((unknown, exp.Null()), default=value), operands)

    def compare(self, node: ir.Compare, left: Term, right: Term) -> Term:
        if isinstance(node.left.type, ListType | RecordType) or isinstance(
            node.right.type, ListType | RecordType
        ):
            raise self.refuse(f"comparison of lists or records ({node.text})")
        ops: dict[str, type[exp.Binary]] = {
            "==": exp.EQ,
            "!=": exp.NEQ,
            "<": exp.LT,
            "<=": exp.LTE,
            ">": exp.GT,
            ">=": exp.GTE,
        }
        value = ops[node.op](this=left.value, expression=right.value)
        return self._strict(node, paren(value), (left, right))

    def member(self, node: ir.Member, item: Term, container: Term) -> Term:
        """A set literal: SQL ``IN`` (NULL-strict; ``x in {}`` is false once x is known, as
        SQL has no empty IN list). A list: ``ARRAY_CONTAINS``, guarded explicitly
        (unguarded, the differential tests found DuckDB deciding ``subject not in
        territory_used`` with both unknown)."""
        negate = node.negate
        if container.values is not None:
            if not container.values:
                return self._guarded(node, exp.Boolean(this=negate), (item,))
            ordered = sorted(container.values, key=lambda v: (type(v).__name__, str(v)))
            value: exp.Expr = exp.In(this=item.value, expressions=[lit(v) for v in ordered])
            if negate:
                value = exp.Not(this=paren(value))
            return self._strict(node, paren(value), (item,))
        value = exp.ArrayContains(this=container.value, expression=item.value)
        if negate:
            value = exp.Not(this=paren(value))
        return self._guarded(node, value, (item, container))

    # lists ----------------------------------------------------------------------------------
    def quantify(self, node: ir.Quantifier, source: Term, pred: Callable[[Term], Term]) -> Term:
        """Each element's predicate is coded 0 false / 1 unknown / 2 true; ``any`` is the
        largest code over the list, ``all`` the smallest (no aggregate that skips NULL is
        involved), ``count`` is unknown when some element's predicate is. An empty list: any
        false, all true, count 0."""
        element, index = self.fresh("e"), self.fresh("i")
        position: exp.Expr = exp.to_identifier(index)
        if self.dialect.index_base:
            position = exp.Sub(
                this=position, expression=exp.Literal.number(self.dialect.index_base)
            )
        base: Path = source.path or (node.source.text,)
        p = pred(Term(exp.to_identifier(element), NONE_MISSING, (*base, "[", position, "]")))

        def over(body: exp.Expr) -> exp.Lambda:
            return exp.Lambda(
                this=body, expressions=[exp.to_identifier(element), exp.to_identifier(index)]
            )

        code = exp.Coalesce(
            this=exp.Mul(
                this=exp.Cast(this=paren(p.value), to=exp.DataType.build("INT")),
                expression=exp.Literal.number(2),
            ),
            expressions=[exp.Literal.number(1)],
        )
        codes = exp.Transform(this=source.value, expression=over(code))
        decided: exp.Expr
        if node.kind == "any":
            decided = switch(
                exp.ArrayMax(this=codes),
                (2, exp.true()),
                (1, exp.Null()),
                default=exp.false(),
            )
        elif node.kind == "all":
            decided = switch(
                exp.ArrayMin(this=codes),
                (0, exp.false()),
                (1, exp.Null()),
                default=exp.true(),
            )
        elif node.kind == "count":
            unknown = exp.ArrayFilter(this=source.value, expression=over(is_null(p.value)))
            true = exp.ArrayFilter(this=source.value, expression=over(is_true(p.value)))
            decided = case(
                (
                    exp.GT(this=exp.ArraySize(this=unknown), expression=exp.Literal.number(0)),
                    exp.Null(),
                ),
                default=exp.ArraySize(this=true),
            )
        else:  # pragma: no cover - the parser admits only these three
            raise self.refuse(f"quantifier {node.kind}")
        value = case((is_null(source.value), exp.Null()), default=decided)
        per_element = exp.Flatten(
            this=exp.Transform(this=source.value, expression=over(missing_if_unknown(p)))
        )
        missing = case((is_null(source.value), source.missing), default=per_element)
        return self._read(node, Term(value, missing))

    def length(self, node: ir.Length, source: Term) -> Term:
        return self._guarded(node, exp.ArraySize(this=source.value), (source,))

    # profiles and dates -----------------------------------------------------------------------
    def profile(self, node: ir.ProfileParam, state: Term, package: str) -> Term:
        """The parameter of the state's profile in force on the row's date (the row's
        ``_profiles`` map; ``plan`` chose each epoch's versions with
        ``semantics.profiles.in_force``), else ``package``'s defaults; unknown when the state
        is, or the profile does not publish the parameter."""
        tp = PROFILE.fields()[node.param]
        default = profile_value(getattr(self.defaults[package], node.param), tp)
        found: exp.Expr = default
        if self.with_profiles:
            entry = exp.Bracket(
                this=exp.Column(this=exp.to_identifier(PROFILES), table=exp.to_identifier(ROW)),
                expressions=[state.value],
            )
            found = case(
                (is_null(entry), default),
                default=exp.Dot(this=entry, expression=exp.to_identifier(node.param)),
            )
        value = case((is_null(state.value), exp.Null()), default=found)
        path: Path = ("profile(", state.value, f").{node.param}")
        missing = case((is_null(state.value), state.missing), default=one_missing(path))
        return self._read(node, Term(value, missing, path))

    def days_between(self, node: ir.DaysBetween, start: Term, end: Term) -> Term:
        value = exp.DateDiff(this=end.value, expression=start.value, unit=exp.var("DAY"))
        return self._strict(node, value, (start, end))

    # rules ------------------------------------------------------------------------------------
    def breached(self, node: ir.Breached, subject: Term) -> Term:
        """The named rule decided for the same subject (``semantics.decision.decide``), read
        by ``semantics.decision.BREACH``. Its outcome code is a column of the row (computed
        once, before the rules that name it); its missing facts come from the decision."""
        key = (node.package, node.rule)
        rule = self.lens.get(key)
        columns = self.columns.get(key)
        if rule is None or columns is None:
            raise self.refuse(f"breached({node.rule!r}) of a rule not loaded")
        if key in self._inlining:  # pragma: no cover - the loader refuses cycles
            raise self.refuse(f"cyclic breached({node.rule!r})")
        outer, saved = self.rule, self._inlining
        self.rule, self._inlining = rule, (*saved, key)
        try:
            decision = decide(self, rule, subject, self.parties.get(rule.package, frozenset()))
        finally:
            self.rule, self._inlining = outer, saved
        whens = [
            (int(outcome), exp.Null() if value is None else exp.Boolean(this=value))
            for outcome, value in BREACH.items()
        ]
        value = exp.Case(
            this=columns.code_ref(),
            ifs=[exp.If(this=exp.Literal.number(k), true=v) for k, v in whens],
        )
        return self._read(node, Term(value, decision.missing))

    # outcomes ---------------------------------------------------------------------------------
    def when(
        self, guard: exp.Expr, then: Callable[[], SqlOutcome], otherwise: Callable[[], SqlOutcome]
    ) -> SqlOutcome:
        yes, no = then(), otherwise()
        return SqlOutcome(
            _choose(guard, yes.code, no.code), _choose(guard, yes.missing, no.missing)
        )

    def verdict(
        self,
        rule: Rule,
        outcome: Outcome,
        applies: Term,
        violated: Term | None,
        missing: Sequence[tuple[exp.Expr, Term]],
    ) -> SqlOutcome:
        parts = [
            case((guard, value.missing), default=NONE_MISSING)
            for guard, value in missing
            if not _is_empty(value.missing)
        ]
        return SqlOutcome(exp.Literal.number(int(outcome)), concat_arrays(parts))

    def not_party(self, rule: Rule, subject: Term, applies: Term) -> SqlOutcome:
        return SqlOutcome(exp.Literal.number(int(Outcome.NOT_APPLICABLE)), NONE_MISSING)

    def no_subject(self, rule: Rule, subjects: Term) -> SqlOutcome:
        return SqlOutcome(exp.Literal.number(int(NO_SUBJECT)), NONE_MISSING)


class RowSubjects(SubjectList[exp.Expr, Term]):
    """A rule's subjects as rows: ``plan`` gives each subject state its own row (column
    ``_subject``); where the list is unknown or known to be empty, one row with a NULL subject
    and ``_no_subjects`` telling the two apart. So on any one row, exactly one slot of
    ``semantics.decision.expand`` holds."""

    def __init__(self, is_list: bool, subject: Term) -> None:
        self.is_list = is_list
        self.subject = subject

    def _empty_flag(self) -> exp.Expr:
        return is_true(RuleColumns.ref(EMPTY_SUBJECTS))

    def unknown(self) -> exp.Expr:
        if not self.is_list:
            return exp.false()
        return exp.And(
            this=is_null(self.subject.value), expression=exp.Not(this=self._empty_flag())
        )

    def empty(self) -> exp.Expr:
        return self._empty_flag() if self.is_list else exp.false()

    def members(self) -> Iterable[tuple[exp.Expr, Term]]:
        if not self.is_list:
            return [(exp.true(), self.subject)]
        return [(exp.Not(this=is_null(self.subject.value)), self.subject)]


def subject_term(subject_path: str) -> Term:
    """The row's subject, missing its fact (``attribution.state``) where it is unknown."""
    return Term(RuleColumns.ref(SUBJECT), texts([subject_path]), ("subject",))


def rule_outcome(alg: SqlAlgebra, rule: Rule, subject_path: str) -> SqlOutcome:
    """One rule's outcome on a row: the slots of ``semantics.decision.expand`` (the subject
    on the row, an unknown list, a known-empty list), each decided by
    ``semantics.decision.decide``. Slots about the same subject value (on a row, the member
    and the unknown list both read the row's subject column) are decided once."""
    subject = subject_term(subject_path)
    slots = expand(RowSubjects(rule.subject_is_list, subject), subject)
    parties = alg.parties.get(rule.package, frozenset())
    alg.rule = rule
    branches: list[tuple[list[exp.Expr], SqlOutcome]] = []
    decided: dict[int, int] = {}  # id(subject term) -> its branch
    for slot in slots:
        if not slot.judged:
            branches.append(([slot.guard], alg.no_subject(rule, slot.subject)))
        elif id(slot.subject) in decided:
            branches[decided[id(slot.subject)]][0].append(slot.guard)
        else:
            decided[id(slot.subject)] = len(branches)
            branches.append(([slot.guard], decide(alg, rule, slot.subject, parties)))

    def outcome_of(index: int) -> SqlOutcome:
        guards, result = branches[index]
        if index == len(branches) - 1:
            return result
        return alg.when(alg.g_any(guards), lambda: result, lambda: outcome_of(index + 1))

    return outcome_of(0)
