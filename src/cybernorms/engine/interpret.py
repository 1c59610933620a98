"""The tracing interpreter: Kleene three-valued evaluation that explains itself.

Each IR node is compiled once (per package) into a closure; evaluating a rule on an incident
calls the closures and gets back a trace tree: every sub-expression with its value, the facts
and profile versions it read, and - for unknown values - the unknown facts behind them
(``missing``). Trace nodes are plain tuples in the order of ``model.verdict.RawTrace``
(expr, value, missing, children, fact, source, profile, bind): building them is the bulk of
the work, and a tuple costs a tenth of an object.

``missing`` is the set of unknown facts that *could change the outcome*: a node that is
decided (true or false) reports none, because Kleene logic is monotone - learning more never
changes a decided value; an unknown node reports the union of its unknown operands' missing
facts, and short-circuits skip operands that cannot matter (``false and x`` never reads x).
This module must agree with ``engine.codegen`` on every value; the property tests check it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cybernorms.model.facts import Incident
from cybernorms.model.profile import ProfileParameters
from cybernorms.model.verdict import RawTrace
from cybernorms.rules import ir

EMPTY: frozenset[str] = frozenset()


@dataclass(slots=True)
class Env:
    """What one evaluation of one rule for one subject can see."""

    incident: Incident
    subject: str | None
    subject_path: str
    as_of: dt.date
    profile_date: dt.date | None
    resolve_profile: Callable[[str], tuple[ProfileParameters, str]]
    breached: Callable[[tuple[str, str], Env], RawTrace]
    variables: dict[str, tuple[Any, str]] = field(default_factory=dict)
    profiles_read: set[str] = field(default_factory=set)


Eval = Callable[[Env], RawTrace]


def compile_node(node: ir.Node) -> Eval:
    """Compile an IR tree into a closure producing its trace."""
    compiler = _COMPILERS.get(type(node))
    if compiler is None:  # pragma: no cover - every IR class is registered below
        raise TypeError(f"interpreter has no case for {type(node).__name__}")
    return compiler(node)


def _const(node: ir.Node) -> Eval:
    assert isinstance(node, ir.Const | ir.SetLit)
    value = node.value if isinstance(node, ir.Const) else node.values
    result = (node.text, value, EMPTY, (), None, None, None, None)
    return lambda env: result


def _fact(node: ir.Node) -> Eval:
    assert isinstance(node, ir.FactRef)
    head, *rest = node.path
    path = ".".join(node.path)
    text = node.text
    unknown = frozenset((path,))

    def run(env: Env) -> RawTrace:
        incident = env.incident
        value: Any = getattr(incident, head)
        for name in rest:
            value = getattr(value, name)
        provenance = incident.provenance
        return (
            text,
            value,
            unknown if value is None else EMPTY,
            (),
            path,
            provenance.get(path) if provenance else None,
            None,
            None,
        )

    return run


def _var(node: ir.Node) -> Eval:
    assert isinstance(node, ir.VarRef)
    name, text = node.name, node.text

    def run(env: Env) -> RawTrace:
        value, path = env.variables[name]
        return (
            text,
            value,
            frozenset((path,)) if value is None else EMPTY,
            (),
            path,
            None,
            None,
            None,
        )

    return run


def _field(node: ir.Node) -> Eval:
    assert isinstance(node, ir.FieldOf)
    base = compile_node(node.base)
    name, text = node.name, node.text

    def run(env: Env) -> RawTrace:
        b = base(env)
        if b[1] is None:
            return (text, None, b[2], (), b[4], None, None, None)
        path = f"{b[4]}.{name}"
        value = getattr(b[1], name)
        return (
            text,
            value,
            frozenset((path,)) if value is None else EMPTY,
            (),
            path,
            env.incident.provenance.get(path),
            None,
            None,
        )

    return run


def _subject(node: ir.Node) -> Eval:
    text = node.text

    def run(env: Env) -> RawTrace:
        missing = frozenset((env.subject_path,)) if env.subject is None else EMPTY
        return (text, env.subject, missing, (), "subject", None, None, None)

    return run


def _as_of(node: ir.Node) -> Eval:
    text = node.text
    return lambda env: (text, env.as_of, EMPTY, (), None, None, None, None)


def _boolop(node: ir.Node) -> Eval:
    assert isinstance(node, ir.BoolOp)
    items = tuple(compile_node(i) for i in node.items)
    text = node.text
    decisive = node.op == "or"  # the value that decides the whole: True for or, False for and

    def run(env: Env) -> RawTrace:
        children = []
        unknown = False
        missing: set[str] = set()
        for item in items:
            r = item(env)
            children.append(r)
            if r[1] is decisive:
                return (text, decisive, EMPTY, tuple(children), None, None, None, None)
            if r[1] is None:
                unknown = True
                missing |= r[2]
        if unknown:
            return (text, None, frozenset(missing), tuple(children), None, None, None, None)
        return (text, not decisive, EMPTY, tuple(children), None, None, None, None)

    return run


def _not(node: ir.Node) -> Eval:
    assert isinstance(node, ir.Not)
    item = compile_node(node.item)
    text = node.text

    def run(env: Env) -> RawTrace:
        r = item(env)
        return (text, None if r[1] is None else not r[1], r[2], (r,), None, None, None, None)

    return run


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _binary(text: str, left: Eval, right: Eval, op: Callable[[Any, Any], Any]) -> Eval:
    def run(env: Env) -> RawTrace:
        a, b = left(env), right(env)
        if a[1] is None or b[1] is None:
            return (text, None, a[2] | b[2], (a, b), None, None, None, None)
        return (text, op(a[1], b[1]), EMPTY, (a, b), None, None, None, None)

    return run


def _compare(node: ir.Node) -> Eval:
    assert isinstance(node, ir.Compare)
    return _binary(node.text, compile_node(node.left), compile_node(node.right), _ORDER[node.op])


def _member(node: ir.Node) -> Eval:
    assert isinstance(node, ir.Member)
    negate = node.negate
    return _binary(
        node.text,
        compile_node(node.item),
        compile_node(node.container),
        (lambda a, b: a not in b) if negate else (lambda a, b: a in b),
    )


def _days_between(node: ir.Node) -> Eval:
    assert isinstance(node, ir.DaysBetween)
    return _binary(
        node.text, compile_node(node.start), compile_node(node.end), lambda a, b: (b - a).days
    )


def _quantifier(node: ir.Node) -> Eval:
    assert isinstance(node, ir.Quantifier)
    source = compile_node(node.source)
    pred = compile_node(node.pred)
    kind, var, text = node.kind, node.var, node.text

    def run(env: Env) -> RawTrace:
        s = source(env)
        if s[1] is None:
            return (text, None, s[2], (s,), None, None, None, None)
        base_path = s[4] or s[0]
        children = [s]
        unknown: set[str] = set()
        has_unknown = False
        count = 0
        saved = env.variables.get(var)
        try:
            for index, element in enumerate(s[1]):
                path = f"{base_path}[{index}]"
                env.variables[var] = (element, path)
                r = pred(env)
                r = (*r[:7], f"{var} = {path}")
                children.append(r)
                if r[1] is None:
                    has_unknown = True
                    unknown |= r[2]
                elif kind == "any" and r[1] is True:
                    return (text, True, EMPTY, tuple(children), None, None, None, None)
                elif kind == "all" and r[1] is False:
                    return (text, False, EMPTY, tuple(children), None, None, None, None)
                elif r[1] is True:
                    count += 1
        finally:
            if saved is None:
                env.variables.pop(var, None)
            else:
                env.variables[var] = saved
        if has_unknown:
            return (text, None, frozenset(unknown), tuple(children), None, None, None, None)
        value: Any = {"any": False, "all": True, "count": count}[kind]
        return (text, value, EMPTY, tuple(children), None, None, None, None)

    return run


def _length(node: ir.Node) -> Eval:
    assert isinstance(node, ir.Length)
    source = compile_node(node.source)
    text = node.text

    def run(env: Env) -> RawTrace:
        s = source(env)
        if s[1] is None:
            return (text, None, s[2], (s,), None, None, None, None)
        return (text, len(s[1]), EMPTY, (s,), None, None, None, None)

    return run


def _profile(node: ir.Node) -> Eval:
    assert isinstance(node, ir.ProfileParam)
    state = compile_node(node.state)
    param, text = node.param, node.text

    def run(env: Env) -> RawTrace:
        s = state(env)
        if s[1] is None:
            return (text, None, s[2], (s,), None, None, None, None)
        params, label = env.resolve_profile(s[1])
        env.profiles_read.add(label)
        value = getattr(params, param)
        fact = f"profile({s[1]}).{param}"
        missing = frozenset((fact,)) if value is None else EMPTY
        return (text, value, missing, (s,), fact, None, label, None)

    return run


def _breached(node: ir.Node) -> Eval:
    assert isinstance(node, ir.Breached)
    key = (node.package, node.rule)
    text = node.text

    def run(env: Env) -> RawTrace:
        inner = env.breached(key, env)
        return (text, inner[1], inner[2], (inner,), None, None, None, None)

    return run


_COMPILERS: dict[type[ir.Node], Callable[[ir.Node], Eval]] = {
    ir.Const: _const,
    ir.SetLit: _const,
    ir.FactRef: _fact,
    ir.VarRef: _var,
    ir.FieldOf: _field,
    ir.SubjectRef: _subject,
    ir.AsOf: _as_of,
    ir.BoolOp: _boolop,
    ir.Not: _not,
    ir.Compare: _compare,
    ir.Member: _member,
    ir.Quantifier: _quantifier,
    ir.Length: _length,
    ir.ProfileParam: _profile,
    ir.Breached: _breached,
    ir.DaysBetween: _days_between,
}
