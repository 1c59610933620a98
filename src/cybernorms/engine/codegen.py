"""The fast path: rules compiled to plain Python functions that return an outcome code.

Why generate code: a verdict-only evaluation is the bulk of the work (millions of incidents
times every rule), and a tree of closures spends most of its time in calls. Generating one
straight-line function per rule (nested ``if``s for short-circuits, ``for`` loops for
quantifiers) removes that overhead. Safety: the generator reads only the typed IR; every
literal from a rulebook is emitted with ``repr`` or bound as a constant, and names are
generated, so no rulebook text becomes code.

The functions return ``Outcome`` codes (0 not applicable, 1 no violation, 2 undetermined,
3 violation). ``missing`` and traces come from the interpreter (``engine.interpret``),
re-run on demand; the property tests check the two agree on every outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cybernorms.model.facts import Incident
from cybernorms.model.profile import ProfileParameters
from cybernorms.rules import ir
from cybernorms.rules.package import Rule

# Per package id: the profile parameters in force for a state (the package's defaults where
# the state has published none).
ProfileResolvers = Mapping[str, Callable[[str], ProfileParameters]]
# decide(incident, subject, resolvers, as_of) -> outcome code
Decide = Callable[[Incident, str | None, ProfileResolvers, dt.date], int]
# subjects(incident, resolvers, as_of) -> the subject expression's value (state, list, None)
Subjects = Callable[[Incident, ProfileResolvers, dt.date], Any]


@dataclass(frozen=True)
class FastRule:
    decide: Decide
    subjects: Subjects


class _Gen:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {}
        self.counter = 0
        self.package = ""  # the package of the rule being generated: whose defaults apply

    def fresh(self, prefix: str = "v") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def const(self, value: Any) -> str:
        if isinstance(value, bool | int | str):
            return repr(value)
        name = self.fresh("K")
        self.consts[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    # Each expr method emits statements at ``indent`` and returns the name (or literal) that
    # holds the node's Kleene value: True / False / None (unknown), or the plain value.
    def expr(self, node: ir.Node, indent: int, env: Mapping[str, str]) -> str:
        method = getattr(self, f"x_{type(node).__name__}", None)
        if method is None:  # pragma: no cover - every IR class has a case below
            raise TypeError(f"code generator has no case for {type(node).__name__}")
        result: str = method(node, indent, env)
        return result

    def x_Const(self, node: ir.Const, indent: int, env: Mapping[str, str]) -> str:
        # Bound to a variable so that ``x is None`` tests never meet a literal.
        out = self.fresh()
        self.emit(indent, f"{out} = {self.const(node.value)}")
        return out

    def x_SetLit(self, node: ir.SetLit, indent: int, env: Mapping[str, str]) -> str:
        return self.const(node.values)

    def x_FactRef(self, node: ir.FactRef, indent: int, env: Mapping[str, str]) -> str:
        out = self.fresh()
        self.emit(indent, f"{out} = inc.{'.'.join(node.path)}")
        return out

    def x_VarRef(self, node: ir.VarRef, indent: int, env: Mapping[str, str]) -> str:
        return env[node.name]

    def x_FieldOf(self, node: ir.FieldOf, indent: int, env: Mapping[str, str]) -> str:
        base = self.expr(node.base, indent, env)
        out = self.fresh()
        self.emit(indent, f"{out} = None if {base} is None else {base}.{node.name}")
        return out

    def x_SubjectRef(self, node: ir.SubjectRef, indent: int, env: Mapping[str, str]) -> str:
        return "subj"

    def x_AsOf(self, node: ir.AsOf, indent: int, env: Mapping[str, str]) -> str:
        return "as_of"

    def x_BoolOp(self, node: ir.BoolOp, indent: int, env: Mapping[str, str]) -> str:
        out = self.fresh()
        decisive = "True" if node.op == "or" else "False"
        other = "False" if node.op == "or" else "True"
        seen_unknown = self.fresh("u")
        self.emit(indent, f"{seen_unknown} = False")
        level = indent
        for item in node.items:
            value = self.expr(item, level, env)
            self.emit(level, f"if {value} is {decisive}:")
            self.emit(level + 1, f"{out} = {decisive}")
            self.emit(level, "else:")
            level += 1
            self.emit(level, f"if {value} is None:")
            self.emit(level + 1, f"{seen_unknown} = True")
        self.emit(level, f"{out} = None if {seen_unknown} else {other}")
        return out

    def x_Not(self, node: ir.Not, indent: int, env: Mapping[str, str]) -> str:
        value = self.expr(node.item, indent, env)
        out = self.fresh()
        self.emit(indent, f"{out} = None if {value} is None else not {value}")
        return out

    def _binary(self, left: str, right: str, op: str, indent: int, lit_l: bool, lit_r: bool) -> str:
        out = self.fresh()
        checks = [f"{n} is None" for n, lit in ((left, lit_l), (right, lit_r)) if not lit]
        guard = " or ".join(checks)
        expr = op.format(a=left, b=right)
        self.emit(indent, f"{out} = None if {guard} else ({expr})" if guard else f"{out} = {expr}")
        return out

    def x_Compare(self, node: ir.Compare, indent: int, env: Mapping[str, str]) -> str:
        left = self.expr(node.left, indent, env)
        right = self.expr(node.right, indent, env)
        return self._binary(
            left,
            right,
            "{a} " + node.op + " {b}",
            indent,
            isinstance(node.left, ir.Const),
            isinstance(node.right, ir.Const),
        )

    def x_Member(self, node: ir.Member, indent: int, env: Mapping[str, str]) -> str:
        item = self.expr(node.item, indent, env)
        container = self.expr(node.container, indent, env)
        op = "{a} not in {b}" if node.negate else "{a} in {b}"
        return self._binary(
            item,
            container,
            op,
            indent,
            isinstance(node.item, ir.Const),
            isinstance(node.container, ir.SetLit),
        )

    def x_DaysBetween(self, node: ir.DaysBetween, indent: int, env: Mapping[str, str]) -> str:
        start = self.expr(node.start, indent, env)
        end = self.expr(node.end, indent, env)
        return self._binary(start, end, "({b} - {a}).days", indent, False, False)

    def x_Quantifier(self, node: ir.Quantifier, indent: int, env: Mapping[str, str]) -> str:
        source = self.expr(node.source, indent, env)
        out = self.fresh()
        var = self.fresh("e")
        inner = {**env, node.var: var}
        self.emit(indent, f"if {source} is None:")
        self.emit(indent + 1, f"{out} = None")
        self.emit(indent, "else:")
        body = indent + 1
        start = {"any": "False", "all": "True", "count": "0"}[node.kind]
        self.emit(body, f"{out} = {start}")
        unknown = self.fresh("u")
        self.emit(body, f"{unknown} = False")
        self.emit(body, f"for {var} in {source}:")
        pred = self.expr(node.pred, body + 1, inner)
        if node.kind == "count":
            self.emit(body + 1, f"if {pred} is None:")
            self.emit(body + 2, f"{unknown} = True")
            self.emit(body + 2, "break")
            self.emit(body + 1, f"if {pred}:")
            self.emit(body + 2, f"{out} += 1")
        else:
            decisive = "True" if node.kind == "any" else "False"
            self.emit(body + 1, f"if {pred} is {decisive}:")
            self.emit(body + 2, f"{out} = {decisive}")
            self.emit(body + 2, f"{unknown} = False")
            self.emit(body + 2, "break")
            self.emit(body + 1, f"if {pred} is None:")
            self.emit(body + 2, f"{unknown} = True")
        self.emit(body, f"if {unknown}:")
        self.emit(body + 1, f"{out} = None")
        return out

    def x_Length(self, node: ir.Length, indent: int, env: Mapping[str, str]) -> str:
        source = self.expr(node.source, indent, env)
        out = self.fresh()
        self.emit(indent, f"{out} = None if {source} is None else len({source})")
        return out

    def x_ProfileParam(self, node: ir.ProfileParam, indent: int, env: Mapping[str, str]) -> str:
        state = self.expr(node.state, indent, env)
        out = self.fresh()
        resolve = f"profs[{self.package!r}]"
        self.emit(indent, f"{out} = None if {state} is None else {resolve}({state}).{node.param}")
        return out

    def x_Breached(self, node: ir.Breached, indent: int, env: Mapping[str, str]) -> str:
        out = self.fresh()
        fn = self.rule_name((node.package, node.rule))
        self.emit(indent, f"{out} = KLEENE[{fn}(inc, subj, profs, as_of)]")
        return out

    def rule_name(self, key: tuple[str, str]) -> str:
        return "rule_" + "".join(c if c.isalnum() else "_" for c in f"{key[0]}__{key[1]}")


def compile_rules(
    rules: Sequence[Rule], parties: Mapping[str, frozenset[str]]
) -> dict[tuple[str, str], FastRule]:
    """Generate one decide function per rule; ``breached`` calls go to the others by name.

    ``rules`` must contain every rule that any of them names through ``breached``.
    ``parties`` maps a package id to its parties, for rules that bind only parties.
    """
    gen = _Gen()
    for rule in rules:
        name = gen.rule_name(rule.key)
        gen.package = rule.package
        gen.emit(0, f"def {name}(inc, subj, profs, as_of):")
        applies = gen.expr(rule.applies, 1, {})
        if rule.binds == "parties":
            members = gen.const(parties.get(rule.package, frozenset()))
            gen.emit(1, f"if subj is not None and subj not in {members}:")
            gen.emit(2, "return 0")
            gen.emit(1, f"if subj is None and {applies} is True:")
            gen.emit(2, f"{applies} = None")
        gen.emit(1, f"if {applies} is False:")
        gen.emit(2, "return 0")
        violated = gen.expr(rule.violated, 1, {})
        gen.emit(1, f"if {violated} is False:")
        gen.emit(2, "return 1")
        gen.emit(1, f"if {violated} is None or {applies} is None or subj is None:")
        gen.emit(2, "return 2")
        gen.emit(1, "return 3")
        gen.emit(0, "")
        gen.emit(0, f"def subjects_{name}(inc, profs, as_of):")
        gen.emit(1, "subj = None")
        gen.emit(1, f"return {gen.expr(rule.subject, 1, {})}")
        gen.emit(0, "")
    source = "\n".join(gen.lines)
    namespace: dict[str, Any] = {"KLEENE": (False, False, None, True), **gen.consts}
    exec(compile(source, "<cybernorms rules>", "exec"), namespace)
    return {
        rule.key: FastRule(
            namespace[gen.rule_name(rule.key)], namespace[f"subjects_{gen.rule_name(rule.key)}"]
        )
        for rule in rules
    }
