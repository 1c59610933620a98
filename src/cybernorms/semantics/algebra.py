"""The algebra every back end implements: the operations the rule semantics is written in.

``cybernorms.semantics`` states once what each IR node and each rule means (``semantics.nodes``
and ``semantics.decision``) in terms of the operations below; a back end (the reference
interpreter, the Python code generator, z3, SQL) says only how it performs each operation on
its own representation. So a back end never restates Kleene logic, the rule-level decision or
the treatment of unknown subjects: it cannot disagree with the others about them.

Three representations, chosen by the back end (the type parameters):

* ``V``, a **value**: the three-valued value of one expression (a boolean, int, date, text,
  state, enumeration value, list, record or set literal), *plus*, in back ends that report
  them, the **missing facts** behind it. Unknown is a value, never an exception.
* ``G``, a **guard**: a two-valued condition on values ("this value is unknown"); the
  decision branches on guards. Concrete back ends use ``bool``, staged ones code or terms.
* ``O``, an **outcome**: the result of deciding one rule for one subject (outcome, missing
  facts, trace - whatever the back end produces).

Missing facts (the contract, for back ends that carry them; a back end that does not report
``missing`` - the verdict-only fast path, z3 - simply carries nothing):

* a **decided** value (true / false / a known scalar or list) has *no* missing facts;
* an **unknown** value names the unknown facts that could change it: a fact path
  (``effects.physical``, ``targets[0].sector``), a profile parameter (``profile(SAU).certs``),
  or the subject's fact (``attribution.state``) for an unknown subject;
* an operation whose result is unknown because of unknown operands reports the union of the
  missing facts of the unknown operands it *read*; operands it never read (short-circuits)
  contribute nothing. Learning a fact never reverses a decided value (the language is
  monotone), which is why a decided value needs none.

The algebra is a generic ABC (every operation abstract), so a back end that lacks an
operation cannot even be built, and mypy checks each operation's signature.

Every value-producing operation receives the IR node it evaluates, first: an observer (the
tracing back ends) reads its text, type and position from it; other back ends ignore it. The
contract of each operation is the three-valued (Kleene) meaning stated in its docstring;
``docs/rule-language.md`` states the same for rule authors. This interface is shared with the
SQL back end (``cybernorms.bulk``): change it only with a commit that says so.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

from cybernorms.model.verdict import Outcome
from cybernorms.rules import ir
from cybernorms.rules.package import Rule

V = TypeVar("V")
G = TypeVar("G")
O = TypeVar("O")  # noqa: E741 - the algebra's three sorts are V, G, O throughout


class Guards(ABC, Generic[V, G]):
    """Two-valued conditions, built from values; what the decision and the choice of the
    profile in force branch on. ``G`` is never unknown: ``is_unknown`` *asks* whether a value
    is unknown (this is the ``known`` of the algebra; the rule language itself has no such
    test, which keeps it monotone)."""

    @abstractmethod
    def is_true(self, value: V) -> G:
        """The three-valued boolean ``value`` is (known to be) true."""

    @abstractmethod
    def is_false(self, value: V) -> G:
        """The three-valued boolean ``value`` is (known to be) false."""

    @abstractmethod
    def is_unknown(self, value: V) -> G:
        """``value`` (of any type) is unknown."""

    @abstractmethod
    def g_not(self, guard: G) -> G:
        """Two-valued negation."""

    @abstractmethod
    def g_all(self, guards: Sequence[G]) -> G:
        """Two-valued conjunction; true when ``guards`` is empty."""

    @abstractmethod
    def g_any(self, guards: Sequence[G]) -> G:
        """Two-valued disjunction; false when ``guards`` is empty."""

    @abstractmethod
    def date_on_or_after(self, value: V, day: dt.date) -> G:
        """The date ``value`` is known and ``value >= day`` (profile effective dates)."""

    @abstractmethod
    def date_before(self, value: V, day: dt.date) -> G:
        """The date ``value`` is known and ``value < day`` (profile expiry)."""


class Algebra(Guards[V, G], Generic[V, G, O]):
    """The operations of the rule semantics. ``semantics.nodes.evaluate`` maps every IR node
    to exactly one of them (an exhaustive dispatch); ``semantics.decision.decide`` builds a
    rule's outcome from ``when``/``verdict``/``not_party``."""

    # -- leaves ----------------------------------------------------------------------------
    @abstractmethod
    def literal(self, node: ir.Const | ir.SetLit) -> V:
        """A constant of the rule text (``node.value`` or ``node.values``): always known."""

    @abstractmethod
    def fact(self, node: ir.FactRef) -> V:
        """The incident's fact at ``node.path``; unknown (``None`` in the incident) is an
        unknown value whose missing fact is the dotted path."""

    @abstractmethod
    def variable(self, node: ir.VarRef, bound: V) -> V:
        """The element a quantifier bound to ``node.name`` (``bound``, as ``quantify`` passed
        it to the predicate): unknown iff the element is, missing its path
        (``targets[1]``)."""

    @abstractmethod
    def field(self, node: ir.FieldOf, base: V) -> V:
        """Field ``node.name`` of the record ``base``: unknown with ``base``'s missing facts
        if ``base`` is unknown; else the field, unknown (missing ``PATH.name``, e.g.
        ``targets[1].sector``) if the field is. ``base`` is read for its value only: it is
        not an operand of its own in a trace."""

    @abstractmethod
    def subject(self, node: ir.SubjectRef, subject: V) -> V:
        """The state being judged (``subject`` as given to ``decide``): unknown when no state
        is known, missing the subject's fact (e.g. ``attribution.state``)."""

    @abstractmethod
    def as_of(self, node: ir.AsOf) -> V:
        """The evaluation date: always known (a parameter of every evaluation)."""

    # -- Kleene logic ------------------------------------------------------------------------
    @abstractmethod
    def conj(self, node: ir.BoolOp, items: Sequence[Callable[[], V]]) -> V:
        """``a and b and ...``, operands evaluated left to right and only as needed: false as
        soon as one is false (later operands are not read); else unknown if any is unknown
        (missing: union over the unknown ones); else true."""

    @abstractmethod
    def disj(self, node: ir.BoolOp, items: Sequence[Callable[[], V]]) -> V:
        """``a or b or ...``: dual of ``conj`` - true as soon as one is true; else unknown if
        any is unknown (union of their missing facts); else false."""

    @abstractmethod
    def negate(self, node: ir.Not, item: V) -> V:
        """``not a``: unknown (same missing facts) if ``a`` is unknown, else its negation."""

    # -- comparisons -----------------------------------------------------------------------
    @abstractmethod
    def compare(self, node: ir.Compare, left: V, right: V) -> V:
        """``left OP right`` for ``node.op`` in ``== != < <= > >=`` (ordering only on ints and
        dates; equality also on booleans, texts, states, enumeration values): unknown if
        either side is unknown (union of both sides' missing facts), else the comparison."""

    @abstractmethod
    def member(self, node: ir.Member, item: V, container: V) -> V:
        """``item in container`` (``not in`` when ``node.negate``); the container is a set
        literal or a list: unknown if ``item`` or the container is unknown (union of both
        missing sets), else membership (or its negation). Known-empty container: false for
        ``in``, true for ``not in``."""

    # -- lists -------------------------------------------------------------------------------
    @abstractmethod
    def quantify(self, node: ir.Quantifier, source: V, pred: Callable[[V], V]) -> V:
        """``any/all/count(pred for var in source)`` (``node.kind``), ``pred`` applied to each
        element in order (the element value given to ``pred`` is what ``variable`` receives).

        * ``source`` unknown: unknown, missing ``source``'s facts, ``pred`` never applied;
        * ``any``: true at the first true element (later ones not read); else unknown if
          some element gave unknown (union of those elements' missing); else false;
        * ``all``: false at the first false element; else unknown if some gave unknown; else
          true;
        * ``count``: unknown if some element gave unknown (union of their missing, every
          element read); else the number of true elements.

        A known-empty list gives ``any`` false, ``all`` true, ``count`` 0, all known."""

    @abstractmethod
    def length(self, node: ir.Length, source: V) -> V:
        """``count(LIST)``: unknown (``source``'s missing) if the list is, else its length."""

    # -- profiles and dates ------------------------------------------------------------------
    @abstractmethod
    def profile(self, node: ir.ProfileParam, state: V, package: str) -> V:
        """``profile(state).param`` read for a rule of ``package``: unknown with ``state``'s
        missing facts if the state is unknown; else parameter ``node.param`` of the state's
        profile in force on the profile date (``semantics.profiles.in_force``), or of
        ``package``'s defaults when the state published none in force; unknown (missing
        ``profile(STATE).param``) if that profile does not publish the parameter."""

    @abstractmethod
    def days_between(self, node: ir.DaysBetween, start: V, end: V) -> V:
        """Days from date ``start`` to date ``end`` (negative if ``end`` is earlier): unknown
        if either is unknown (union of their missing facts)."""

    # -- rules -------------------------------------------------------------------------------
    @abstractmethod
    def breached(self, node: ir.Breached, subject: V) -> V:
        """``breached("pkg:rule")`` for the same ``subject``: the back end decides the named
        rule of its lens table (``semantics.decision.decide``, with this ``subject``) and
        turns the outcome into a three-valued boolean by ``semantics.decision.BREACH``
        (violation: true; undetermined: unknown, missing the decision's missing facts;
        not applicable or no violation: false)."""

    # -- outcomes ----------------------------------------------------------------------------
    @abstractmethod
    def when(self, guard: G, then: Callable[[], O], otherwise: Callable[[], O]) -> O:
        """``then()`` where ``guard`` holds, ``otherwise()`` where it does not. A concrete
        back end calls only one; a staged one may build both (as a branch or a choice)."""

    @abstractmethod
    def verdict(
        self,
        rule: Rule,
        outcome: Outcome,
        applies: V,
        violated: V | None,
        missing: Sequence[tuple[G, V]],
    ) -> O:
        """The decided ``outcome`` of ``rule`` (a leaf of ``decide``). ``applies`` and
        ``violated`` are the two criteria's values (``violated`` is None where it was never
        read: the rule does not apply). The verdict's missing facts are the union of the
        missing facts of each value in ``missing`` whose guard holds (empty for every
        outcome but undetermined)."""

    @abstractmethod
    def not_party(self, rule: Rule, subject: V, applies: V) -> O:
        """``not_applicable``, no missing facts: the rule binds only the parties of its
        package and the known ``subject`` is not one of them."""

    @abstractmethod
    def no_subject(self, rule: Rule, subjects: V) -> O:
        """``not_applicable``, no missing facts, no subject: the rule's subject is a list of
        states known to be empty (``territory_used: []``), so no state's conduct is judged
        (``semantics.decision.expand``). ``subjects`` is that list's value."""


class SubjectList(ABC, Generic[G, V]):
    """The value of a rule's ``subject`` expression, seen as the verdicts it gives
    (``semantics.decision.expand``). For a rule whose subject is one state (not a list), a
    back end gives that state as the only member, present always (known or not), and
    ``unknown`` and ``empty`` never hold."""

    @abstractmethod
    def unknown(self) -> G:
        """The list itself is unknown."""

    @abstractmethod
    def empty(self) -> G:
        """The list is known and has no member."""

    @abstractmethod
    def members(self) -> Iterable[tuple[G, V]]:
        """Each distinct member (as a subject value for ``decide``), with the guard under which
        it is present. Concrete back ends yield the known members in sorted order, guard
        true; a symbolic one yields every slot under its guard."""
