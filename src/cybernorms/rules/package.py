"""Packages and positions: YAML documents compiled into typed rules.

A package is adopted as a whole, so it is loaded as a whole: every problem in every rule is
collected and reported together (``file:line:col: message``), and a package with any problem
is not loaded at all. Rule references (``breached``) are resolved here, across packages named
in ``requires``, and cycles are refused: the engine may then evaluate any rule without guards.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from cybernorms.model.documents import Document, DocumentError, Problem, load_file
from cybernorms.model.profile import ProfileParameters
from cybernorms.model.readers import Reader, is_group, reading_basis
from cybernorms.model.states import KnownState
from cybernorms.model.verdict import CONSENSUS, Outcome, Question
from cybernorms.rules import ir
from cybernorms.rules.parser import ExpressionError, RuleResolver, Scope, parse_expression
from cybernorms.rules.types import BOOL, STATE, STATE_LIST

RULE_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
PACKAGE_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
SEMVER = r"^\d+\.\d+\.\d+$"
#: What a package may declare as its basis. ``consensus`` is only a claim, made good by an
#: adoption on the forum record (``cybernorms.forum.basis_of``); the others say what the
#: package is when no forum adopted it: an expert ``restatement``, a ``proposal`` tabled by
#: its sponsors, or the shared reading of a declared group of states (``group:NAME``).
BASIS = r"^(consensus|restatement|proposal|group:[a-z][a-z0-9]*(-[a-z0-9]+)*)$"


def _expression_text(value: object) -> object:
    """YAML reads ``violated_when: False`` as a boolean; the language reads it as ``False``."""
    if isinstance(value, bool):
        return "True" if value else "False"
    return value


Expr = Annotated[str, BeforeValidator(_expression_text), Field(min_length=1)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RelationDoc(_Doc):
    """A declared relation to another rule judging the same conduct (read by the analyses)."""

    rule: Annotated[str, Field(pattern=r"^([a-z][a-z0-9]*(-[a-z0-9]+)*:)?[a-z][a-z0-9_.]*$")]
    kind: Literal["refines", "equivalent", "excludes"]
    note: str | None = None


class RuleDoc(_Doc):
    """A rule as written in a package or a position."""

    id: Annotated[str, Field(pattern=RULE_ID)]
    title: str
    kind: Literal["norm", "law", "cbm"]
    # What the rule answers: its positive outcome reads violation / attributable / permitted.
    question: Literal["breach", "attribution", "permission"] = "breach"
    scope: Literal["incident", "posture"] = "incident"
    binds: Literal["all", "parties"] = "all"
    subject: Expr
    source: str
    text: str
    applies_when: Expr = "True"
    violated_when: Expr
    note: str | None = None
    relations: list[RelationDoc] = Field(default_factory=list)


class DefaultsDoc(ProfileParameters):
    """``defaults:``: parameters a package offers for states that published none. They
    decide nothing unless the user assumes them (``--assume-defaults``), and the list must
    say where it comes from (``source:``): a default is someone's reading, never the
    state's own word."""

    source: Annotated[str, Field(min_length=1)]


class PackageDoc(_Doc):
    package: Annotated[str, Field(pattern=PACKAGE_ID)]
    version: Annotated[str, Field(pattern=SEMVER)]
    title: str
    forum: str | None = None
    basis: Annotated[str, Field(pattern=BASIS)] = "consensus"
    source: str | None = None
    requires: list[Annotated[str, Field(pattern=PACKAGE_ID)]] = Field(default_factory=list)
    parties: list[KnownState] = Field(default_factory=list)
    defaults: DefaultsDoc | None = None
    covers: Expr | None = None
    rules: Annotated[list[RuleDoc], Field(min_length=1)]


class OverrideDoc(_Doc):
    """One rule re-read by a position. ``source`` and ``date`` cite the state's own text for
    this reading (a position often draws on several documents of different dates)."""

    rule: Annotated[str, Field(pattern=RULE_ID)]
    applies_when: Expr | None = None
    violated_when: Expr | None = None
    note: str | None = None
    source: Annotated[str, Field(min_length=1)] | None = None
    date: dt.date | None = None
    # The rule does not exist in this reading: its verdicts are not_applicable with this
    # reason (never no_violation, which would say the state finds the act lawful).
    no_rule: Annotated[str, Field(min_length=1)] | None = None
    # Where the state says a case "may be" or "cannot be ruled out" a breach, it holds that
    # case open rather than deciding it: where ``open_when`` holds and the violation criterion
    # does not, the verdict is undetermined "held open by this state" (never a violation the
    # state did not claim, never the package's no_violation it did not accept).
    open_when: Expr | None = None


