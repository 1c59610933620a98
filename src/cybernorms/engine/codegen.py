"""Generated Python: the algebra implemented by emitting code, verdict codes or full traces.

Why generate code: a verdict-only evaluation is the bulk of the work (millions of incidents
times every rule), and a tree of closures spends most of its time in calls. This back end
*stages* the semantics: ``semantics.decision.decide`` runs once per rule at compile time, and
each algebra operation writes the Python statements that perform it (nested ``if``s for
short-circuits, ``for`` loops for quantifiers) instead of performing it. The result is one
straight-line function per rule.

One generator, two modes - tracing is a switch, as OPA's tracer is an observer of the same
evaluation:

* **fast** (``compile_fast``): each rule's function returns its ``Outcome`` code (0 not
  applicable, 1 no violation, 2 undetermined, 3 violation) and computes nothing else;
* **traced** (``compile_traced``): each function returns the outcome, the ``missing`` set,
  the trace (``model.verdict.RawTrace`` tuples, exactly those of the reference interpreter,
  ``engine.reference``) and, unless ``with_json`` is False, the trace's JSON
  (``raw_to_json``'s shape, written from the values at hand: converting the finished tuples
  afterwards cost more than evaluating the rule).

Safety: the generator reads only the typed IR. Texts and literals from a rulebook are bound
as named constants, never spliced into code; the only names written into code are fact
fields and profile parameters, which the type checker has matched against the fact schema,
and generated variable names.
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
    word,
)
from cybernorms.rules import ir
from cybernorms.rules.package import Rule
from cybernorms.rules.types import BOOL, INT, STATE, TEXT, EnumType, ListType, RecordType
from cybernorms.semantics.algebra import Algebra
from cybernorms.semantics.decision import BREACH, NO_SUBJECT, decide
from cybernorms.semantics.nodes import Scope, evaluate

EMPTY: frozenset[str] = frozenset()

# Per package id: the profile parameters in force for a state (the package's defaults where
# the state has published none).
ProfileResolvers = Mapping[str, Callable[[str], ProfileParameters]]
# decide(incident, subject, resolvers, as_of) -> outcome code
Decide = Callable[[Incident, str | None, ProfileResolvers, dt.date], int]
# subjects(incident, resolvers, as_of) -> the subject expression's value (state, list, None)
Subjects = Callable[[Incident, ProfileResolvers, dt.date], Any]

# Per package id: the parameters in force for a state and the label a trace shows for them.
TracedResolvers = Mapping[str, Callable[[str], tuple[ProfileParameters, str]]]
Traced = tuple[Outcome, frozenset[str], RawTrace, dict[str, Any] | None]
# trace(incident, subject, subject_path, profiles_read, as_of, resolvers, cache)
#   -> (outcome, missing, trace, the trace's JSON or None); ``profiles_read`` receives the
#   labels of the profiles read; ``cache`` converts fact objects to JSON once per incident.
Trace = Callable[[Incident, str | None, str, set[str], dt.date, TracedResolvers, JsonCache], Traced]
# no_subject(incident, subject_path, profiles_read, as_of, resolvers, cache): the verdict
#   of a rule whose subject list is known to be empty.
NoSubject = Callable[[Incident, str, set[str], dt.date, TracedResolvers, JsonCache], Traced]


@dataclass(frozen=True)
class FastRule:
    decide: Decide
    subjects: Subjects


@dataclass(frozen=True)
class TracedRule:
    trace: Trace
    no_subject: NoSubject


# Types whose values are JSON as they are (written into a node's dict unchanged).
_PLAIN_TYPES = (BOOL, INT, STATE, TEXT)


def _plain(tp: Any) -> bool:
    return tp in _PLAIN_TYPES or isinstance(tp, EnumType)


class _Val:
    """Where the generated code keeps one evaluated node: code for its Kleene value and (when
    tracing) its ``missing`` set, trace tuple, JSON dict and fact path. ``known``: a literal,
    never unknown, so no test for None is written. ``build``: the trace tuple and JSON are
    written only where a parent uses them (the element in ``t.sector`` is read for its value
    only, and is not a node of the trace)."""

    __slots__ = ("bind", "build", "fact", "json", "known", "missing", "node", "value")

    def __init__(
        self,
        value: str,
        missing: str = "EMPTY",
        node: str = "None",
        json: str = "None",
        fact: str = "None",
        *,
        known: bool = False,
        bind: str = "None",
        build: Callable[[], tuple[str, str]] | None = None,
    ) -> None:
        self.value = value
        self.missing = missing
        self.node = node
        self.json = json
        self.fact = fact
        self.known = known
        self.bind = bind
        self.build = build


class _Gen(Algebra[_Val, str, None]):
    """The algebra as a code writer. Guards are code for a Python condition; an outcome is
    written (``return ...``) where the decision reaches it, so ``O`` is None."""

    def __init__(self, *, traced: bool, with_json: bool = True) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {}
        self.counter = 0
        self.ind = 0
        self.traced = traced
        self.with_json = traced and with_json
        self.names: dict[tuple[str, str], str] = {}
        # The label (code) for the trace slot ``bind`` of the node of an IR node, by its id:
        # "applies_when", "violated_when", "t = targets[0]" (set around the evaluation).
        self.binds: dict[int, str] = {}
        # The question each rule answers, by key: a ``breached`` node is labelled with the
        # named rule's answer in its own words ("attributable", never "violation").
        self.questions: dict[tuple[str, str], str] = {}

    # -- writing code ------------------------------------------------------------------------
    def fresh(self, prefix: str = "v") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def const(self, value: Any) -> str:
        """A named constant for any value from a rulebook (nothing is spliced into code)."""
        if value is None or value is True or value is False:
            return repr(value)
        if not self.traced and isinstance(value, int | str):
            return repr(value)
        name = self.fresh("K")
        self.consts[name] = value
        return name

    def emit(self, line: str, at: int | None = None) -> None:
        self.lines.append("    " * (self.ind if at is None else at) + line)

    def jemit(self, line: str, at: int | None = None) -> None:
        """A line that only builds JSON (left out when the functions make none)."""
        if self.with_json:
            self.emit(line, at)

    def nested(self, at: int, body: Callable[[], Any]) -> Any:
        """Run ``body`` (which writes code) at indentation ``at``."""
        saved, self.ind = self.ind, at
        try:
            return body()
        finally:
            self.ind = saved

    def rule_name(self, key: tuple[str, str]) -> str:
        if key not in self.names:
            self.names[key] = "rule_" + "".join(
                c if c.isalnum() else "_" for c in f"{key[0]}__{key[1]}"
            )
        return self.names[key]

    def bind_of(self, node: ir.Node) -> str:
        return self.binds.get(id(node), "None")

    def trace_of(self, val: _Val) -> tuple[str, str]:
        """Code for ``val``'s trace tuple and JSON, written here if they were deferred."""
        return val.build() if val.build is not None else (val.node, val.json)

    @staticmethod
    def tup(
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
        text: str,
        value: str,
        missing: str = "EMPTY",
        children: Sequence[str] | str = (),
        fact: str = "None",
        source: str = "None",
        profile: str = "None",
        bind: str = "None",
    ) -> str:
        """Emit the dict ``raw_to_json`` makes of the tuple ``tup(...)`` of the same codes.

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
        self.emit(f"{j} = {{{', '.join(keys)}}}")
        if tested:
            if source != "None":
                self.emit(f"if {source} is not None:")
                self.emit(f"{j}['source'] = source_json({source})", self.ind + 1)
            if profile != "None":
                self.emit(f"{j}['profile'] = {profile}")
            if missing != "EMPTY":
                self.emit(f"if {missing}:")
                self.emit(f"{j}['missing'] = sorted({missing})", self.ind + 1)
            if children:
                self.emit(f"{j}['children'] = {kids}")
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

    def traced_node(
        self, node: ir.Node, value: str, missing: str, kids: Sequence[_Val], fact: str = "None"
    ) -> _Val:
        """A node whose slots are value, missing and children (most operations)."""
        n, bind, text = self.fresh("n"), self.bind_of(node), self.const(node.text)
        codes = [self.trace_of(k) for k in kids]
        self.emit(f"{n} = {self.tup(text, value, missing, [c[0] for c in codes], bind=bind)}")
        j = self.json(text, self.jvalue(node, value), missing, [c[1] for c in codes], bind=bind)
        return _Val(value, missing, n, j, fact, bind=bind)

    # -- guards ------------------------------------------------------------------------------
    def is_true(self, value: _Val) -> str:
        return f"{value.value} is True"

    def is_false(self, value: _Val) -> str:
        return f"{value.value} is False"

    def is_unknown(self, value: _Val) -> str:
        return "False" if value.known else f"{value.value} is None"

    def g_not(self, guard: str) -> str:
        return {"True": "False", "False": "True"}.get(guard, f"not ({guard})")

    def g_all(self, guards: Sequence[str]) -> str:
        if "False" in guards:
            return "False"
        kept = [g for g in guards if g != "True"]
        return " and ".join(f"({g})" for g in kept) if kept else "True"

    def g_any(self, guards: Sequence[str]) -> str:
        if "True" in guards:
            return "True"
        kept = [g for g in guards if g != "False"]
        return " or ".join(f"({g})" for g in kept) if kept else "False"

    def date_on_or_after(self, value: _Val, day: dt.date) -> str:
        return f"({value.value} is not None and {value.value} >= {self.const(day)})"

    def date_before(self, value: _Val, day: dt.date) -> str:
        return f"({value.value} is not None and {value.value} < {self.const(day)})"

    # -- leaves ------------------------------------------------------------------------------
    def literal(self, node: ir.Const | ir.SetLit) -> _Val:
        value = node.value if isinstance(node, ir.Const) else node.values
        known = value is not None  # None: a position's open question (unknown, nothing missing)
        if not self.traced:
            if isinstance(node, ir.SetLit):
                return _Val(self.const(value), known=True)
            # bound to a variable, so that ``x is None`` tests never meet a literal
            out = self.fresh()
            self.emit(f"{out} = {self.const(value)}")
            return _Val(out, known=known)
        text, k, bind = self.const(node.text), self.const(value), self.bind_of(node)
        if bind == "None":
            tup = self.const((node.text, value, EMPTY, (), None, None, None, None))
        else:
            tup = self.tup(text, k, "EMPTY", (), bind=bind)
        jv = self.const(_json_value(value))  # once, here, shared by every output
        j = self.json(text, jv, bind=bind)
        return _Val(k, "EMPTY", tup, j, known=known, bind=bind)

    def fact(self, node: ir.FactRef) -> _Val:
        path = ".".join(node.path)
        v = self.fresh()
        self.emit(f"{v} = inc.{path}")
        if not self.traced:
            return _Val(v)
        m, n, src = self.fresh("m"), self.fresh("n"), self.fresh("src")
        fact, text, bind = self.const(path), self.const(node.text), self.bind_of(node)
        self.emit(f"{m} = {self.const(frozenset((path,)))} if {v} is None else EMPTY")
        self.emit(f"{src} = prov.get({fact}) if prov else None")
        self.emit(f"{n} = {self.tup(text, v, m, (), fact, src, bind=bind)}")
        j = self.json(text, self.jvalue(node, v), m, (), fact, src, bind=bind)
        return _Val(v, m, n, j, fact, bind=bind)

    def variable(self, node: ir.VarRef, bound: _Val) -> _Val:
        if not self.traced:
            return _Val(bound.value)
        element, path = bound.value, bound.fact
        m, text, bind = self.fresh("m"), self.const(node.text), self.bind_of(node)
        self.emit(f"{m} = EMPTY if {element} is not None else frozenset(({path},))")

        def build() -> tuple[str, str]:
            n = self.fresh("n")
            self.emit(f"{n} = {self.tup(text, element, m, (), path, bind=bind)}")
            return n, self.json(text, self.jvalue(node, element), m, (), path, bind=bind)

        return _Val(element, m, fact=path, bind=bind, build=build)

    def field(self, node: ir.FieldOf, base: _Val) -> _Val:
        v = self.fresh()
        if not self.traced:
            self.emit(f"{v} = None if {base.value} is None else {base.value}.{node.name}")
            return _Val(v)
        m, f, n, j = self.fresh("m"), self.fresh("f"), self.fresh("n"), self.fresh("j")
        text, bind, ind = self.const(node.text), self.bind_of(node), self.ind
        self.emit(f"if {base.value} is None:")
        self.emit(f"{v} = None", ind + 1)
        self.emit(f"{m} = {base.missing}", ind + 1)
        self.emit(f"{f} = {base.fact}", ind + 1)
        self.emit(f"{n} = {self.tup(text, 'None', m, (), f, bind=bind)}", ind + 1)
        x = self.nested(ind + 1, lambda: self.json(text, "None", m, (), f, bind=bind))
        self.jemit(f"{j} = {x}", ind + 1)
        self.emit("else:")
        self.emit(f"{f} = {base.fact} + {self.const('.' + node.name)}", ind + 1)
        self.emit(f"{v} = {base.value}.{node.name}", ind + 1)
        self.emit(f"{m} = frozenset(({f},)) if {v} is None else EMPTY", ind + 1)
        src = self.fresh("src")
        self.emit(f"{src} = prov.get({f})", ind + 1)
        self.emit(f"{n} = {self.tup(text, v, m, (), f, src, bind=bind)}", ind + 1)
        x = self.nested(
            ind + 1, lambda: self.json(text, self.jvalue(node, v), m, (), f, src, bind=bind)
        )
        self.jemit(f"{j} = {x}", ind + 1)
        return _Val(v, m, n, j if self.with_json else "None", f, bind=bind)

    def subject(self, node: ir.SubjectRef, subject: _Val) -> _Val:
        if not self.traced:
            return _Val(subject.value)
        n, text, bind = self.fresh("n"), self.const(node.text), self.bind_of(node)
        fact = repr("subject")
        m = subject.missing
        self.emit(f"{n} = {self.tup(text, subject.value, m, (), fact, bind=bind)}")
        j = self.json(text, subject.value, m, (), fact, bind=bind)
        return _Val(subject.value, m, n, j, fact, bind=bind)

    def as_of(self, node: ir.AsOf) -> _Val:
        if not self.traced:
            return _Val("as_of")
        n, text, bind = self.fresh("n"), self.const(node.text), self.bind_of(node)
        self.emit(f"{n} = {self.tup(text, 'as_of', 'EMPTY', (), bind=bind)}")
        j = self.json(text, "jv(as_of, cache)", bind=bind)
        return _Val("as_of", "EMPTY", n, j, bind=bind)

    # -- Kleene logic --------------------------------------------------------------------------
    def conj(self, node: ir.BoolOp, items: Sequence[Callable[[], _Val]]) -> _Val:
        return self._boolop(node, items, "False", "True")

    def disj(self, node: ir.BoolOp, items: Sequence[Callable[[], _Val]]) -> _Val:
        return self._boolop(node, items, "True", "False")

    def _boolop(
        self, node: ir.BoolOp, items: Sequence[Callable[[], _Val]], decisive: str, other: str
    ) -> _Val:
        """Nested ``if``s: an operand is evaluated only where no earlier one decided."""
        out, ind = self.fresh(), self.ind
        if not self.traced:
            seen_unknown = self.fresh("u")
            self.emit(f"{seen_unknown} = False")
            level = ind
            for item in items:
                value = self.nested(level, item)
                self.emit(f"if {value.value} is {decisive}:", level)
                self.emit(f"{out} = {decisive}", level + 1)
                self.emit("else:", level)
                level += 1
                self.emit(f"if {value.value} is None:", level)
                self.emit(f"{seen_unknown} = True", level + 1)
            self.emit(f"{out} = None if {seen_unknown} else {other}", level)
            return _Val(out)
        m, n, j = self.fresh("m"), self.fresh("n"), self.fresh("j")
        text, bind = self.const(node.text), self.bind_of(node)
        done: list[_Val] = []

        def result(at: int, value: str, missing: str) -> None:
            def write() -> None:
                self.emit(f"{out} = {value}")
                self.emit(f"{m} = {missing}")
                codes = [self.trace_of(d) for d in done]
                kids = [c[0] for c in codes]
                self.emit(f"{n} = {self.tup(text, value, missing, kids, bind=bind)}")
                x = self.json(text, value, missing, [c[1] for c in codes], bind=bind)
                self.jemit(f"{j} = {x}")

            self.nested(at, write)

        level = ind
        for item in items:
            r = self.nested(level, item)
            done.append(r)
            self.emit(f"if {r.value} is {decisive}:", level)
            result(level + 1, decisive, "EMPTY")
            self.emit("else:", level)
            level += 1
        # A decided operand has no missing facts, so the union over all operands is the union
        # over the unknown ones (the reference's loop); the property tests check it.
        self.emit(f"if {' or '.join(f'{d.value} is None' for d in done)}:", level)
        self.emit(f"{m} = {' | '.join(d.missing for d in done)}", level + 1)
        result(level + 1, "None", m)
        self.emit("else:", level)
        result(level + 1, other, "EMPTY")
        return _Val(out, m, n, j if self.with_json else "None", bind=bind)

    def negate(self, node: ir.Not, item: _Val) -> _Val:
        v = self.fresh()
        self.emit(f"{v} = None if {item.value} is None else not {item.value}")
        if not self.traced:
            return _Val(v)
        return self.traced_node(node, v, item.missing, [item])

    def _binary(self, node: ir.Node, a: _Val, b: _Val, op: str) -> _Val:
        v = self.fresh()
        unknown = [x for x in (a, b) if not x.known]
        expr = op.format(a=a.value, b=b.value)
        if not self.traced:
            guard = " or ".join(f"{x.value} is None" for x in unknown)
            self.emit(f"{v} = None if {guard} else ({expr})" if guard else f"{v} = {expr}")
            return _Val(v)
        m, ind = self.fresh("m"), self.ind
        if unknown:
            self.emit(f"if {' or '.join(f'{x.value} is None' for x in unknown)}:")
            self.emit(f"{v} = None", ind + 1)
            self.emit(f"{m} = {' | '.join(x.missing for x in unknown)}", ind + 1)
            self.emit("else:")
            self.emit(f"{v} = {expr}", ind + 1)
            self.emit(f"{m} = EMPTY", ind + 1)
        else:
            self.emit(f"{v} = {expr}")
            self.emit(f"{m} = EMPTY")
        return self.traced_node(node, v, m, [a, b])

    def compare(self, node: ir.Compare, left: _Val, right: _Val) -> _Val:
        op = "{a} " + node.op + " {b}" if not self.traced else "bool({a} " + node.op + " {b})"
        return self._binary(node, left, right, op)

    def member(self, node: ir.Member, item: _Val, container: _Val) -> _Val:
        return self._binary(
            node, item, container, "{a} not in {b}" if node.negate else "{a} in {b}"
        )

    def days_between(self, node: ir.DaysBetween, start: _Val, end: _Val) -> _Val:
        return self._binary(node, start, end, "({b} - {a}).days")

    # -- lists ---------------------------------------------------------------------------------
    def quantify(self, node: ir.Quantifier, source: _Val, pred: Callable[[_Val], _Val]) -> _Val:
        if not self.traced:
            return self._quantify_fast(node, source, pred)
        s, ind = source, self.ind
        v, m, n, j = self.fresh(), self.fresh("m"), self.fresh("n"), self.fresh("j")
        text, bind = self.const(node.text), self.bind_of(node)
        s_node, s_json = self.trace_of(s)
        self.emit(f"if {s.value} is None:")
        self.emit(f"{v} = None", ind + 1)
        self.emit(f"{m} = {s.missing}", ind + 1)
        self.emit(f"{n} = {self.tup(text, 'None', m, [s_node], bind=bind)}", ind + 1)
        x = self.nested(ind + 1, lambda: self.json(text, "None", m, [s_json], bind=bind))
        self.jemit(f"{j} = {x}", ind + 1)
        self.emit("else:")
        body = ind + 1
        base, kids, jkids, unknown, index, element, path, early, label = (
            self.fresh(p) for p in ("base", "kids", "jkids", "u", "i", "e", "p", "d", "b")
        )
        self.emit(f"{base} = {s.fact} or {self.const(node.source.text)}", body)
        self.emit(f"{kids} = [{s_node}]", body)
        self.jemit(f"{jkids} = [{s_json}]", body)
        self.emit(f"{unknown} = None", body)  # None: no unknown element; else their missing
        self.emit(f"{early} = None", body)
        if node.kind == "count":
            self.emit(f"{v} = 0", body)
        self.emit(f"for {index}, {element} in enumerate({s.value}):", body)
        loop = body + 1
        self.emit(f'{path} = f"{{{base}}}[{{{index}}}]"', loop)
        self.emit(f"{label} = {self.const(node.var + ' = ')} + {path}", loop)
        self.binds[id(node.pred)] = label
        try:
            r = self.nested(loop, lambda: pred(_Val(element, fact=path)))
            r_node, r_json = self.nested(loop, lambda: self.trace_of(r))
        finally:
            del self.binds[id(node.pred)]
        self.emit(f"{kids}.append({r_node})", loop)
        self.jemit(f"{jkids}.append({r_json})", loop)
        self.emit(f"if {r.value} is None:", loop)
        self.emit(
            f"{unknown} = {r.missing} if {unknown} is None else {unknown} | {r.missing}", loop + 1
        )
        if node.kind == "count":
            self.emit(f"elif {r.value} is True:", loop)
            self.emit(f"{v} += 1", loop + 1)
        else:
            decisive = "True" if node.kind == "any" else "False"
            self.emit(f"elif {r.value} is {decisive}:", loop)
            self.emit(f"{early} = {decisive}", loop + 1)
            self.emit("break", loop + 1)
        self.emit(f"if {early} is not None:", body)
        self.emit(f"{v} = {early}", body + 1)
        self.emit(f"{m} = EMPTY", body + 1)
        self.emit(f"elif {unknown} is not None:", body)
        self.emit(f"{v} = None", body + 1)
        self.emit(f"{m} = {unknown}", body + 1)
        self.emit("else:", body)
        if node.kind != "count":
            self.emit(f"{v} = {'False' if node.kind == 'any' else 'True'}", body + 1)
        self.emit(f"{m} = EMPTY", body + 1)
        self.emit(f"{n} = {self.tup(text, v, m, f'tuple({kids})', bind=bind)}", body)
        x = self.nested(body, lambda: self.json(text, v, m, jkids, bind=bind))
        self.jemit(f"{j} = {x}", body)
        return _Val(v, m, n, j if self.with_json else "None", bind=bind)

    def _quantify_fast(
        self, node: ir.Quantifier, source: _Val, pred: Callable[[_Val], _Val]
    ) -> _Val:
        out, var, unknown, ind = self.fresh(), self.fresh("e"), self.fresh("u"), self.ind
        self.emit(f"if {source.value} is None:")
        self.emit(f"{out} = None", ind + 1)
        self.emit("else:")
        body = ind + 1
        start = {"any": "False", "all": "True", "count": "0"}[node.kind]
        self.emit(f"{out} = {start}", body)
        self.emit(f"{unknown} = False", body)
        self.emit(f"for {var} in {source.value}:", body)
        p = self.nested(body + 1, lambda: pred(_Val(var)))
        if node.kind == "count":
            self.emit(f"if {p.value} is None:", body + 1)
            self.emit(f"{unknown} = True", body + 2)
            self.emit("break", body + 2)
            self.emit(f"if {p.value}:", body + 1)
            self.emit(f"{out} += 1", body + 2)
        else:
            decisive = "True" if node.kind == "any" else "False"
            self.emit(f"if {p.value} is {decisive}:", body + 1)
            self.emit(f"{out} = {decisive}", body + 2)
            self.emit(f"{unknown} = False", body + 2)
            self.emit("break", body + 2)
            self.emit(f"if {p.value} is None:", body + 1)
            self.emit(f"{unknown} = True", body + 2)
        self.emit(f"if {unknown}:", body)
        self.emit(f"{out} = None", body + 1)
        return _Val(out)

    def length(self, node: ir.Length, source: _Val) -> _Val:
        v = self.fresh()
        if not self.traced:
            self.emit(f"{v} = None if {source.value} is None else len({source.value})")
            return _Val(v)
        m, ind = self.fresh("m"), self.ind
        self.emit(f"if {source.value} is None:")
        self.emit(f"{v} = None", ind + 1)
        self.emit(f"{m} = {source.missing}", ind + 1)
        self.emit("else:")
        self.emit(f"{v} = len({source.value})", ind + 1)
        self.emit(f"{m} = EMPTY", ind + 1)
        return self.traced_node(node, v, m, [source])

    # -- profiles and rules ----------------------------------------------------------------------
    def profile(self, node: ir.ProfileParam, state: _Val, package: str) -> _Val:
        v, s = self.fresh(), state
        if not self.traced:
            resolve = f"profs[{package!r}]"
            self.emit(f"{v} = None if {s.value} is None else {resolve}({s.value}).{node.param}")
            return _Val(v)
        m, n, f, j = self.fresh("m"), self.fresh("n"), self.fresh("f"), self.fresh("j")
        params, label, ind = self.fresh("pp"), self.fresh("lab"), self.ind
        text, bind = self.const(node.text), self.bind_of(node)
        s_node, s_json = self.trace_of(s)
        self.emit(f"if {s.value} is None:")
        self.emit(f"{v} = None", ind + 1)
        self.emit(f"{m} = {s.missing}", ind + 1)
        self.emit(f"{f} = None", ind + 1)
        self.emit(f"{n} = {self.tup(text, 'None', m, [s_node], bind=bind)}", ind + 1)
        x = self.nested(ind + 1, lambda: self.json(text, "None", m, [s_json], bind=bind))
        self.jemit(f"{j} = {x}", ind + 1)
        self.emit("else:")
        self.emit(f"{params}, {label} = res[{self.const(package)}]({s.value})", ind + 1)
        self.emit(f"read.add({label})", ind + 1)
        self.emit(f"{v} = {params}.{node.param}", ind + 1)
        self.emit(f'{f} = f"profile({{{s.value}}}).{node.param}"', ind + 1)
        self.emit(f"{m} = frozenset(({f},)) if {v} is None else EMPTY", ind + 1)
        tup = self.tup(text, v, m, [s_node], f, profile=label, bind=bind)
        self.emit(f"{n} = {tup}", ind + 1)
        x = self.nested(
            ind + 1,
            lambda: self.json(text, self.jvalue(node, v), m, [s_json], f, profile=label, bind=bind),
        )
        self.jemit(f"{j} = {x}", ind + 1)
        return _Val(v, m, n, j if self.with_json else "None", f, bind=bind)

    def breached(self, node: ir.Breached, subject: _Val) -> _Val:
        fn = self.rule_name((node.package, node.rule))
        v = self.fresh()
        if not self.traced:
            self.emit(f"{v} = BREACHED[{fn}(inc, {subject.value}, profs, as_of)]")
            return _Val(v)
        o, mm, tr, tj = self.fresh("o"), self.fresh("mm"), self.fresh("tr"), self.fresh("tj")
        inner, m = self.fresh("inner"), self.fresh("m")
        question = self.questions.get((node.package, node.rule), "breach")
        labels = self.const(tuple(f"{node.rule}: {word(question, o)}" for o in Outcome))
        self.emit(
            f"{o}, {mm}, {tr}, {tj} = {fn}(inc, {subject.value}, spath, read, as_of, res, cache)"
        )
        self.emit(f"{v} = BREACHED[{o}]")
        self.emit(f"{m} = {mm} if {v} is None else EMPTY")
        # the inner rule's root, relabelled with its outcome (as the reference's ``breached``)
        self.emit(f"{inner} = ({labels}[{o}], {v}, {m}, *{tr}[3:])")
        ij = self.json(f"{labels}[{o}]", v, m, f"{tj}['children']")
        inner_val = _Val(v, m, inner, ij)
        return self.traced_node(node, v, m, [inner_val])

    # -- outcomes --------------------------------------------------------------------------------
    def when(self, guard: str, then: Callable[[], None], otherwise: Callable[[], None]) -> None:
        if guard == "True":
            return then()
        if guard == "False":
            return otherwise()
        self.emit(f"if {guard}:")
        self.nested(self.ind + 1, then)
        return otherwise()

    def _finish(
        self, outcome: Outcome, value: str, missing: str, kids: Sequence[tuple[str, str]], root: str
    ) -> None:
        tup = self.tup(root, value, missing, [k for k, _ in kids])
        j = self.json(root, value, missing, [x for _, x in kids])
        self.emit(f"return {outcome.name}, {missing}, {tup}, {j}")

    def _labelled(self, val: _Val, label: str) -> tuple[str, str]:
        """``val``'s trace with ``label`` in its bind slot (written now if it has another)."""
        node, json = self.trace_of(val)
        if val.bind == label:
            return node, json
        relabelled = self.fresh("al")
        self.emit(f"{relabelled} = {node}[:7] + ({label},)")
        if not self.with_json:
            return relabelled, "None"
        rj = self.fresh("alj")
        self.emit(f"{rj} = rebind({json}, {label})")
        return relabelled, rj

    def verdict(
        self,
        rule: Rule,
        outcome: Outcome,
        applies: _Val,
        violated: _Val | None,
        missing: Sequence[tuple[str, _Val]],
    ) -> None:
        if not self.traced:
            self.emit(f"return {int(outcome)}")
            return
        terms = [
            v.missing if g == "True" else f"({v.missing} if {g} else EMPTY)"
            for g, v in missing
            if g != "False"
        ]
        names = "EMPTY"
        if terms:
            names = self.fresh("m")
            self.emit(f"{names} = {' | '.join(terms)}")
        kids = [self._labelled(applies, "'applies_when'")]
        if violated is not None:
            kids.append(self._labelled(violated, "'violated_when'"))
        value = repr(BREACH[outcome])
        self._finish(outcome, value, names, kids, self.const(rule.root_text))

    def not_party(self, rule: Rule, subject: _Val, applies: _Val) -> None:
        if not self.traced:
            self.emit(f"return {int(Outcome.NOT_APPLICABLE)}")
            return
        a_node, a_json = self.trace_of(applies)
        text = f"{subject.value} + {self.const(' is not a party to ' + rule.package)}"
        node = self.tup(text, "False", "EMPTY", [a_node], bind="'applies_when'")
        j = self.json(text, "False", children=[a_json], bind="'applies_when'")
        self._finish(
            Outcome.NOT_APPLICABLE, "False", "EMPTY", [(node, j)], self.const(rule.root_text)
        )

    def no_subject(self, rule: Rule, subjects: _Val) -> None:
        if not self.traced:
            self.emit(f"return {int(NO_SUBJECT)}")
            return
        shown = self._labelled(subjects, "'subject'")
        self._finish(NO_SUBJECT, "False", "EMPTY", [shown], self.const(rule.root_text))

    # -- whole rules -------------------------------------------------------------------------------
    def fast_rule(self, rule: Rule, parties: frozenset[str]) -> None:
        name = self.rule_name(rule.key)
        self.emit(f"def {name}(inc, subj, profs, as_of):", 0)
        self.nested(1, lambda: decide(self, rule, _Val("subj"), parties))
        self.emit("", 0)
        self.emit(f"def subjects_{name}(inc, profs, as_of):", 0)
        self.emit("subj = None", 1)
        value = self.nested(
            1, lambda: evaluate(self, rule.subject, Scope(_Val("subj"), rule.package))
        )
        self.emit(f"return {value.value}", 1)
        self.emit("", 0)

    def traced_rule(self, rule: Rule, parties: frozenset[str], *, memo: bool) -> None:
        """One rule's tracing function (``NAME``; ``NAME_body`` under a memo, see ``memo``)
        and its no-subject verdict (``NAME_none``)."""
        name = self.rule_name(rule.key)
        body = f"{name}_body" if memo else name
        self.emit(f"def {body}(inc, subj, spath, read, as_of, res, cache):", 0)
        self.emit("prov = inc.provenance", 1)
        self.emit("smiss = EMPTY if subj is not None else frozenset((spath,))", 1)
        if rule.binds != "parties":  # a parties rule shows applies_when under "not a party"
            self.binds[id(rule.applies)] = "'applies_when'"
        self.binds[id(rule.violated)] = "'violated_when'"
        subject = _Val("subj", "smiss")
        self.nested(1, lambda: decide(self, rule, subject, parties))
        self.emit("", 0)
        self.emit(f"def {name}_none(inc, spath, read, as_of, res, cache):", 0)
        self.emit("prov = inc.provenance", 1)
        self.emit("subj = None", 1)
        self.emit("smiss = frozenset((spath,))", 1)
        self.binds[id(rule.subject)] = "'subject'"
        scope = Scope(_Val("subj", "smiss"), rule.package)
        self.nested(1, lambda: self.no_subject(rule, evaluate(self, rule.subject, scope)))
        self.emit("", 0)
        self.binds.clear()
        if memo:
            self.memo(rule)

    def memo(self, rule: Rule) -> None:
        """A rule that others name through ``breached`` is decided once per incident, subject
        and subject path: the function under its name looks in the per-incident cache first
        and runs the body (``NAME_body``) only on a miss, keeping the profiles it read.

        Why: ``il.countermeasures`` re-reads four rules that the same evaluation has just
        decided on their own; deciding them again was a fifth of a traced evaluation. The
        decision is the same (same incident, subject, date, profiles), and so are its trace
        and JSON, which are shared read-only (``model.verdict``).
        """
        name = self.rule_name(rule.key)
        self.emit(f"def {name}(inc, subj, spath, read, as_of, res, cache):", 0)
        self.emit(f"key = ({name}, subj, spath)", 1)
        self.emit("hit = cache.get(key)", 1)
        self.emit("if hit is None:", 1)
        self.emit("mine = set()", 2)
        self.emit(f"o, m, t, j = {name}_body(inc, subj, spath, mine, as_of, res, cache)", 2)
        self.emit("hit = cache[key] = (o, m, t, j, mine)", 2)
        self.emit("read |= hit[4]", 1)
        self.emit("return hit[0], hit[1], hit[2], hit[3]", 1)
        self.emit("", 0)

    def run(self, title: str) -> dict[str, Any]:
        """Compile what was written; the namespace holding the functions."""
        namespace: dict[str, Any] = {
            "EMPTY": EMPTY,
            # outcome (code) -> breached(): semantics.decision.BREACH, indexed by code
            "BREACHED": tuple(BREACH[o] for o in sorted(Outcome, key=int)),
            "jv": json_value,
            "records": json_records,
            "source_json": source_json,
            "rebind": _rebind,
            **{o.name: o for o in Outcome},
            **self.consts,
        }
        exec(compile("\n".join(self.lines), title, "exec"), namespace)  # noqa: S102 - runs code generated from the typed IR (literals via repr), never input text
        return namespace


