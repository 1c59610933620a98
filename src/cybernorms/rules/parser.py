"""Rule expressions: Python expression syntax, a strict whitelist, typed at load time.

Why Python syntax: authors already read it, and the standard ``ast`` module parses it without
running anything. Why a whitelist rather than a blacklist: the language must stay small enough
to translate completely into every back end (interpreter, generated code, SQL, SMT), so a
construct is in only if all back ends can give it the same three-valued meaning.

``parse_expression`` returns a typed IR tree or raises ``ExpressionError`` with the line and
column inside the expression; the package loader adds the file position.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from cybernorms.errors import CybernormsError, LimitExceeded
from cybernorms.limits import LIMITS
from cybernorms.model.states import iso3_codes
from cybernorms.rules import ir
from cybernorms.rules.types import (
    ANY,
    BOOL,
    DATE,
    INCIDENT,
    INT,
    PROFILE,
    STATE,
    TEXT,
    EnumType,
    ListType,
    RecordType,
    Type,
    comparable,
)

FUNCTIONS = ("any", "all", "count", "profile", "breached", "date", "days_between")
# The type of a string literal before it meets what it is compared with.
STRING_LITERAL = Type("string")


class ExpressionError(CybernormsError):
    """A rejected expression; ``line`` (1-based) and ``col`` (0-based) are inside its text."""

    def __init__(self, message: str, line: int = 1, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


class ExpressionLimitExceeded(ExpressionError, LimitExceeded):
    """An expression longer or deeper than ``LIMITS`` allows: an ``ExpressionError`` (so the
    package loader locates it in the file) that is also a ``LimitExceeded`` naming the limit."""

    def __init__(self, limit: str, allowed: int, detail: str, line: int = 1, col: int = 0) -> None:
        LimitExceeded.__init__(self, limit, allowed, "", detail)
        self.message = str(self)
        self.line = line
        self.col = col

    @property
    def refusal(self) -> str:
        return "LimitExceeded"


# Resolves a ``breached`` reference to (package, rule) or raises ExpressionError.
RuleResolver = Callable[[str], tuple[str, str]]


@dataclass
class Scope:
    """What names an expression may use."""

    resolve_rule: RuleResolver | None = None
    variables: dict[str, Type] = field(default_factory=dict)
    subject: bool = True

    def with_var(self, name: str, tp: Type) -> Scope:
        return Scope(self.resolve_rule, {**self.variables, name: tp}, self.subject)


def _parse_one_expression(source: str) -> ast.Expression:
    """Parse a criterion in which line breaks are layout, as they are inside parentheses.

    A criterion is always one expression, and a YAML block scalar keeps some of the author's
    line breaks (before an indented line), which Python would reject outside brackets. So a
    text that fails alone is parsed again wrapped in brackets on lines of their own, which keeps
    every column and shifts lines by one (undone); the first error is the one reported.
    """
    # Python's warnings about the text ("invalid decimal literal") are for Python authors;
    # an expression is either accepted or refused with our own message.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        try:
            return ast.parse(source, mode="eval")
        except SyntaxError as first:
            try:
                tree = ast.parse(f"(\n{source}\n)", mode="eval")
            except SyntaxError:
                raise first from None
            return ast.increment_lineno(tree, -1)


def parse_expression(text: str, scope: Scope, *, expect: Type | None = BOOL) -> ir.Node:
    """Parse and type-check one expression; ``expect`` is the type it must have."""
    source = text.strip()
    if not source:
        raise ExpressionError("empty expression")
    limit = LIMITS.expression_chars
    if len(source) > limit:
        raise ExpressionLimitExceeded(
            "expression_chars", limit, f"the expression has {len(source)} characters"
        )
    try:
        tree = _parse_one_expression(source)
    except SyntaxError as exc:
        raise ExpressionError(
            f"syntax error: {exc.msg}", exc.lineno or 1, max((exc.offset or 1) - 1, 0)
        ) from None
    except (RecursionError, MemoryError):
        # Python's own parser gives up on nesting before ours is counted (e.g. 1,000 'not').
        raise ExpressionLimitExceeded(
            "expression_depth", LIMITS.expression_depth, "too deeply nested for the parser"
        ) from None
    except ValueError as exc:  # "source code string cannot contain null bytes"
        raise ExpressionError(f"syntax error: {exc}") from None
    node = _Checker(source, scope).visit(tree.body, 0)
    if expect is not None and not comparable(node.type, expect):
        raise ExpressionError(
            f"expected a {expect} expression, got {node.type}", node.line, node.col
        )
    return node


class _At(TypedDict):
    text: str
    line: int
    col: int


class _Checker:
    def __init__(self, source: str, scope: Scope) -> None:
        self.source = source
        self.scope = scope

    # -- helpers -------------------------------------------------------------------------
    def error(self, node: ast.AST, message: str) -> ExpressionError:
        return ExpressionError(message, getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or ast.unparse(node)

    def at(self, node: ast.AST) -> _At:
        return {
            "text": self.text(node),
            "line": getattr(node, "lineno", 1),
            "col": getattr(node, "col_offset", 0),
        }

    def bool_operand(self, node: ast.AST, depth: int) -> ir.Node:
        out = self.visit(node, depth)
        if out.type != BOOL:
            raise self.error(
                node, f"expected a condition (bool), got {out.type}: {self.text(node)}"
            )
        return out

    # -- dispatch ------------------------------------------------------------------------
    def visit(self, node: ast.AST, depth: int) -> ir.Node:
        if depth > LIMITS.expression_depth:
            raise ExpressionLimitExceeded(
                "expression_depth",
                LIMITS.expression_depth,
                f"nested deeper than {LIMITS.expression_depth} levels",
                getattr(node, "lineno", 1),
                getattr(node, "col_offset", 0),
            )
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise self.error(node, f"{_describe(node)} is not allowed in the rule language")
        result: ir.Node = method(node, depth + 1)
        return result

    def visit_BoolOp(self, node: ast.BoolOp, depth: int) -> ir.Node:
        op: Literal["and", "or"] = "and" if isinstance(node.op, ast.And) else "or"
        items = tuple(self.bool_operand(v, depth) for v in node.values)
        return ir.BoolOp(type=BOOL, op=op, items=items, **self.at(node))

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> ir.Node:
        if isinstance(node.op, ast.Not):
            item = self.bool_operand(node.operand, depth)
            return ir.Not(type=BOOL, item=item, **self.at(node))
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            value = node.operand.value
            if isinstance(value, int) and not isinstance(value, bool):
                return ir.Const(type=INT, value=-value, **self.at(node))
        raise self.error(node, f"operator {_describe(node.op)} is not allowed in the rule language")

    def visit_Constant(self, node: ast.Constant, depth: int) -> ir.Node:
        value = node.value
        if isinstance(value, bool):
            return ir.Const(type=BOOL, value=value, **self.at(node))
        if isinstance(value, int):
            return ir.Const(type=INT, value=value, **self.at(node))
        if isinstance(value, str):
            return ir.Const(type=STRING_LITERAL, value=value, **self.at(node))
        if value is None:
            raise self.error(
                node, "None is not a value in the rule language: unknown facts are unknown"
            )
        raise self.error(node, f"literal {value!r} is not allowed (strings, integers, True, False)")

    def visit_Set(self, node: ast.Set, depth: int) -> ir.Node:
        values: list[ir.Scalar] = []
        kinds: set[type] = set()
        for elt in node.elts:
            if not isinstance(elt, ast.Constant) or isinstance(elt.value, bool | None | float):
                raise self.error(elt, "a set literal holds only string or integer literals")
            if not isinstance(elt.value, str | int):
                raise self.error(elt, "a set literal holds only string or integer literals")
            values.append(elt.value)
            kinds.add(type(elt.value))
        if len(kinds) > 1:
            raise self.error(node, "a set literal mixes strings and integers")
        element = INT if kinds == {int} else STRING_LITERAL
        tp = ListType(f"set of {element}", element)
        return ir.SetLit(type=tp, values=frozenset(values), **self.at(node))

    def visit_Name(self, node: ast.Name, depth: int) -> ir.Node:
        name = node.id
        if name.startswith("_"):
            raise self.error(
                node, f"name {name!r} is not allowed (names starting with _ are reserved)"
            )
        if name in self.scope.variables:
            return ir.VarRef(type=self.scope.variables[name], name=name, **self.at(node))
        if name == "subject":
            if not self.scope.subject:
                raise self.error(node, "'subject' is not defined in a rule's subject expression")
            return ir.SubjectRef(type=STATE, **self.at(node))
        if name == "as_of":
            return ir.AsOf(type=DATE, **self.at(node))
        fields = INCIDENT.fields()
        if name in fields:
            return ir.FactRef(type=fields[name], path=(name,), **self.at(node))
        if name in FUNCTIONS:
            raise self.error(node, f"{name} is a function: call it, e.g. {name}(...)")
        candidates = [*fields, *self.scope.variables, "subject", "as_of"]
        raise self.error(node, f"unknown name {name!r}{_suggest(name, candidates)}")

    def visit_Attribute(self, node: ast.Attribute, depth: int) -> ir.Node:
        if node.attr.startswith("_"):
            raise self.error(node, f"attribute {node.attr!r} is not allowed")
        if isinstance(node.value, ast.Call) and _call_name(node.value) == "profile":
            state = self.profile_state(node.value, depth)
            fields = PROFILE.fields()
            if node.attr not in fields:
                raise self.error(
                    node,
                    f"profiles have no parameter {node.attr!r}{_suggest(node.attr, fields)}",
                )
            return ir.ProfileParam(
                type=fields[node.attr], state=state, param=node.attr, **self.at(node)
            )
        base = self.visit(node.value, depth)
        if not isinstance(base.type, RecordType):
            raise self.error(node, f"{self.text(node.value)} ({base.type}) has no fields")
        fields = base.type.fields()
        if node.attr not in fields:
            where = self.text(node.value)
            raise self.error(
                node, f"{where} has no field {node.attr!r}{_suggest(node.attr, fields)}"
            )
        tp = fields[node.attr]
        if isinstance(base, ir.FactRef):
            return ir.FactRef(type=tp, path=(*base.path, node.attr), **self.at(node))
        return ir.FieldOf(type=tp, base=base, name=node.attr, **self.at(node))

    def visit_Compare(self, node: ast.Compare, depth: int) -> ir.Node:
        if len(node.ops) != 1:
            raise self.error(node, "chained comparisons are not allowed: join them with 'and'")
        op_node = node.ops[0]
        left = self.visit(node.left, depth)
        right = self.visit(node.comparators[0], depth)
        if isinstance(op_node, ast.In | ast.NotIn):
            return self.membership(node, left, right, isinstance(op_node, ast.NotIn))
        op = _COMPARE_OPS.get(type(op_node))
        if op is None:
            raise self.error(
                node,
                f"comparison {_describe(op_node)} is not allowed (use ==, !=, <, <=, >, >=, in)",
            )
        left, right = self.unify(node, left, right)
        if op in ("<", "<=", ">", ">=") and left.type not in (INT, DATE):
            raise self.error(
                node, f"ordering ({op}) applies to integers and dates, not {left.type}"
            )
        if isinstance(left.type, ListType | RecordType):
            raise self.error(node, f"cannot compare {left.type} values with {op}")
        return ir.Compare(type=BOOL, op=op, left=left, right=right, **self.at(node))

    def membership(
        self, node: ast.Compare, item: ir.Node, container: ir.Node, negate: bool
    ) -> ir.Node:
        if not isinstance(container.type, ListType):
            raise self.error(
                node, f"'in' needs a set literal or a list on its right, got {container.type}"
            )
        element = container.type.element
        if isinstance(element, RecordType):
            raise self.error(node, "'in' over a list of records: use any(... for x in LIST)")
        if isinstance(container, ir.SetLit):
            container = self.typed_set(node, container, item.type)
            element = container.type.element  # type: ignore[attr-defined]
        else:
            item = self.literal_as(node, item, element)
        if not comparable(item.type, element):
            raise self.error(node, f"cannot look for a {item.type} in a {container.type}")
        return ir.Member(type=BOOL, item=item, container=container, negate=negate, **self.at(node))

    def unify(self, node: ast.AST, left: ir.Node, right: ir.Node) -> tuple[ir.Node, ir.Node]:
        """Give string literals the type of the other side and check their value."""
        left = self.literal_as(node, left, right.type)
        right = self.literal_as(node, right, left.type)
        if left.type == STRING_LITERAL and right.type == STRING_LITERAL:
            raise self.error(node, "comparing two literals is always true or always false")
        if not comparable(left.type, right.type):
            raise self.error(node, f"cannot compare {left.type} with {right.type}")
        return left, right

    def literal_as(self, node: ast.AST, lit: ir.Node, target: Type) -> ir.Node:
        if not (isinstance(lit, ir.Const) and lit.type == STRING_LITERAL):
            return lit
        if target == STRING_LITERAL:
            return lit
        value = self.check_literal(node, str(lit.value), target)
        return ir.Const(type=target, value=value, text=lit.text, line=lit.line, col=lit.col)

    def typed_set(self, node: ast.AST, lit: ir.SetLit, target: Type) -> ir.SetLit:
        element = lit.type.element  # type: ignore[attr-defined]
        if element != STRING_LITERAL:
            if target not in (INT, ANY):
                raise self.error(node, f"cannot look for a {target} in a set of integers")
            return lit
        if target == INT:
            raise self.error(node, "cannot look for an integer in a set of strings")
        values = frozenset(self.check_literal(node, str(v), target) for v in lit.values)
        return ir.SetLit(
            type=ListType(f"set of {target}", target),
            values=values,
            text=lit.text,
            line=lit.line,
            col=lit.col,
        )

    def check_literal(self, node: ast.AST, value: str, target: Type) -> str:
        if isinstance(target, EnumType):
            if value not in target.values:
                raise self.error(
                    node,
                    f"{value!r} is not a value of {target.name} "
                    f"(one of: {', '.join(target.values)}){_suggest(value, target.values)}",
                )
            return value
        if target == STATE:
            if value not in iso3_codes():
                raise self.error(node, f"{value!r} is not an ISO 3166-1 alpha-3 state code")
            return value
        if target in (TEXT, STRING_LITERAL, ANY):
            return value
        raise self.error(node, f"cannot compare a string with {target}")

    def visit_Call(self, node: ast.Call, depth: int) -> ir.Node:
        name = _call_name(node)
        if name == "known":
            raise self.error(
                node,
                "known() is not in the language: criteria must stay monotone (learning a fact "
                "never reverses a decided verdict), and unknown facts already make a criterion "
                "unknown",
            )
        if name is None:
            raise self.error(
                node, "only the language's functions may be called: " + ", ".join(FUNCTIONS)
            )
        if name not in FUNCTIONS:
            raise self.error(
                node,
                f"unknown function {name!r}{_suggest(name, FUNCTIONS)}; "
                f"the functions are: {', '.join(FUNCTIONS)}",
            )
        if node.keywords:
            raise self.error(node, f"{name}() takes no keyword arguments")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.error(node, f"{name}() takes no *arguments")
        return getattr(self, f"call_{name}")(node, depth)  # type: ignore[no-any-return]

    def one_arg(self, node: ast.Call, name: str) -> ast.expr:
        if len(node.args) != 1:
            raise self.error(node, f"{name}() takes exactly one argument")
        return node.args[0]

    def quantifier(
        self, node: ast.Call, depth: int, kind: Literal["any", "all", "count"]
    ) -> ir.Node:
        arg = self.one_arg(node, kind)
        if not isinstance(arg, ast.GeneratorExp):
            if kind == "count":
                source = self.visit(arg, depth)
                if not isinstance(source.type, ListType):
                    raise self.error(node, f"count() needs a list, got {source.type}")
                return ir.Length(type=INT, source=source, **self.at(node))
            raise self.error(node, f"{kind}() needs a generator: {kind}(CONDITION for x in LIST)")
        if len(arg.generators) != 1:
            raise self.error(arg, "only one 'for' per quantifier")
        gen = arg.generators[0]
        if gen.is_async or not isinstance(gen.target, ast.Name):
            raise self.error(gen.target, "the loop variable must be a plain name")
        var = gen.target.id
        if var.startswith("_") or var in ("subject", "as_of") or var in INCIDENT.fields():
            raise self.error(
                gen.target, f"{var!r} cannot be a loop variable (it names a fact or is reserved)"
            )
        source = self.visit(gen.iter, depth)
        if not isinstance(source.type, ListType) or isinstance(source, ir.SetLit):
            raise self.error(gen.iter, f"{kind}() iterates over a list fact, got {source.type}")
        inner = _Checker(self.source, self.scope.with_var(var, source.type.element))
        pred = inner.bool_operand(arg.elt, depth)
        for cond in gen.ifs:
            guard = inner.bool_operand(cond, depth)
            # any(P for x in L if Q) == any(Q and P); all(... if Q) == all(not Q or P)
            if kind == "all":
                pred = ir.BoolOp(
                    type=BOOL,
                    op="or",
                    items=(
                        ir.Not(
                            type=BOOL,
                            item=guard,
                            text=f"not ({guard.text})",
                            line=guard.line,
                            col=guard.col,
                        ),
                        pred,
                    ),
                    text=f"{guard.text} -> {pred.text}",
                    line=guard.line,
                    col=guard.col,
                )
            else:
                pred = ir.BoolOp(
                    type=BOOL,
                    op="and",
                    items=(guard, pred),
                    text=f"{guard.text} and {pred.text}",
                    line=guard.line,
                    col=guard.col,
                )
        tp = INT if kind == "count" else BOOL
        return ir.Quantifier(type=tp, kind=kind, var=var, source=source, pred=pred, **self.at(node))

    def call_any(self, node: ast.Call, depth: int) -> ir.Node:
        return self.quantifier(node, depth, "any")

    def call_all(self, node: ast.Call, depth: int) -> ir.Node:
        return self.quantifier(node, depth, "all")

    def call_count(self, node: ast.Call, depth: int) -> ir.Node:
        return self.quantifier(node, depth, "count")

    def profile_state(self, node: ast.Call, depth: int) -> ir.Node:
        state = self.visit(self.one_arg(node, "profile"), depth)
        state = self.literal_as(node, state, STATE)
        if state.type != STATE:
            raise self.error(node, f"profile() needs a state, got {state.type}")
        return state

    def call_profile(self, node: ast.Call, depth: int) -> ir.Node:
        raise self.error(
            node,
            "profile(STATE) must be followed by .parameter, "
            "e.g. profile(t.country).critical_sectors",
        )

    def call_breached(self, node: ast.Call, depth: int) -> ir.Node:
        arg = self.one_arg(node, "breached")
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise self.error(node, "breached() takes a rule id as a string literal")
        if self.scope.resolve_rule is None:
            raise self.error(node, "breached() cannot be used here")
        try:
            package, rule = self.scope.resolve_rule(arg.value)
        except ExpressionError as exc:
            raise self.error(arg, exc.message) from None
        return ir.Breached(type=BOOL, package=package, rule=rule, **self.at(node))

    def call_date(self, node: ast.Call, depth: int) -> ir.Node:
        arg = self.one_arg(node, "date")
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise self.error(node, 'date() takes a literal "YYYY-MM-DD"')
        try:
            value = dt.date.fromisoformat(arg.value)
        except ValueError:
            raise self.error(arg, f"{arg.value!r} is not a date (YYYY-MM-DD)") from None
        return ir.Const(type=DATE, value=value, **self.at(node))

    def call_days_between(self, node: ast.Call, depth: int) -> ir.Node:
        if len(node.args) != 2:
            raise self.error(node, "days_between() takes two dates")
        start, end = (self.visit(a, depth) for a in node.args)
        for part, arg in ((start, node.args[0]), (end, node.args[1])):
            if part.type != DATE:
                raise self.error(arg, f"days_between() needs dates, got {part.type}")
        return ir.DaysBetween(type=INT, start=start, end=end, **self.at(node))


_COMPARE_OPS: dict[type, ir.CompareOp] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


def _call_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else None


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _describe(node: ast.AST) -> str:
    names = {
        "Lambda": "a lambda",
        "Subscript": "indexing ([...])",
        "BinOp": "arithmetic",
        "IfExp": "a conditional expression",
        "JoinedStr": "an f-string",
        "NamedExpr": "':='",
        "ListComp": "a list comprehension",
        "SetComp": "a set comprehension",
        "DictComp": "a dict comprehension",
        "Dict": "a dict",
        "List": "a list literal (use a set {...})",
        "Tuple": "a tuple",
        "Await": "await",
        "Yield": "yield",
        "Starred": "*",
        "GeneratorExp": "a bare generator (wrap it in any/all/count)",
        "Slice": "slicing",
    }
    kind = type(node).__name__
    return names.get(kind, kind)