class StanceDoc(_Doc):
    """``agrees:`` / ``holds_open:`` items: the state's own word on a package rule it does
    not re-read (it agrees with it as written, or holds the question open)."""

    rule: Annotated[str, Field(pattern=RULE_ID)]
    source: Annotated[str, Field(min_length=1)] | None = None
    date: dt.date | None = None
    note: str | None = None


class PositionDoc(_Doc):
    # A state (ISO3) or a group of states (``group:NAME``, cybernorms.model.readers).
    position: Reader
    title: str
    # A group's reading lists its member states and where that list comes from (required for
    # a group, refused for a state: load_position says so at the field).
    members: list[KnownState] | None = None
    members_source: Annotated[str, Field(min_length=1)] | None = None
    date: dt.date | None = None
    sources: Annotated[list[str], Field(min_length=1)]
    package: Annotated[str, Field(pattern=PACKAGE_ID)]
    overrides: list[OverrideDoc] = Field(default_factory=list)
    agrees: list[StanceDoc] = Field(default_factory=list)
    holds_open: list[StanceDoc] = Field(default_factory=list)
    rules: list[RuleDoc] = Field(default_factory=list)


@dataclass(frozen=True)
class Relation:
    """``relations: [{rule, kind}]``: this rule and ``(package, rule)`` judge the same conduct.

    Evaluation ignores relations; ``cybernorms.analysis`` reads them to find conflicts:
    ``refines`` (a violation of this rule is a violation of the other), ``equivalent`` (both
    find the same violations), ``excludes`` (never both violated for one subject).
    """

    package: str
    rule: str
    kind: str
    note: str | None = None


@dataclass(frozen=True, eq=False)
class Rule:
    """One compiled rule: its text and source, and its three typed expressions."""

    package: str
    id: str
    title: str
    kind: str
    scope: str
    binds: str
    source: str
    text: str
    note: str | None
    subject: ir.Node
    applies: ir.Node
    violated: ir.Node
    defined_at: str
    relations: tuple[Relation, ...] = ()
    question: str = Question.BREACH.value
    # Why every verdict of this rule is what it is, where a position says so rather than
    # criteria: ``no_rule`` (not_applicable) or ``holds_open`` (undetermined).
    reason: str | None = None
    held_open: bool = False
    # Held open only where a position's ``open_when`` holds (already folded into ``violated``
    # by ``held_open_where``; kept to show where, e.g. for the analyser's witnesses). The reason
    # then belongs to the undetermined verdicts the open question decided, those with nothing
    # missing (an unknown with no fact missing comes only from an open question).
    open_when: ir.Node | None = None
    # A position's own word on this rule where it agrees with it or holds it open, with the
    # state's source ("agreed by GBR: ..."): the top of the rule's trace shows it.
    stance: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.package, self.id)

    @property
    def held_open_in_part(self) -> bool:
        return self.open_when is not None

    @property
    def root_text(self) -> str:
        """How the top of this rule's trace reads (with the position's own word where it
        agrees with the rule or holds it open)."""
        root = f"{self.id}: applies_when and violated_when"
        return root if self.stance is None else f"{root} ({self.stance})"

    def reason_for(self, outcome: Outcome, missing: Collection[str] | None) -> str | None:
        """The reason a verdict of this rule carries: a ``no_rule`` reason on its
        not_applicable verdicts, a ``holds_open`` reason on its undetermined ones; for a rule
        held open in part (``open_when``), on its undetermined verdicts with nothing missing.
        ``missing`` None: not computed (outcome codes only), so a reason held in part is not
        known and none is given rather than a guess."""
        if self.reason is None:
            return None
        if self.held_open_in_part:
            decided_by_open_question = missing is not None and not missing
            return (
                self.reason
                if outcome is Outcome.UNDETERMINED and decided_by_open_question
                else None
            )
        wanted = Outcome.UNDETERMINED if self.held_open else Outcome.NOT_APPLICABLE
        return self.reason if outcome is wanted else None

    @property
    def subject_is_list(self) -> bool:
        return self.subject.type == STATE_LIST