def _rebind(json: dict[str, Any], bind: str) -> dict[str, Any]:
    """A node's JSON with ``bind`` set, in ``raw_to_json``'s key order (bind after value)."""
    out = {"expr": json["expr"], "value": json["value"], "bind": bind}
    out.update((k, x) for k, x in json.items() if k not in out)
    return out


def compile_fast(
    rules: Sequence[Rule], parties: Mapping[str, frozenset[str]]
) -> dict[tuple[str, str], FastRule]:
    """One verdict-code function per rule; ``breached`` calls go to the others by name.

    ``rules`` must contain every rule that any of them names through ``breached`` (one
    lens's table). ``parties`` maps a package id to its parties, for rules that bind only
    parties.
    """
    gen = _Gen(traced=False)
    for rule in rules:
        gen.fast_rule(rule, parties.get(rule.package, frozenset()))
    namespace = gen.run("<cybernorms rules>")
    return {
        rule.key: FastRule(
            namespace[gen.rule_name(rule.key)], namespace[f"subjects_{gen.rule_name(rule.key)}"]
        )
        for rule in rules
    }


def compile_traced(
    rules: Sequence[Rule], parties: Mapping[str, frozenset[str]], *, with_json: bool = True
) -> dict[tuple[str, str], TracedRule]:
    """One tracing function per rule (as ``compile_fast``, same generator, tracing on).

    ``with_json`` False: the functions return None for the JSON and do none of its work.
    """
    gen = _Gen(traced=True, with_json=with_json)
    named = {k for r in rules for c in (r.applies, r.violated) for k in ir.references(c)}
    gen.questions = {rule.key: rule.question for rule in rules}
    for rule in rules:
        gen.traced_rule(rule, parties.get(rule.package, frozenset()), memo=rule.key in named)
    namespace = gen.run("<cybernorms traced rules>")
    return {
        rule.key: TracedRule(
            namespace[gen.rule_name(rule.key)], namespace[f"{gen.rule_name(rule.key)}_none"]
        )
        for rule in rules
    }
