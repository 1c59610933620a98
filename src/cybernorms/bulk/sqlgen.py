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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, assert_never, cast

from sqlglot import exp

from cybernorms.bulk.errors import UnsupportedConstruct
from cybernorms.model.profile import ProfileParameters
from cybernorms.rules import ir
from cybernorms.rules.package import Rule
from cybernorms.rules.types import BOOL, DATE, INT, PROFILE, ListType, RecordType, Type

RuleKey = tuple[str, str]

# Every IR node type: the dispatch in ``SqlAlgebra.term`` is exhaustive over this union,
# checked by mypy through ``assert_never``.
AnyNode = (
    ir.Const
    | ir.SetLit
    | ir.FactRef
    | ir.VarRef
    | ir.FieldOf
    | ir.SubjectRef
    | ir.AsOf
    | ir.BoolOp
    | ir.Not
    | ir.Compare
    | ir.Member
    | ir.Quantifier
    | ir.Length
    | ir.ProfileParam
    | ir.Breached
    | ir.DaysBetween
)
NODE_TYPES: tuple[type[ir.Node], ...] = cast(Any, AnyNode).__args__

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


@dataclass(frozen=True)
class Scope:
    """What one rule evaluation sees: the rule (whose package's defaults apply), the subject,
    the fact path that names the subject, the bound list elements, the rules under the lens."""

    rule: Rule
    subject_path: str
    lens: Mapping[RuleKey, Rule]
    variables: Mapping[str, tuple[exp.Expr, Path]] = field(default_factory=dict)
    inlining: tuple[RuleKey, ...] = ()


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


def switch(
    subject: exp.Expr, *whens: tuple[int, exp.Expr], default: exp.Expr
) -> exp.Case:
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