@dataclass(frozen=True, eq=False)
class Package:
    """A compiled package: adopted as a whole, identified by ``id@version``."""

    id: str
    version: str
    title: str
    forum: str | None
    basis: str
    source: str | None
    requires: tuple[str, ...]
    parties: frozenset[str]
    defaults: ProfileParameters
    rules: tuple[Rule, ...]
    path: str
    digest: str
    # ``covers:``: the incidents on which some rule of the package must apply (gap analysis).
    covers: ir.Node | None = None
    # Where ``defaults`` come from (required whenever the package offers defaults).
    defaults_source: str | None = None

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}"

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


@dataclass(frozen=True)
class OverrideCitation:
    """Where a position's reading of one rule comes from: the document and its date."""

    source: str | None
    date: dt.date | None


@dataclass(frozen=True, eq=False)
class Position:
    """A state's national reading of some rules of one package, or a group of states' common
    reading (``state`` is then ``group:NAME`` and ``members`` its states). Never consensus."""

    # The reader (cybernorms.model.readers): an ISO3 code, or ``group:NAME`` for a group.
    state: str
    title: str
    date: dt.date | None
    sources: tuple[str, ...]
    package: str
    overrides: Mapping[str, Rule]
    added: tuple[Rule, ...]
    notes: Mapping[str, str] = field(default_factory=dict)
    path: str = ""
    # Per overridden rule id: the source and date of that reading, where the position gives them.
    citations: Mapping[str, OverrideCitation] = field(default_factory=dict)
    # ``agrees:`` (package rules the state reads as written) and ``holds_open:``, each rule
    # id with the state's source; agreed rules are reported under the position too.
    agrees: Mapping[str, Rule] = field(default_factory=dict)
    held_open: Mapping[str, OverrideCitation] = field(default_factory=dict)
    # ``no_rule`` overrides: rule id -> the reason (the rule does not exist in this reading).
    no_rules: Mapping[str, str] = field(default_factory=dict)
    # A group's member states (ISO3) and the source of that list; empty for a state.
    members: tuple[str, ...] = ()
    members_source: str | None = None

    @property
    def is_group(self) -> bool:
        return is_group(self.state)

    @property
    def basis(self) -> str:
        """``position:ISO3`` for a state, ``group:NAME`` for a group (model.readers)."""
        return reading_basis(self.state)


# -- loading ----------------------------------------------------------------------------


def load_packages(paths: Iterable[Path | str]) -> list[Package]:
    """Load packages from files, resolving ``requires`` among them, in dependency order."""
    docs: dict[str, tuple[Document, PackageDoc]] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            doc = load_file(path)
            pkg = _validate_package(doc)
        except DocumentError as exc:
            problems.extend(exc.problems)
            continue
        if pkg.package in docs:
            problems.append(
                Problem(doc.where(("package",)), f"package {pkg.package!r} loaded twice")
            )
            continue
        docs[pkg.package] = (doc, pkg)
    if problems:
        raise DocumentError(problems)
    compiled: dict[str, Package] = {}
    for name in _dependency_order(docs, problems):
        doc, pkg = docs[name]
        try:
            compiled[name] = compile_package(doc, pkg, compiled)
        except DocumentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DocumentError(problems)
    return list(compiled.values())


def load_package(path: Path | str, available: Sequence[Package] = ()) -> Package:
    """Load one package; packages it ``requires`` must be given in ``available``."""
    doc = load_file(path)
    return compile_package(doc, _validate_package(doc), {p.id: p for p in available})


def _validate_package(doc: Document) -> PackageDoc:
    """Validate a package document. When its structure is wrong, the expressions of the rules
    that are well-formed are still checked, so one run reports every problem of the file."""
    if not isinstance(doc.value, dict):
        raise DocumentError(
            [Problem(doc.source, "a package is a mapping with 'package:' and 'rules:'")]
        )
    try:
        return doc.validate(PackageDoc)
    except DocumentError as exc:
        problems = list(exc.problems)
    rules = doc.value.get("rules")
    if isinstance(rules, list):
        ids = [r.get("id") for r in rules if isinstance(r, dict)]  # any value: not hashable
        resolver = _resolver(
            str(doc.value.get("package", "")), {i for i in ids if isinstance(i, str)}, {}
        )
        for i in range(len(rules)):
            try:
                rule = doc.validate(RuleDoc, ("rules", i))
            except DocumentError:
                continue  # already reported by the package-level validation
            _compile_rule(doc, ("rules", i), rule, "", resolver, problems)
    raise DocumentError(problems)


