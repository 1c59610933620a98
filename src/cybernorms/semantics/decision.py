"""The rule-level decision, once: criteria, parties and subjects to one outcome per subject.

``decide`` is the table of ``docs/rule-language.md`` ("Outcome") written against the algebra:

* a rule binding only its package's parties is ``not_applicable`` to a known non-party
  (with parties from the forum record: a state the rule does not bind on the evaluation
  date, ``semantics.parties``);
* ``applies_when`` false: ``not_applicable`` (``violated_when`` is not read);
* ``violated_when`` false: ``no_violation``;
* either criterion unknown: ``undetermined``, missing the unknown criteria's missing facts
  (for a parties-only rule whose subject is unknown, an ``applies_when`` that holds counts as
  unknown: whether the rule binds the state depends on who it is, so the subject's fact is
  missing);
* both true but no known subject: ``undetermined``, missing the subject's fact - a violation
  by an unknown state is never reported as absent nor pinned on anyone;
* else ``violation``.

``expand`` says which verdicts a rule gives on one incident (one per subject), and ``BREACH``
how a decision reads inside another rule's criterion (``breached(...)``).

The decision is one for every rule, whatever its ``question``: ``Outcome.VIOLATION`` is the
positive answer (a breach, attributable, permitted), ``NO_VIOLATION`` the negative one. How
an outcome reads is presentation, made in one place (``model.verdict.WORDS``); so
``breached(rule)`` always means the positive answer, and no back end knows about questions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from cybernorms.model.verdict import Outcome
from cybernorms.rules import ir
from cybernorms.rules.package import Rule
from cybernorms.semantics.algebra import Algebra, SubjectList
from cybernorms.semantics.nodes import Scope, evaluate
from cybernorms.semantics.parties import outside

V = TypeVar("V")
G = TypeVar("G")
O = TypeVar("O")  # noqa: E741

# ``breached(rule)`` as a three-valued boolean: the rule is breached (true), not (false), or
# it is not known (undetermined: unknown, with the decision's missing facts).
BREACH: Mapping[Outcome, bool | None] = {
    Outcome.NOT_APPLICABLE: False,
    Outcome.NO_VIOLATION: False,
    Outcome.UNDETERMINED: None,
    Outcome.VIOLATION: True,
}

# The outcome of a rule whose subject list is known to be empty (``territory_used: []``):
# there is no state whose conduct it judges.
NO_SUBJECT = Outcome.NOT_APPLICABLE


def decide(alg: Algebra[V, G, O], rule: Rule, subject: V, parties: frozenset[str]) -> O:
    """The outcome of ``rule`` for ``subject`` (a value of the back end: known or unknown)."""
    scope = Scope(subject, rule.package)
    applies = evaluate(alg, rule.applies, scope)
    subject_unknown = alg.is_unknown(subject)
    if rule.binds != "parties":
        return _applicable(alg, rule, scope, applies, alg.is_unknown(applies), ())
    outside = alg.is_true(evaluate(alg, _outside(rule, parties), scope))
    promoted = alg.g_all([subject_unknown, alg.is_true(applies)])
    return alg.when(
        outside,
        lambda: alg.not_party(rule, subject, applies),
        lambda: _applicable(
            alg,
            rule,
            scope,
            applies,
            alg.g_any([alg.is_unknown(applies), promoted]),
            ((promoted, subject),),
        ),
    )


def _applicable(
    alg: Algebra[V, G, O],
    rule: Rule,
    scope: Scope[V],
    applies: V,
    applies_unknown: G,
    applies_missing: Sequence[tuple[G, V]],
) -> O:
    """The decision once the subject is known to be bound (or may be)."""
    subject = scope.subject

    def judged() -> O:
        violated = evaluate(alg, rule.violated, scope)
        violated_unknown = alg.is_unknown(violated)
        subject_unknown = alg.is_unknown(subject)
        return alg.when(
            alg.is_false(violated),
            lambda: alg.verdict(rule, Outcome.NO_VIOLATION, applies, violated, ()),
            lambda: alg.when(
                alg.g_any([violated_unknown, applies_unknown]),
                lambda: alg.verdict(
                    rule,
                    Outcome.UNDETERMINED,
                    applies,
                    violated,
                    (
                        (violated_unknown, violated),
                        (alg.is_unknown(applies), applies),
                        *applies_missing,
                    ),
                ),
                lambda: alg.when(
                    subject_unknown,
                    lambda: alg.verdict(
                        rule, Outcome.UNDETERMINED, applies, violated, ((subject_unknown, subject),)
                    ),
                    lambda: alg.verdict(rule, Outcome.VIOLATION, applies, violated, ()),
                ),
            ),
        )

    return alg.when(
        alg.is_false(applies),
        lambda: alg.verdict(rule, Outcome.NOT_APPLICABLE, applies, None, ()),
        judged,
    )


def _outside(rule: Rule, parties: frozenset[str]) -> ir.Node:
    """``subject not in PARTIES`` as an expression (true only for a known non-party); for
    parties from the forum record, "not bound by this rule on the evaluation date"
    (``semantics.parties``: entry into force, denunciation, reservations)."""
    return outside(rule.id, rule.package, parties, rule.subject)


@dataclass(frozen=True)
class Slot(Generic[G, V]):
    """One verdict a rule may give on an incident: present where ``guard`` holds, about
    ``subject``; ``judged`` False for the verdict without subject of a known-empty list
    (``NO_SUBJECT``, made by ``Algebra.no_subject``), True where ``decide`` says."""

    guard: G
    subject: V
    judged: bool


def expand(subjects: SubjectList[G, V], no_state: V) -> list[Slot[G, V]]:
    """The verdicts a rule gives on one incident, from its subject's value:

    * one per distinct member of the subject (one state, or each state of a known list);
    * an unknown list: one verdict about an unknown subject (``no_state``), decided as any
      verdict about an unknown state (so undetermined if it could be a violation, missing the
      list);
    * a known empty list: one verdict without subject, ``not_applicable`` with nothing
      missing - no state's conduct is there to judge.
    """
    out = [Slot(guard, member, True) for guard, member in subjects.members()]
    out.append(Slot(subjects.unknown(), no_state, True))
    out.append(Slot(subjects.empty(), no_state, False))
    return out
