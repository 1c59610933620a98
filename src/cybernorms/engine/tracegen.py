"""The traced fast path: rules compiled to Python functions that return full verdict traces.

Why: the tracing interpreter (``engine.interpret``) spends most of its time calling one
closure per IR node and re-checking at run time what the IR already says (which operands are
literals, which trace slots a kind of node never fills). Generating one straight-line function
per rule - nested ``if``s for short-circuits, ``for`` loops for quantifiers, trace tuples
written out slot by slot - removes that overhead while producing *exactly* the same
``RawTrace`` tuples, outcomes and ``missing`` sets. The interpreter stays the reference: it is
simpler to read, and the property tests assert on random incidents that the two agree node for
node (``tests/engine/test_traced_backends.py``).

Each generated function also writes every node's JSON form (``model.verdict.raw_to_json``'s
shape) beside its tuple, from the values it has at hand. Walking the finished tuple tree again
to convert it cost more than evaluating the rule: each node's eight slots had to be read back
and tested, where the generator knows from the IR which keys a node can have (a comparison has
two children and a boolean value; only a fact node has a source; only a list of fact objects
needs converting). ``Verdict.to_json`` hands that JSON out once and converts ``raw_trace``
afresh on any later call; fact objects' JSON is made once per incident and shared, read-only.

Safety is as in ``engine.codegen``: the generator reads only the typed IR. Texts and literals
from a rulebook are bound as named constants, never spliced into code; the only names written
into code are fact fields and profile parameters, which the type checker has matched against
the fact schema, and generated variable names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cybernorms.model.facts import Incident
from cybernorms.model.profile import ProfileParameters
from cybernorms.model.verdict import (
    JsonCache,
    Outcome,
    RawTrace,
    _json_value,
    json_records,
    json_value,
    source_json,
)
from cybernorms.rules import ir
from cybernorms.rules.package import Rule
from cybernorms.rules.types import BOOL, INT, STATE, TEXT, EnumType, ListType, RecordType

EMPTY: frozenset[str] = frozenset()

# Per package id: the parameters in force for a state and the label a trace shows for them.
TracedResolvers = Mapping[str, Callable[[str], tuple[ProfileParameters, str]]]
# trace(incident, subject, subject_path, profiles_read, as_of, resolvers, cache)
#   -> (outcome, missing, trace, the trace's JSON); ``profiles_read`` receives the labels of
#   the profiles read; ``cache`` converts fact objects to JSON once per incident.
Trace = Callable[
    [Incident, str | None, str, set[str], dt.date, TracedResolvers, JsonCache],
    tuple[Outcome, frozenset[str], RawTrace, dict[str, Any]],
]

# Types whose values are JSON as they are (written into a node's dict unchanged).
_PLAIN_TYPES = (BOOL, INT, STATE, TEXT)


def _plain(tp: Any) -> bool:
    return tp in _PLAIN_TYPES or isinstance(tp, EnumType)


@dataclass(frozen=True)
class _Val:
    """Where the generated code keeps one evaluated node: code for its Kleene value, its
    ``missing`` set, its trace tuple and its JSON dict ("" when the node is not part of the
    trace) and its fact path."""

    value: str
    missing: str
    node: str
    json: str
    fact: str
    known: bool = False  # a literal: never unknown, so no test for None is written


class _Gen:
    def __init__(self, with_json: bool) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {}
        self.counter = 0
        self.package = ""  # the package of the rule being generated: whose profiles it reads
        self.names: dict[tuple[str, str], str] = {}
        self.with_json = with_json

    def fresh(self, prefix: str = "v") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def const(self, value: Any) -> str:
        """A named constant for any value from a rulebook (nothing is spliced into code)."""
        if value is None or value is True or value is False:
            return repr(value)
        name = self.fresh("K")
        self.consts[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def jemit(self, indent: int, line: str) -> None:
        """A line that only builds JSON (left out when the functions make none)."""
        if self.with_json:
            self.emit(indent, line)

    def name(self, key: tuple[str, str]) -> str:
        if key not in self.names:
            self.names[key] = f"trace_{len(self.names)}"
        return self.names[key]

    @staticmethod
    def node(
        text: str,
        value: str,
        missing: str,
        children: Sequence[str] | str,
        fact: str = "None",
        source: str = "None",
        profile: str = "None",
        bind: str = "None",
    ) -> str:
        """Code for a trace tuple; ``children`` is a list of codes or code for a tuple."""
        if isinstance(children, str):
            kids = children
        else:
            kids = "()" if not children else "(" + ", ".join(children) + ",)"
        return f"({text}, {value}, {missing}, {kids}, {fact}, {source}, {profile}, {bind})"

    def json(
        self,
        ind: int,
        text: str,
        value: str,
        missing: str = "EMPTY",
        children: Sequence[str] | str = (),
        fact: str = "None",
        source: str = "None",
        profile: str = "None",
        bind: str = "None",
    ) -> str:
        """Emit the dict ``raw_to_json`` makes of the tuple ``node(...)`` of the same codes.

        Keys in its order (expr, value, bind, fact, source, profile, missing, children), each
        where its slot is set: ``fact``, ``profile`` and ``bind`` are passed only where the
        node always has them; ``source`` and ``missing`` are tested."""
        if not self.with_json:
            return "None"
        j = self.fresh("j")
        keys = [f"'expr': {text}", f"'value': {value}"]
        if bind != "None":
            keys.append(f"'bind': {bind}")
        if fact != "None":
            keys.append(f"'fact': {fact}")
        tested = source != "None" or missing != "EMPTY"
        if profile != "None" and not tested:
            keys.append(f"'profile': {profile}")
        kids = children if isinstance(children, str) else f"[{', '.join(children)}]"
        if children and not tested:
            keys.append(f"'children': {kids}")
        self.emit(ind, f"{j} = {{{', '.join(keys)}}}")
        if tested:
            if source != "None":
                self.emit(ind, f"if {source} is not None:")
                self.emit(ind + 1, f"{j}['source'] = source_json({source})")
            if profile != "None":
                self.emit(ind, f"{j}['profile'] = {profile}")
            if missing != "EMPTY":
                self.emit(ind, f"if {missing}:")
                self.emit(ind + 1, f"{j}['missing'] = sorted({missing})")
            if children:
                self.emit(ind, f"{j}['children'] = {kids}")
        return j

    def jvalue(self, node: ir.Node, value: str) -> str:
        """Code for the JSON of ``node``'s value held in ``value``."""
        tp = node.type
        if _plain(tp) or value in ("None", "True", "False"):
            return value
        if isinstance(tp, ListType) and _plain(tp.element):  # the incident's own list: a copy
            return f"(None if {value} is None else list({value}))"
        if isinstance(tp, ListType) and isinstance(tp.element, RecordType):
            return f"records({value}, cache)"
        return f"jv({value}, cache)"

    # -- expressions ---------------------------------------------------------------------
    # Each method emits statements at ``indent`` and returns where the node's value, missing
    # set, trace tuple, JSON and fact path are. ``bind`` is code for the tuple's last slot
    # (the quantifier's "t = targets[0]" or the root's "applies_when"); ``want`` False when
    # only the value is needed (the base of ``t.sector`` is not a node of the trace).
    def expr(
        self,
        node: ir.Node,
        indent: int,
        env: Mapping[str, tuple[str, str]],
        bind: str = "None",
        want: bool = True,
    ) -> _Val:
        method = getattr(self, f"x_{type(node).__name__}", None)
        if method is None:  # pragma: no cover - every IR class has a case below
            raise TypeError(f"trace generator has no case for {type(node).__name__}")
        result: _Val = method(node, indent, env, bind, want)
        return result

    def _literal(self, node: ir.Node, value: Any, ind: int, bind: str) -> _Val:
        text = self.const(node.text)
        k = self.const(value)
        if bind == "None":
            tup = self.const((node.text, value, EMPTY, (), None, None, None, None))
        else:
            tup = self.node(text, k, "EMPTY", (), bind=bind)
        jv = self.const(_json_value(value))  # once, here, shared by every output
        j = self.json(ind, text, jv, bind=bind)
        return _Val(k, "EMPTY", tup, j, "None", known=True)

    def x_Const(self, node: ir.Const, ind: int, env: Any, bind: str, want: bool) -> _Val:
        return self._literal(node, node.value, ind, bind)

    def x_SetLit(self, node: ir.SetLit, ind: int, env: Any, bind: str, want: bool) -> _Val:
        return self._literal(node, node.values, ind, bind)

    def x_FactRef(self, node: ir.FactRef, ind: int, env: Any, bind: str, want: bool) -> _Val:
        path = ".".join(node.path)
        v, m = self.fresh(), self.fresh("m")
        fact = self.const(path)
        self.emit(ind, f"{v} = inc.{path}")
        self.emit(ind, f"{m} = {self.const(frozenset((path,)))} if {v} is None else EMPTY")
        if not want:
            return _Val(v, m, "", "", fact)
        n, src, text = self.fresh("n"), self.fresh("src"), self.const(node.text)
        self.emit(ind, f"{src} = prov.get({fact}) if prov else None")
        self.emit(ind, f"{n} = {self.node(text, v, m, (), fact, src, bind=bind)}")
        j = self.json(ind, text, self.jvalue(node, v), m, (), fact, src, bind=bind)
        return _Val(v, m, n, j, fact)

    def x_VarRef(self, node: ir.VarRef, ind: int, env: Any, bind: str, want: bool) -> _Val:
        element, path = env[node.name]
        if not want:
            # only read as the base of a field, where it is used only when unknown
            return _Val(element, f"frozenset(({path},))", "", "", path)
        m, n, text = self.fresh("m"), self.fresh("n"), self.const(node.text)
        self.emit(ind, f"{m} = EMPTY if {element} is not None else frozenset(({path},))")
        self.emit(ind, f"{n} = {self.node(text, element, m, (), path, bind=bind)}")
        j = self.json(ind, text, self.jvalue(node, element), m, (), path, bind=bind)
        return _Val(element, m, n, j, path)

    def x_FieldOf(self, node: ir.FieldOf, ind: int, env: Any, bind: str, want: bool) -> _Val:
        # base.missing is read only where the base is unknown (see x_VarRef)
        base = self.expr(node.base, ind, env, want=False)
        v, m, f = self.fresh(), self.fresh("m"), self.fresh("f")
        n = self.fresh("n") if want else ""
        j = self.fresh("j") if want else ""
        text = self.const(node.text)
        self.emit(ind, f"if {base.value} is None:")
        self.emit(ind + 1, f"{v} = None")
        self.emit(ind + 1, f"{m} = {base.missing}")
        self.emit(ind + 1, f"{f} = {base.fact}")
        if want:
            self.emit(ind + 1, f"{n} = {self.node(text, 'None', m, (), f, bind=bind)}")
            x = self.json(ind + 1, text, "None", m, (), f, bind=bind)
            self.jemit(ind + 1, f"{j} = {x}")
        self.emit(ind, "else:")
        self.emit(ind + 1, f"{f} = {base.fact} + {self.const('.' + node.name)}")
        self.emit(ind + 1, f"{v} = {base.value}.{node.name}")
        self.emit(ind + 1, f"{m} = frozenset(({f},)) if {v} is None else EMPTY")
        if want:
            src = self.fresh("src")
            self.emit(ind + 1, f"{src} = prov.get({f})")
            self.emit(ind + 1, f"{n} = {self.node(text, v, m, (), f, src, bind=bind)}")
            x = self.json(ind + 1, text, self.jvalue(node, v), m, (), f, src, bind=bind)
            self.jemit(ind + 1, f"{j} = {x}")
        return _Val(v, m, n, j, f)

    def x_SubjectRef(self, node: ir.SubjectRef, ind: int, env: Any, bind: str, want: bool) -> _Val:
        m, n, text = self.fresh("m"), self.fresh("n"), self.const(node.text)
        fact = repr("subject")
        self.emit(ind, f"{m} = EMPTY if subj is not None else frozenset((spath,))")
        self.emit(ind, f"{n} = {self.node(text, 'subj', m, (), fact, bind=bind)}")
        j = self.json(ind, text, "subj", m, (), fact, bind=bind)
        return _Val("subj", m, n, j, fact)

    def x_AsOf(self, node: ir.AsOf, ind: int, env: Any, bind: str, want: bool) -> _Val:
        n, text = self.fresh("n"), self.const(node.text)
        self.emit(ind, f"{n} = {self.node(text, 'as_of', 'EMPTY', (), bind=bind)}")
        j = self.json(ind, text, "jv(as_of, cache)", bind=bind)
        return _Val("as_of", "EMPTY", n, j, "None")

    def x_BoolOp(self, node: ir.BoolOp, ind: int, env: Any, bind: str, want: bool) -> _Val:
        v, m, n, j = self.fresh(), self.fresh("m"), self.fresh("n"), self.fresh("j")
        text = self.const(node.text)
        decisive = "True" if node.op == "or" else "False"
        other = "False" if node.op == "or" else "True"
        level = ind
        done: list[_Val] = []

        def result(at: int, value: str, missing: str) -> None:
            self.emit(at, f"{v} = {value}")
            self.emit(at, f"{m} = {missing}")
            kids = [d.node for d in done]
            self.emit(at, f"{n} = {self.node(text, value, missing, kids, bind=bind)}")
            x = self.json(at, text, value, missing, [d.json for d in done], bind=bind)
            self.jemit(at, f"{j} = {x}")

        for item in node.items:
            r = self.expr(item, level, env)
            done.append(r)
            self.emit(level, f"if {r.value} is {decisive}:")
            result(level + 1, decisive, "EMPTY")
            self.emit(level, "else:")
            level += 1
        # A decided operand has no missing facts, so the union over all operands is the union
        # over the unknown ones (the interpreter's loop); the property tests check it.
        self.emit(level, f"if {' or '.join(f'{d.value} is None' for d in done)}:")
        self.emit(level + 1, f"{m} = {' | '.join(d.missing for d in done)}")
        result(level + 1, "None", m)
        self.emit(level, "else:")
        result(level + 1, other, "EMPTY")
        return _Val(v, m, n, j, "None")

    def x_Not(self, node: ir.Not, ind: int, env: Any, bind: str, want: bool) -> _Val:
        r = self.expr(node.item, ind, env)
        v, n, text = self.fresh(), self.fresh("n"), self.const(node.text)
        self.emit(ind, f"{v} = None if {r.value} is None else not {r.value}")
        self.emit(ind, f"{n} = {self.node(text, v, r.missing, [r.node], bind=bind)}")
        j = self.json(ind, text, v, r.missing, [r.json], bind=bind)
        return _Val(v, r.missing, n, j, "None")

    def _binary(self, node: ir.Node, a: _Val, b: _Val, op: str, ind: int, bind: str) -> _Val:
        v, m, n = self.fresh(), self.fresh("m"), self.fresh("n")
        text = self.const(node.text)
        unknown = [x for x in (a, b) if not x.known]
        if unknown:
            self.emit(ind, f"if {' or '.join(f'{x.value} is None' for x in unknown)}:")
            self.emit(ind + 1, f"{v} = None")
            self.emit(ind + 1, f"{m} = {' | '.join(x.missing for x in unknown)}")
            self.emit(ind, "else:")
            self.emit(ind + 1, f"{v} = {op.format(a=a.value, b=b.value)}")
            self.emit(ind + 1, f"{m} = EMPTY")
        else:
            self.emit(ind, f"{v} = {op.format(a=a.value, b=b.value)}")
            self.emit(ind, f"{m} = EMPTY")
        self.emit(ind, f"{n} = {self.node(text, v, m, [a.node, b.node], bind=bind)}")
        j = self.json(ind, text, self.jvalue(node, v), m, [a.json, b.json], bind=bind)
        return _Val(v, m, n, j, "None")

    def x_Compare(self, node: ir.Compare, ind: int, env: Any, bind: str, want: bool) -> _Val:
        a, b = self.expr(node.left, ind, env), self.expr(node.right, ind, env)
        return self._binary(node, a, b, "bool({a} " + node.op + " {b})", ind, bind)

    def x_Member(self, node: ir.Member, ind: int, env: Any, bind: str, want: bool) -> _Val:
        a, b = self.expr(node.item, ind, env), self.expr(node.container, ind, env)
        op = "({a} not in {b})" if node.negate else "({a} in {b})"
        return self._binary(node, a, b, op, ind, bind)

    def x_DaysBetween(
        self, node: ir.DaysBetween, ind: int, env: Any, bind: str, want: bool
    ) -> _Val:
        a, b = self.expr(node.start, ind, env), self.expr(node.end, ind, env)
        return self._binary(node, a, b, "({b} - {a}).days", ind, bind)

    def x_Quantifier(self, node: ir.Quantifier, ind: int, env: Any, bind: str, want: bool) -> _Val:
        s = self.expr(node.source, ind, env)
        v, m, n, j = self.fresh(), self.fresh("m"), self.fresh("n"), self.fresh("j")
        text = self.const(node.text)
        self.emit(ind, f"if {s.value} is None:")
        self.emit(ind + 1, f"{v} = None")
        self.emit(ind + 1, f"{m} = {s.missing}")
        self.emit(ind + 1, f"{n} = {self.node(text, 'None', m, [s.node], bind=bind)}")
        self.jemit(ind + 1, f"{j} = {self.json(ind + 1, text, 'None', m, [s.json], bind=bind)}")
        self.emit(ind, "else:")
        body = ind + 1
        base, kids, jkids, unknown, index, element, path, early, label = (
            self.fresh("base"),
            self.fresh("kids"),
            self.fresh("jkids"),
            self.fresh("u"),
            self.fresh("i"),
            self.fresh("e"),
            self.fresh("p"),
            self.fresh("d"),
            self.fresh("b"),
        )
        self.emit(body, f"{base} = {s.fact} or {self.const(node.source.text)}")
        self.emit(body, f"{kids} = [{s.node}]")
        self.jemit(body, f"{jkids} = [{s.json}]")
        self.emit(body, f"{unknown} = None")  # None: no unknown element; else their missing
        self.emit(body, f"{early} = None")
        if node.kind == "count":
            self.emit(body, f"{v} = 0")
        self.emit(body, f"for {index}, {element} in enumerate({s.value}):")
        loop = body + 1
        self.emit(loop, f'{path} = f"{{{base}}}[{{{index}}}]"')
        self.emit(loop, f"{label} = {self.const(node.var + ' = ')} + {path}")
        r = self.expr(node.pred, loop, {**env, node.var: (element, path)}, bind=label)
        self.emit(loop, f"{kids}.append({r.node})")
        self.jemit(loop, f"{jkids}.append({r.json})")
        self.emit(loop, f"if {r.value} is None:")
        self.emit(
            loop + 1, f"{unknown} = {r.missing} if {unknown} is None else {unknown} | {r.missing}"
        )
        if node.kind == "count":
            self.emit(loop, f"elif {r.value} is True:")
            self.emit(loop + 1, f"{v} += 1")
        else:
            decisive = "True" if node.kind == "any" else "False"
            self.emit(loop, f"elif {r.value} is {decisive}:")
            self.emit(loop + 1, f"{early} = {decisive}")
            self.emit(loop + 1, "break")
        self.emit(body, f"if {early} is not None:")
        self.emit(body + 1, f"{v} = {early}")
        self.emit(body + 1, f"{m} = EMPTY")
        self.emit(body, f"elif {unknown} is not None:")
        self.emit(body + 1, f"{v} = None")
        self.emit(body + 1, f"{m} = {unknown}")
        self.emit(body, "else:")
        if node.kind != "count":
            self.emit(body + 1, f"{v} = {'False' if node.kind == 'any' else 'True'}")
        self.emit(body + 1, f"{m} = EMPTY")
        self.emit(body, f"{n} = {self.node(text, v, m, f'tuple({kids})', bind=bind)}")
        self.jemit(body, f"{j} = {self.json(body, text, v, m, jkids, bind=bind)}")
        return _Val(v, m, n, j, "None")

    def x_Length(self, node: ir.Length, ind: int, env: Any, bind: str, want: bool) -> _Val:
        s = self.expr(node.source, ind, env)
        v, m, n, text = self.fresh(), self.fresh("m"), self.fresh("n"), self.const(node.text)
        self.emit(ind, f"if {s.value} is None:")
        self.emit(ind + 1, f"{v} = None")
        self.emit(ind + 1, f"{m} = {s.missing}")
        self.emit(ind, "else:")
        self.emit(ind + 1, f"{v} = len({s.value})")
        self.emit(ind + 1, f"{m} = EMPTY")
        self.emit(ind, f"{n} = {self.node(text, v, m, [s.node], bind=bind)}")
        j = self.json(ind, text, v, m, [s.json], bind=bind)
        return _Val(v, m, n, j, "None")

    def x_ProfileParam(
        self, node: ir.ProfileParam, ind: int, env: Any, bind: str, want: bool
    ) -> _Val:
        s = self.expr(node.state, ind, env)
        v, m, n, f, j = (
            self.fresh(),
            self.fresh("m"),
            self.fresh("n"),
            self.fresh("f"),
            self.fresh("j"),
        )
        params, label = self.fresh("pp"), self.fresh("lab")
        text = self.const(node.text)
        self.emit(ind, f"if {s.value} is None:")
        self.emit(ind + 1, f"{v} = None")
        self.emit(ind + 1, f"{m} = {s.missing}")
        self.emit(ind + 1, f"{f} = None")
        self.emit(ind + 1, f"{n} = {self.node(text, 'None', m, [s.node], bind=bind)}")
        self.jemit(ind + 1, f"{j} = {self.json(ind + 1, text, 'None', m, [s.json], bind=bind)}")
        self.emit(ind, "else:")
        self.emit(ind + 1, f"{params}, {label} = res[{self.const(self.package)}]({s.value})")
        self.emit(ind + 1, f"read.add({label})")
        self.emit(ind + 1, f"{v} = {params}.{node.param}")
        self.emit(ind + 1, f'{f} = f"profile({{{s.value}}}).{node.param}"')
        self.emit(ind + 1, f"{m} = frozenset(({f},)) if {v} is None else EMPTY")
        self.emit(ind + 1, f"{n} = {self.node(text, v, m, [s.node], f, profile=label, bind=bind)}")
        x = self.json(ind + 1, text, self.jvalue(node, v), m, [s.json], f, profile=label, bind=bind)
        self.jemit(ind + 1, f"{j} = {x}")
        return _Val(v, m, n, j, f)

    def x_Breached(self, node: ir.Breached, ind: int, env: Any, bind: str, want: bool) -> _Val:
        key = (node.package, node.rule)
        o, mm, tr, tj = self.fresh("o"), self.fresh("mm"), self.fresh("tr"), self.fresh("tj")
        inner, v, m, n = self.fresh("inner"), self.fresh(), self.fresh("m"), self.fresh("n")
        labels = self.const(tuple(f"{node.rule}: {o.label}" for o in Outcome))
        call = f"{self.name(key)}(inc, subj, spath, read, as_of, res, cache)"
        self.emit(ind, f"{o}, {mm}, {tr}, {tj} = {call}")
        self.emit(ind, f"{v} = BREACHED[{o}]")
        self.emit(ind, f"{m} = {mm} if {v} is None else EMPTY")
        # the inner rule's root, relabelled with its outcome: _Run.breached in engine.evaluate
        self.emit(ind, f"{inner} = ({labels}[{o}], {v}, {m}, *{tr}[3:])")
        ij = self.json(ind, f"{labels}[{o}]", v, m, f"{tj}['children']")
        self.emit(ind, f"{n} = {self.node(self.const(node.text), v, m, [inner], bind=bind)}")
        j = self.json(ind, self.const(node.text), v, m, [ij], bind=bind)
        return _Val(v, m, n, j, "None")

    # -- a whole rule --------------------------------------------------------------------
    def memo(self, rule: Rule) -> None:
        """A rule that others name through ``breached`` is decided once per incident, subject
        and subject path: the function under its name looks in the per-incident cache first
        and runs the body (``NAME_body``) only on a miss, keeping the profiles it read.

        Why: ``il.countermeasures`` re-reads four rules that the same evaluation has just
        decided on their own; deciding them again was a fifth of a traced evaluation. The
        decision is the same (same incident, subject, date, profiles), and so are its trace
        and JSON, which are shared read-only (``model.verdict``).
        """
        name = self.name(rule.key)
        self.emit(0, f"def {name}(inc, subj, spath, read, as_of, res, cache):")
        self.emit(1, f"key = ({name}, subj, spath)")
        self.emit(1, "hit = cache.get(key)")
        self.emit(1, "if hit is None:")
        self.emit(2, "mine = set()")
        self.emit(2, f"o, m, t, j = {name}_body(inc, subj, spath, mine, as_of, res, cache)")
        self.emit(2, "hit = cache[key] = (o, m, t, j, mine)")
        self.emit(1, "read |= hit[4]")
        self.emit(1, "return hit[0], hit[1], hit[2], hit[3]")

    def rule(self, rule: Rule, parties: frozenset[str], *, memo: bool = False) -> None:
        """``_Run.decide`` of ``engine.evaluate`` for one rule, both criteria inlined."""
        self.package = rule.package
        body = f"{self.name(rule.key)}_body" if memo else self.name(rule.key)
        self.emit(0, f"def {body}(inc, subj, spath, read, as_of, res, cache):")
        self.emit(1, "prov = inc.provenance")
        by_parties = rule.binds == "parties"
        a = self.expr(rule.applies, 1, {}, bind="None" if by_parties else "'applies_when'")
        root = self.const(rule.root_text)
        labelled, labelled_json = a.node, a.json
        self.emit(1, f"av = {a.value}")
        self.emit(1, f"am = {a.missing}")

        def finish(
            at: int, outcome: str, value: str, missing: str, kids: list[tuple[str, str]]
        ) -> None:
            tup = self.node(root, value, missing, [k for k, _ in kids])
            j = self.json(at, root, value, missing, [x for _, x in kids])
            self.emit(at, f"return {outcome}, {missing}, {tup}, {j}")

        if by_parties:
            self.emit(1, f"if subj is not None and subj not in {self.const(parties)}:")
            text = f"subj + {self.const(' is not a party to ' + rule.package)}"
            not_party = self.node(text, "False", "EMPTY", [a.node], bind="'applies_when'")
            nj = self.json(2, text, "False", children=[a.json], bind="'applies_when'")
            finish(2, "NOT_APPLICABLE", "False", "EMPTY", [(not_party, nj)])
            labelled, labelled_json = "al", "alj"
            self.emit(1, f"al = {a.node}[:7] + ('applies_when',)")
            self.jemit(1, f"alj = rebind({a.json}, 'applies_when')")
            self.emit(1, "if subj is None and av is True:")
            self.emit(2, "av = None")
            self.emit(2, "am = frozenset((spath,))")
        self.emit(1, "if av is False:")
        finish(2, "NOT_APPLICABLE", "False", "EMPTY", [(labelled, labelled_json)])
        v = self.expr(rule.violated, 1, {}, bind="'violated_when'")
        both = [(labelled, labelled_json), (v.node, v.json)]
        self.emit(1, f"if {v.value} is False:")
        finish(2, "NO_VIOLATION", "False", "EMPTY", both)
        self.emit(1, f"if {v.value} is None or av is None:")
        self.emit(
            2, f"m = ({v.missing} if {v.value} is None else EMPTY) | (am if av is None else EMPTY)"
        )
        finish(2, "UNDETERMINED", "None", "m", both)
        self.emit(1, "if subj is None:")
        self.emit(2, "m = frozenset((spath,))")
        finish(2, "UNDETERMINED", "None", "m", both)
        finish(1, "VIOLATION", "True", "EMPTY", both)
        self.emit(0, "")