def _dependency_order(
    docs: Mapping[str, tuple[Document, PackageDoc]], problems: list[Problem]
) -> list[str]:
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        doc, pkg = docs[name]
        if state.get(name) == "active":
            problems.append(
                Problem(
                    doc.where(("requires",)),
                    "packages require each other: " + " -> ".join((*trail, name)),
                )
            )
            return
        state[name] = "active"
        for req in pkg.requires:
            if req in docs:
                visit(req, (*trail, name))
        state[name] = "done"
        order.append(name)

    for name in docs:
        visit(name, ())
    return order


def compile_package(doc: Document, pkg: PackageDoc, available: Mapping[str, Package]) -> Package:
    """Type-check every expression of a validated package document."""
    problems: list[Problem] = []
    for i, req in enumerate(pkg.requires):
        if req not in available:
            problems.append(
                Problem(doc.where(("requires", i)), f"required package {req!r} is not loaded")
            )
    local_ids: dict[str, int] = {}
    for i, r in enumerate(pkg.rules):
        if r.id in local_ids:
            problems.append(Problem(doc.where(("rules", i, "id")), f"duplicate rule id {r.id!r}"))
        local_ids.setdefault(r.id, i)
    resolver = _resolver(
        pkg.package, set(local_ids), {n: available[n] for n in pkg.requires if n in available}
    )
    rules: list[Rule] = []
    for i, r in enumerate(pkg.rules):
        rule = _compile_rule(doc, ("rules", i), r, pkg.package, resolver, problems)
        if rule is not None:
            rules.append(rule)
    covers = None
    if pkg.covers is not None:
        covers = _parse(doc, ("covers",), pkg.covers, Scope(subject=False), problems)
    if not problems:
        _check_cycles(doc, [(("rules", i), r) for i, r in enumerate(rules)], problems)
    if problems:
        raise DocumentError(problems)
    return Package(
        id=pkg.package,
        version=pkg.version,
        title=pkg.title,
        forum=pkg.forum,
        basis=pkg.basis if pkg.basis != "consensus" else CONSENSUS,
        source=pkg.source,
        requires=tuple(pkg.requires),
        parties=frozenset(pkg.parties),
        defaults=(
            ProfileParameters()
            if pkg.defaults is None
            else ProfileParameters(**pkg.defaults.model_dump(exclude={"source"}))
        ),
        defaults_source=None if pkg.defaults is None else pkg.defaults.source,
        rules=tuple(rules),
        path=doc.source,
        digest=_digest(doc.value),
        covers=covers,
    )