class SqlAlgebra:
    """The three-valued algebra in SQL: one method per operation, one case per IR node."""

    def __init__(
        self,
        dialect: Dialect,
        as_of: dt.date,
        defaults: Mapping[str, ProfileParameters],
        parties: Mapping[str, frozenset[str]],
        with_profiles: bool,
    ) -> None:
        self.dialect = dialect
        self.as_of = as_of
        self.defaults = defaults
        self.parties = parties
        self.with_profiles = with_profiles
        self._fresh = 0
        # The rules whose values and code are columns of the rows being compiled.
        self.columns: Mapping[RuleKey, RuleColumns] = {}

    def fresh(self, prefix: str) -> str:
        self._fresh += 1
        return f"_{prefix}{self._fresh}"

    # facts and names ------------------------------------------------------------------------
    def const(self, value: ir.Scalar | frozenset[ir.Scalar]) -> Term:
        if isinstance(value, frozenset):
            raise AssertionError("set literals are compiled inside membership")  # pragma: no cover
        return Term(lit(value), NONE_MISSING)

    def fact(self, path: tuple[str, ...]) -> Term:
        head, *rest = path
        value: exp.Expr = exp.Column(
            this=exp.to_identifier(head), table=exp.to_identifier(ROW)
        )
        for name in rest:
            value = exp.Dot(this=value, expression=exp.to_identifier(name))
        dotted: Path = (".".join(path),)
        return Term(value, one_missing(dotted), dotted)

    def field(self, base: Term, name: str) -> Term:
        value = exp.Dot(this=base.value, expression=exp.to_identifier(name))
        path: Path = (*(base.path or ()), f".{name}")
        missing = case((is_null(base.value), base.missing), default=one_missing(path))
        return Term(value, missing, path)

    def subject(self, scope: Scope) -> Term:
        value = exp.Column(this=exp.to_identifier(SUBJECT), table=exp.to_identifier(ROW))
        return Term(value, texts([scope.subject_path]), ("subject",))

    def today(self) -> Term:
        return Term(lit(self.as_of), NONE_MISSING)

    # connectives ---------------------------------------------------------------------------
    def and_or(self, op: str, items: Sequence[Term]) -> Term:
        """SQL's AND/OR are Kleene; unknown only where no item decides, so the missing facts
        are those of every unknown item (order-independent, as in the interpreter)."""
        builder = exp.And if op == "and" else exp.Or
        value = paren(items[0].value)
        for item in items[1:]:
            value = builder(this=value, expression=paren(item.value))
        return Term(paren(value), concat_arrays([missing_if_unknown(i) for i in items]))

    def not_(self, item: Term) -> Term:
        return Term(exp.Not(this=paren(item.value)), item.missing)

    def unknown_if_any(self, value: exp.Expr, operands: Sequence[Term]) -> Term:
        """A strict operation: unknown when an operand is unknown, missing theirs."""
        return Term(value, concat_arrays([missing_if_unknown(o) for o in operands]))

    def guarded(self, value: exp.Expr, operands: Sequence[Term]) -> Term:
        """A strict operation whose SQL function is not NULL-strict on every engine."""
        unknown = [is_null(o.value) for o in operands]
        cond = unknown[0]
        for u in unknown[1:]:
            cond = exp.Or(this=cond, expression=u)
        return self.unknown_if_any(case((cond, exp.Null()), default=value), operands)

    def compare(self, op: ir.CompareOp, left: Term, right: Term) -> Term:
        ops: dict[str, type[exp.Binary]] = {
            "==": exp.EQ,
            "!=": exp.NEQ,
            "<": exp.LT,
            "<=": exp.LTE,
            ">": exp.GT,
            ">=": exp.GTE,
        }
        value = ops[op](this=left.value, expression=right.value)
        return self.unknown_if_any(paren(value), (left, right))

    def member_of_set(self, item: Term, values: frozenset[ir.Scalar], negate: bool) -> Term:
        if not values:  # ``x in {}``: false once x is known (SQL has no empty IN list)
            decided = exp.Boolean(this=negate)
            return self.guarded(decided, (item,))
        ordered = sorted(values, key=lambda v: (type(v).__name__, str(v)))
        value: exp.Expr = exp.In(this=item.value, expressions=[lit(v) for v in ordered])
        if negate:
            value = exp.Not(this=paren(value))
        return self.unknown_if_any(paren(value), (item,))

    def member_of_list(self, item: Term, container: Term, negate: bool) -> Term:
        """Guarded explicitly: unguarded, the differential tests found DuckDB deciding
        ``subject not in territory_used`` with both unknown."""
        value: exp.Expr = exp.ArrayContains(this=container.value, expression=item.value)
        if negate:
            value = exp.Not(this=paren(value))
        return self.guarded(value, (item, container))

    def days_between(self, start: Term, end: Term) -> Term:
        value = exp.DateDiff(this=end.value, expression=start.value, unit=exp.var("DAY"))
        return self.unknown_if_any(value, (start, end))

    def length(self, source: Term) -> Term:
        return self.guarded(exp.ArraySize(this=source.value), (source,))

    # quantifiers ---------------------------------------------------------------------------
    def quantify(
        self,
        kind: str,
        source: Term,
        source_text: str,
        scope: Scope,
        var: str,
        pred: Callable[[Scope], Term],
    ) -> Term:
        """``any/all/count(pred for var in source)``, Kleene as in the interpreter.

        Each element's predicate is coded 0 false / 1 unknown / 2 true; ``any`` is the
        maximum, ``all`` the minimum (no aggregate skips an unknown element), ``count`` is
        unknown when some element's predicate is."""
        element, index = self.fresh("e"), self.fresh("i")
        position: exp.Expr = exp.to_identifier(index)
        if self.dialect.index_base:
            position = exp.Sub(
                this=position, expression=exp.Literal.number(self.dialect.index_base)
            )
        base: Path = source.path or (source_text,)
        element_path: Path = (*base, "[", position, "]")
        inner = replace(
            scope,
            variables={**scope.variables, var: (exp.to_identifier(element), element_path)},
        )
        p = pred(inner)

        def over(body: exp.Expr) -> exp.Lambda:
            return exp.Lambda(
                this=body,
                expressions=[exp.to_identifier(element), exp.to_identifier(index)],
            )

        code = exp.Coalesce(
            this=exp.Mul(
                this=exp.Cast(this=paren(p.value), to=exp.DataType.build("INT")),
                expression=exp.Literal.number(2),
            ),
            expressions=[exp.Literal.number(1)],
        )
        codes = exp.Transform(this=source.value, expression=over(code))
        if kind == "any":
            decided = switch(
                exp.ArrayMax(this=codes),
                (2, exp.Boolean(this=True)),
                (1, exp.Null()),
                default=exp.Boolean(this=False),
            )
        elif kind == "all":
            decided = switch(
                exp.ArrayMin(this=codes),
                (0, exp.Boolean(this=False)),
                (1, exp.Null()),
                default=exp.Boolean(this=True),
            )
        elif kind == "count":
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
            raise UnsupportedConstruct(scope.rule, f"quantifier {kind}")
        value = case((is_null(source.value), exp.Null()), default=decided)
        per_element = exp.Flatten(
            this=exp.Transform(this=source.value, expression=over(missing_if_unknown(p)))
        )
        missing = case((is_null(source.value), source.missing), default=per_element)
        return Term(value, missing)

    # profiles and rules --------------------------------------------------------------------
    def profile(self, state: Term, param: str, scope: Scope) -> Term:
        """The parameter of the state's profile in force on the row's date (the row's
        ``_profiles`` map, chosen by ``engine.profiles.ProfileBook``), else the defaults of
        the package of the rule being evaluated; unknown when the state is."""
        tp = PROFILE.fields()[param]
        default = profile_value(getattr(self.defaults[scope.rule.package], param), tp)
        if self.with_profiles:
            entry = exp.Bracket(
                this=exp.Column(this=exp.to_identifier(PROFILES), table=exp.to_identifier(ROW)),
                expressions=[state.value],
            )
            found: exp.Expr = case(
                (is_null(entry), default),
                default=exp.Dot(this=entry, expression=exp.to_identifier(param)),
            )
        else:
            found = default
        value = case((is_null(state.value), exp.Null()), default=found)
        path: Path = ("profile(", state.value, f").{param}")
        missing = case((is_null(state.value), state.missing), default=one_missing(path))
        return Term(value, missing, path)

    def breached(self, key: RuleKey, scope: Scope) -> Term:
        """The named rule's decision for the same subject: violation is true, undetermined
        unknown (with its missing facts), anything else false. Its outcome code is a column
        of the row (computed once, before the rules that name it: ``plan``)."""
        if key in scope.inlining:  # pragma: no cover - the loader refuses cycles
            raise UnsupportedConstruct(scope.rule, f"cyclic breached({key[1]!r})")
        rule = scope.lens.get(key)
        columns = self.columns.get(key)
        if rule is None or columns is None:
            raise UnsupportedConstruct(scope.rule, f"breached({key[1]!r}) of a rule not loaded")
        inner = Scope(rule, scope.subject_path, scope.lens, {}, (*scope.inlining, key))
        _, missing = self.decide(inner, *self.rule_terms(inner, columns))
        value = switch(
            columns.code_ref(),
            (VIOLATION, exp.Boolean(this=True)),
            (UNDETERMINED, exp.Null()),
            default=exp.Boolean(this=False),
        )
        return Term(value, missing)

    def rule_terms(self, scope: Scope, columns: RuleColumns | None = None) -> tuple[Term, Term]:
        """applies_when and violated_when of the scope's rule; where their values are
        already columns of the row, the terms read the columns (only ``missing`` is built)."""
        applies = self.term(scope.rule.applies, scope)
        violated = self.term(scope.rule.violated, scope)
        if columns is None:
            return applies, violated
        return (
            Term(columns.ref(columns.applies), applies.missing),
            Term(columns.ref(columns.violated), violated.missing),
        )

    def decide(
        self, scope: Scope, applies: Term, violated: Term
    ) -> tuple[exp.Expr, exp.Expr]:
        """The rule decision: (outcome code, missing facts where undetermined).

        not_applicable when the subject is not a party (``binds: parties``) or applies_when
        is false; no_violation when violated_when is false; undetermined when either is
        unknown, or the subject is; else violation. Under ``binds: parties`` an unknown
        subject makes a true applies_when unknown (missing: the subject's fact)."""
        rule = scope.rule
        subject = self.subject(scope)
        subject_null = is_null(subject.value)
        applies_null: exp.Expr = is_null(applies.value)
        whens: list[tuple[exp.Expr, exp.Expr]] = []
        if rule.binds == "parties":
            members = sorted(self.parties.get(rule.package, frozenset()))
            not_party: exp.Expr = exp.Not(this=subject_null)
            if members:
                outside = exp.Not(
                    this=paren(exp.In(this=subject.value, expressions=[lit(m) for m in members]))
                )
                not_party = exp.And(this=not_party, expression=outside)
            whens.append((not_party, exp.Literal.number(NOT_APPLICABLE)))
            unbound = exp.And(this=subject_null, expression=is_true(applies.value))
            applies_null = exp.Or(this=applies_null, expression=paren(unbound))
            applies_missing: exp.Expr = case(
                (is_null(applies.value), applies.missing),
                (paren(unbound), texts([scope.subject_path])),
                default=NONE_MISSING,
            )
        else:
            applies_missing = missing_if_unknown(applies)
        undecided = exp.Or(this=is_null(violated.value), expression=paren(applies_null))
        whens += [
            (is_false(applies.value), exp.Literal.number(NOT_APPLICABLE)),
            (is_false(violated.value), exp.Literal.number(NO_VIOLATION)),
            (
                exp.Or(this=undecided, expression=subject_null),
                exp.Literal.number(UNDETERMINED),
            ),
        ]
        code = case(*whens, default=exp.Literal.number(VIOLATION))
        missing = case(
            (undecided, concat_arrays([missing_if_unknown(violated), applies_missing])),
            default=texts([scope.subject_path]),
        )
        return paren(code), missing

    # the exhaustive dispatch ---------------------------------------------------------------
    def term(self, node: ir.Node, scope: Scope) -> Term:
        if not isinstance(node, NODE_TYPES):
            raise UnsupportedConstruct(scope.rule, type(node).__name__)
        n = cast(AnyNode, node)
        if isinstance(n, ir.Const):
            return self.const(n.value)
        if isinstance(n, ir.SetLit):
            raise UnsupportedConstruct(scope.rule, f"set literal outside 'in' ({n.text})")
        if isinstance(n, ir.FactRef):
            return self.fact(n.path)
        if isinstance(n, ir.VarRef):
            value, path = scope.variables[n.name]
            return Term(value, one_missing(path), path)
        if isinstance(n, ir.FieldOf):
            return self.field(self.term(n.base, scope), n.name)
        if isinstance(n, ir.SubjectRef):
            return self.subject(scope)
        if isinstance(n, ir.AsOf):
            return self.today()
        if isinstance(n, ir.BoolOp):
            return self.and_or(n.op, [self.term(i, scope) for i in n.items])
        if isinstance(n, ir.Not):
            return self.not_(self.term(n.item, scope))
        if isinstance(n, ir.Compare):
            if isinstance(n.left.type, ListType | RecordType) or isinstance(
                n.right.type, ListType | RecordType
            ):
                raise UnsupportedConstruct(scope.rule, f"comparison of lists or records ({n.text})")
            return self.compare(n.op, self.term(n.left, scope), self.term(n.right, scope))
        if isinstance(n, ir.Member):
            item = self.term(n.item, scope)
            if isinstance(n.container, ir.SetLit):
                return self.member_of_set(item, n.container.values, n.negate)
            return self.member_of_list(item, self.term(n.container, scope), n.negate)
        if isinstance(n, ir.Quantifier):
            source = self.term(n.source, scope)
            pred_node = n.pred
            return self.quantify(
                n.kind,
                source,
                n.source.text,
                scope,
                n.var,
                lambda inner: self.term(pred_node, inner),
            )
        if isinstance(n, ir.Length):
            return self.length(self.term(n.source, scope))
        if isinstance(n, ir.ProfileParam):
            return self.profile(self.term(n.state, scope), n.param, scope)
        if isinstance(n, ir.Breached):
            return self.breached((n.package, n.rule), scope)
        if isinstance(n, ir.DaysBetween):
            return self.days_between(self.term(n.start, scope), self.term(n.end, scope))
        assert_never(n)