def _rebind(json: dict[str, Any], bind: str) -> dict[str, Any]:
    """A node's JSON with ``bind`` set, in ``raw_to_json``'s key order (bind after value)."""
    out = {"expr": json["expr"], "value": json["value"], "bind": bind}
    out.update((k, x) for k, x in json.items() if k not in out)
    return out


def compile_traced(
    rules: Sequence[Rule], parties: Mapping[str, frozenset[str]], *, with_json: bool = True
) -> dict[tuple[str, str], Trace]:
    """Generate one tracing function per rule; ``breached`` calls go to the others by name.

    ``rules`` must contain every rule that any of them names through ``breached`` (one lens's
    table, as for ``engine.codegen.compile_rules``). ``with_json`` False: the functions
    return None for the JSON and do none of its work.
    """
    gen = _Gen(with_json)
    named = {k for r in rules for c in (r.applies, r.violated) for k in ir.references(c)}
    for rule in rules:
        memo = rule.key in named
        gen.rule(rule, parties.get(rule.package, frozenset()), memo=memo)
        if memo:
            gen.memo(rule)
    source = "\n".join(gen.lines)
    namespace: dict[str, Any] = {
        "EMPTY": EMPTY,
        "BREACHED": (False, False, None, True),
        "NOT_APPLICABLE": Outcome.NOT_APPLICABLE,
        "NO_VIOLATION": Outcome.NO_VIOLATION,
        "UNDETERMINED": Outcome.UNDETERMINED,
        "VIOLATION": Outcome.VIOLATION,
        "jv": json_value,
        "records": json_records,
        "source_json": source_json,
        "rebind": _rebind,
        **gen.consts,
    }
    exec(compile(source, "<cybernorms traced rules>", "exec"), namespace)
    return {rule.key: namespace[gen.name(rule.key)] for rule in rules}