def load_position(path: Path | str, packages: Sequence[Package]) -> Position:
    """Load a national position; the package it reads must be among ``packages``."""
    doc = load_file(path)
    if not isinstance(doc.value, dict):
        raise DocumentError(
            [Problem(doc.source, "a position is a mapping with 'position:' and 'overrides:'")]
        )
    pos = doc.validate(PositionDoc)
    by_id = {p.id: p for p in packages}
    base = by_id.get(pos.package)
    if base is None:
        raise DocumentError(
            [
                Problem(
                    doc.where(("package",)),
                    f"position reads package {pos.package!r}, which is not loaded",
                )
            ]
        )
    problems: list[Problem] = _member_problems(doc, pos)
    added_ids = {r.id for r in pos.rules}
    resolver = _resolver(
        base.id,
        {r.id for r in base.rules} | added_ids,
        {n: by_id[n] for n in base.requires if n in by_id},
    )
    overrides: dict[str, Rule] = {}
    notes: dict[str, str] = {}
    citations: dict[str, OverrideCitation] = {}
    no_rules: dict[str, str] = {}
    for i, o in enumerate(pos.overrides):
        where = ("overrides", i)
        try:
            original = base.rule(o.rule)
        except KeyError:
            names = ", ".join(r.id for r in base.rules)
            problems.append(
                Problem(
                    doc.where((*where, "rule")),
                    f"package {base.id} has no rule {o.rule!r} (rules: {names})",
                )
            )
            continue
        if o.rule in overrides:
            problems.append(
                Problem(doc.where((*where, "rule")), f"rule {o.rule!r} overridden twice")
            )
            continue
        criteria = (o.applies_when, o.violated_when, o.open_when)
        if o.no_rule is not None and any(c is not None for c in criteria):
            problems.append(
                Problem(
                    doc.where((*where, "no_rule")),
                    "no_rule: the rule does not exist in this reading, so it has no criteria "
                    "(remove applies_when/violated_when/open_when)",
                )
            )
            continue
        if all(c is None for c in criteria) and o.no_rule is None:
            problems.append(
                Problem(
                    doc.where(where),
                    "an override replaces applies_when and/or violated_when, holds a case "
                    "open (open_when), or says no_rule",
                )
            )
            continue
        applies = original.applies
        violated = original.violated
        scope = Scope(resolve_rule=resolver)
        if o.no_rule is not None:
            # Never applies: every verdict not_applicable, with the reason (every back end
            # decides a constant criterion the same way).
            applies = ir.Const(BOOL, f"no rule in this reading: {o.no_rule}", 1, 1, value=False)
            no_rules[o.rule] = o.no_rule
        if o.applies_when is not None:
            applies = (
                _parse(doc, (*where, "applies_when"), o.applies_when, scope, problems) or applies
            )
        if o.violated_when is not None:
            violated = (
                _parse(doc, (*where, "violated_when"), o.violated_when, scope, problems) or violated
            )
        open_when = (
            None
            if o.open_when is None
            else _parse(doc, (*where, "open_when"), o.open_when, scope, problems)
        )
        if open_when is not None:
            violated = held_open_where(violated, open_when, pos.position)
        overrides[o.rule] = Rule(
            package=base.id,
            id=original.id,
            title=original.title,
            kind=original.kind,
            scope=original.scope,
            binds=original.binds,
            source=original.source,
            text=original.text,
            note=o.note,
            subject=original.subject,
            applies=applies,
            violated=violated,
            defined_at=doc.where(where),
            relations=original.relations,
            question=original.question,
            reason=held_open_reason(pos.position) if open_when is not None else o.no_rule,
            open_when=open_when,
        )
        if o.note:
            notes[o.rule] = o.note
        citations[o.rule] = OverrideCitation(o.source, o.date)
    agrees, held_open = _stances(doc, pos, base, overrides, problems)
    overrides.update({rid: rule for rid, rule in held_open.items()})
    # A held-open rule stands among the overrides, so it carries its item's citation and note.
    for stance in pos.holds_open:
        if stance.rule in held_open:
            citations[stance.rule] = OverrideCitation(stance.source, stance.date)
            if stance.note:
                notes[stance.rule] = stance.note
    added: list[Rule] = []
    for i, r in enumerate(pos.rules):
        if r.id in {x.id for x in base.rules}:
            problems.append(
                Problem(
                    doc.where(("rules", i, "id")),
                    f"rule {r.id!r} exists in {base.id}: override it instead",
                )
            )
            continue
        rule = _compile_rule(doc, ("rules", i), r, base.id, resolver, problems)
        if rule is not None:
            added.append(rule)
    if not problems:
        merged = {r.id: r for r in base.rules} | overrides | {r.id: r for r in added}
        _check_cycles(doc, [((), r) for r in merged.values()], problems)
    if problems:
        raise DocumentError(problems)
    return Position(
        state=pos.position,
        title=pos.title,
        date=pos.date,
        sources=tuple(pos.sources),
        package=base.id,
        overrides=overrides,
        added=tuple(added),
        notes=notes,
        path=doc.source,
        citations=citations,
        agrees=agrees,
        held_open={
            i.rule: OverrideCitation(i.source, i.date)
            for i in pos.holds_open
            if i.rule in held_open
        },
        no_rules=no_rules,
        members=tuple(pos.members or ()),
        members_source=pos.members_source,
    )


def _member_problems(doc: Document, pos: PositionDoc) -> list[Problem]:
    """A group's reading names its members and cites where the list comes from; a state's
    reading has no members (its reader is the state itself)."""
    problems: list[Problem] = []
    if not is_group(pos.position):
        for name in ("members", "members_source"):
            if getattr(pos, name) is not None:
                problems.append(
                    Problem(
                        doc.where((name,)),
                        f"{name}: only a group's reading (position: group:NAME) lists members; "
                        f"{pos.position} is a state",
                    )
                )
        return problems
    if not pos.members:
        problems.append(
            Problem(
                doc.where(("position",)),
                f"{pos.position} is a group: list its member states under 'members:' (ISO3)",
            )
        )
    else:
        seen: set[str] = set()
        for i, member in enumerate(pos.members):
            if member in seen:
                problems.append(Problem(doc.where(("members", i)), f"{member} listed twice"))
            seen.add(member)
    if pos.members_source is None:
        problems.append(
            Problem(
                doc.where(("position",)),
                f"{pos.position} is a group: cite where its member list comes from "
                "('members_source:')",
            )
        )
    return problems


def _stances(
    doc: Document,
    pos: PositionDoc,
    base: Package,
    overrides: Mapping[str, Rule],
    problems: list[Problem],
) -> tuple[dict[str, Rule], dict[str, Rule]]:
    """``agrees:`` and ``holds_open:``: each names a package rule the position does not
    re-read; a rule named twice (in either list or among the overrides) is refused.

    An agreed rule is the package rule itself, citing the state's text in its trace. A rule
    held open never applies its criterion: its violated_when is an open question (an unknown
    constant, nothing missing), so it is undetermined wherever it applies, with the reason
    "held open by this state" ("... this group" for a group's reading), in every back end
    alike."""
    agrees: dict[str, Rule] = {}
    held: dict[str, Rule] = {}
    for key, items, into in (("agrees", pos.agrees, agrees), ("holds_open", pos.holds_open, held)):
        for i, item in enumerate(items):
            at = doc.where((key, i, "rule"))
            try:
                original = base.rule(item.rule)
            except KeyError:
                names = ", ".join(r.id for r in base.rules)
                problems.append(
                    Problem(at, f"{key}: package {base.id} has no rule {item.rule!r} ({names})")
                )
                continue
            if item.rule in overrides or item.rule in agrees or item.rule in held:
                problems.append(
                    Problem(at, f"{key}: rule {item.rule!r} already read by this position")
                )
                continue
            cited = ", ".join(
                x for x in (item.source, item.date.isoformat() if item.date else None) if x
            )
            verb = "agreed by" if key == "agrees" else "held open by"
            stance = f"{verb} {pos.position}" + (f": {cited}" if cited else "")
            if key == "agrees":
                into[item.rule] = dataclasses.replace(original, stance=stance)
            else:
                open_question = ir.Const(BOOL, f"held open by {pos.position}", 1, 1, value=None)
                into[item.rule] = dataclasses.replace(
                    original,
                    violated=open_question,
                    reason=held_open_reason(pos.position),
                    held_open=True,
                    note=item.note,
                    defined_at=doc.where((key, i)),
                    stance=stance,
                )
    return agrees, held


#: The reason of an undetermined verdict of a rule a position holds open.
HELD_OPEN = "held open by this state"
#: The same, where the position is a group's common reading (``group:NAME``).
HELD_OPEN_BY_GROUP = "held open by this group"


def held_open_reason(reader: str) -> str:
    """Why a verdict of a rule held open is undetermined, in the words that fit the reader: a
    group's reading is not any one state's."""
    return HELD_OPEN_BY_GROUP if is_group(reader) else HELD_OPEN


def held_open_where(violated: ir.Node, open_when: ir.Node, state: str) -> ir.Node:
    """``violated or (open_when and <open question>)``: the criterion of a rule a position
    holds open in part. Built from nodes every back end already decides (an open question is
    the unknown constant of ``holds_open``), so Kleene logic gives the meaning, in one place:
    violation where ``violated`` holds; undetermined with nothing missing where only
    ``open_when`` does; otherwise what ``violated`` says."""
    question = ir.Const(BOOL, f"held open by {state}", open_when.line, open_when.col, value=None)
    held = ir.BoolOp(
        BOOL,
        f"open_when: {open_when.text}",
        open_when.line,
        open_when.col,
        op="and",
        items=(open_when, question),
    )
    return ir.BoolOp(
        BOOL,
        f"{violated.text} or (held open by {state} where {open_when.text})",
        violated.line,
        violated.col,
        op="or",
        items=(violated, held),
    )


def _resolver(package: str, local: set[str], required: Mapping[str, Package]) -> RuleResolver:
    """Resolve ``breached`` names: local ids, or ``package:rule`` for required packages."""

    def resolve(ref: str) -> tuple[str, str]:
        if ":" in ref:
            pkg_id, rule_id = ref.split(":", 1)
            other = required.get(pkg_id)
            if other is None:
                raise ExpressionError(
                    f"breached({ref!r}): package {pkg_id!r} is not in this package's 'requires'"
                )
            if rule_id not in {r.id for r in other.rules}:
                raise ExpressionError(
                    f"breached({ref!r}): package {pkg_id} has no rule {rule_id!r}"
                )
            return (pkg_id, rule_id)
        if ref not in local:
            close = difflib.get_close_matches(ref, sorted(local), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ExpressionError(f"breached({ref!r}): no rule {ref!r} in package {package}{hint}")
        return (package, ref)

    return resolve


def _parse(
    doc: Document,
    path: tuple[str | int, ...],
    text: str,
    scope: Scope,
    problems: list[Problem],
    *,
    subject: bool = False,
) -> ir.Node | None:
    try:
        return parse_expression(text, scope, expect=None if subject else BOOL)
    except ExpressionError as exc:
        where = doc.locate(path, exc.line, exc.col)
        field_name = str(path[-1])
        problems.append(Problem(str(where), f"{field_name}: {exc.message}"))
        return None


def _compile_rule(
    doc: Document,
    where: tuple[str | int, ...],
    r: RuleDoc,
    package: str,
    resolver: RuleResolver,
    problems: list[Problem],
) -> Rule | None:
    before = len(problems)
    subject = _parse(
        doc,
        (*where, "subject"),
        r.subject,
        Scope(resolve_rule=None, subject=False),
        problems,
        subject=True,
    )
    if subject is not None and subject.type not in (STATE, STATE_LIST):
        problems.append(
            Problem(
                doc.where((*where, "subject")),
                f"subject: must name a state or a list of states, got {subject.type}",
            )
        )
    scope = Scope(resolve_rule=resolver)
    applies = _parse(doc, (*where, "applies_when"), r.applies_when, scope, problems)
    violated = _parse(doc, (*where, "violated_when"), r.violated_when, scope, problems)
    relations: list[Relation] = []
    for i, rel in enumerate(r.relations):
        at = doc.where((*where, "relations", i, "rule"))
        if ":" in rel.rule:  # another package's rule: resolved by the analysis, not evaluated
            other, rule_id = rel.rule.split(":", 1)
            relations.append(Relation(other, rule_id, rel.kind, rel.note))
            continue
        if rel.rule == r.id:
            problems.append(Problem(at, f"relations: rule {r.id!r} cannot relate to itself"))
            continue
        try:
            relations.append(Relation(*resolver(rel.rule), rel.kind, rel.note))
        except ExpressionError as exc:
            problems.append(Problem(at, "relations: " + exc.message.split(": ", 1)[-1]))
    if len(problems) > before or subject is None or applies is None or violated is None:
        return None
    return Rule(
        package=package,
        id=r.id,
        title=r.title,
        kind=r.kind,
        scope=r.scope,
        binds=r.binds,
        source=r.source,
        text=r.text,
        note=r.note,
        subject=subject,
        applies=applies,
        violated=violated,
        defined_at=doc.where(where),
        relations=tuple(relations),
        question=r.question,
    )


def _check_cycles(
    doc: Document, rules: list[tuple[tuple[str | int, ...], Rule]], problems: list[Problem]
) -> None:
    """Refuse rules that reach themselves through ``breached`` (directly or not)."""
    graph = {r.key: ir.references(r.applies) | ir.references(r.violated) for _, r in rules}
    where = {r.key: w for w, r in rules}
    state: dict[tuple[str, str], str] = {}

    def visit(key: tuple[str, str], trail: tuple[tuple[str, str], ...]) -> None:
        if state.get(key) == "done" or key not in graph:
            return
        if state.get(key) == "active":
            cycle = " -> ".join(k[1] for k in (*trail[trail.index(key) :], key))
            problems.append(
                Problem(doc.where(where[key]), f"rules refer to each other in a cycle: {cycle}")
            )
            return
        state[key] = "active"
        for nxt in sorted(graph[key]):
            visit(nxt, (*trail, key))
        state[key] = "done"

    for key in graph:
        visit(key, ())


def _digest(value: object) -> str:
    """A content hash of the document (sorted-key JSON), shown beside the package label."""
    data = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(data).hexdigest()
