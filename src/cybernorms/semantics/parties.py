"""Who a ``binds: parties`` rule binds, and from when: the parties test as one expression.

A treaty binds a state only while it is in force for that state, and never in a rule that
state made an allowed reservation to. The forum record says when (``forum.standing``);
this module turns what it says into one IR expression, "the subject is bound by this rule
on the evaluation date", built from nodes every back end already implements (``subject``,
``as_of``, date constants, comparisons, ``and``/``or``, membership). So the reference
interpreter, the generated code, the SQL of the bulk engines and the SMT encoding read
the parties the same way, and the evaluation date is read per call, as everywhere else
(``semantics.profiles`` does the same for the profile in force).

Two shapes of parties:

* a plain ``frozenset`` (a package's own ``parties:`` list, no record): every listed state
  is bound, always - the test is ``subject not in PARTIES``, as it always was;
* ``Parties`` (from the record): each state with its ``Consent`` - bound from ``since``
  (inclusive) until ``until`` (exclusive: a denunciation taking effect), except in the
  rules it reserved. A state never bound, or bound only at other dates, is not a party on
  that date: the rule is ``not_applicable`` to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cybernorms.rules import ir
from cybernorms.rules.types import BOOL, DATE, STATE, STATE_LIST


@dataclass(frozen=True)
class Consent:
    """One state's consent to a treaty version, as the record makes it.

    ``since``: the day the treaty enters into force for the state; ``until``: the day a
    denunciation takes effect (None: not denounced); ``reserved``: the rule ids of the
    package the state made an allowed reservation to (the rule does not bind it)."""

    since: dt.date
    until: dt.date | None = None
    reserved: frozenset[str] = frozenset()

    def binds(self, rule_id: str, on: dt.date) -> bool:
        """Whether this consent binds the state by ``rule_id`` on ``on`` (the same test the
        expression states, for readers that hold a concrete date: listings, ``standing``)."""
        if rule_id in self.reserved:
            return False
        return self.since <= on and (self.until is None or on < self.until)


class Parties(frozenset[str]):
    """The states that consent to a package version on the record (each at some date), with
    their ``Consent``. A ``frozenset`` of the states, so every back end that carries parties
    per package carries these unchanged; the dates are read only by ``outside``."""

    consents: Mapping[str, Consent]

    def __new__(cls, consents: Mapping[str, Consent]) -> Parties:
        made = super().__new__(cls, consents)
        made.consents = dict(sorted(consents.items()))
        return made

    def bound(self, rule_id: str, on: dt.date) -> frozenset[str]:
        """The states ``rule_id`` binds on ``on``."""
        return frozenset(s for s, c in self.consents.items() if c.binds(rule_id, on))


def not_bound_reason(
    parties: frozenset[str], package: str, rule_id: str, state: str, on: dt.date
) -> str | None:
    """Why ``rule_id`` does not bind ``state`` on ``on``, in words (None: it binds, or the
    parties are a plain list, whose verdicts say "not a party"): for a verdict's reason."""
    if not isinstance(parties, Parties):
        return None
    consent = parties.consents.get(state)
    if consent is None:
        return f"{package} is not in force for {state} on the record"
    if rule_id in consent.reserved:
        return f"{state} made a reservation to {rule_id} that {package} allows"
    if on < consent.since:
        return f"{package} enters into force for {state} on {consent.since.isoformat()}"
    if consent.until is not None and on >= consent.until:
        return f"{state}'s denunciation of {package} took effect on {consent.until.isoformat()}"
    return None


def dated(parties: Iterable[str]) -> bool:
    """Whether the parties are read on a date (the evaluation date is then needed)."""
    return isinstance(parties, Parties)


def outside(rule_id: str, package: str, parties: frozenset[str], at: ir.Node) -> ir.Node:
    """``the subject is not bound by rule_id on the evaluation date`` as an expression;
    ``at`` (the rule's subject node) gives the position shown in traces.

    For ``Parties``: ``not any(subject == S and since_S <= as_of < until_S)`` over the
    states whose consent does not reserve the rule, for a known subject; unknown for an
    unknown subject, exactly as the plain list's ``subject not in PARTIES`` is."""
    where = (at.line, at.col)
    subject = ir.SubjectRef(STATE, "subject", *where)
    if not isinstance(parties, Parties):
        return ir.Member(
            BOOL,
            f"subject not in parties of {package}",
            *where,
            item=subject,
            container=ir.SetLit(STATE_LIST, "parties", *where, values=frozenset(parties)),
            negate=True,
        )
    as_of = ir.AsOf(DATE, "as_of", *where)
    alternatives: list[ir.Node] = []
    for state, consent in parties.consents.items():
        if rule_id in consent.reserved:
            continue  # reserved: the rule never binds this state
        period = f"{state} bound by {package} from {consent.since.isoformat()}"
        terms: list[ir.Node] = [
            ir.Compare(
                BOOL,
                f"subject == {state!r}",
                *where,
                op="==",
                left=subject,
                right=ir.Const(STATE, repr(state), *where, value=state),
            ),
            ir.Compare(
                BOOL,
                f"as_of >= date({consent.since.isoformat()!r})",
                *where,
                op=">=",
                left=as_of,
                right=ir.Const(
                    DATE, f"date({consent.since.isoformat()!r})", *where, value=consent.since
                ),
            ),
        ]
        if consent.until is not None:
            period += f" until {consent.until.isoformat()}"
            terms.append(
                ir.Compare(
                    BOOL,
                    f"as_of < date({consent.until.isoformat()!r})",
                    *where,
                    op="<",
                    left=as_of,
                    right=ir.Const(
                        DATE, f"date({consent.until.isoformat()!r})", *where, value=consent.until
                    ),
                )
            )
        alternatives.append(ir.BoolOp(BOOL, period, *where, op="and", items=tuple(terms)))
    bound: ir.Node = (
        ir.BoolOp(
            BOOL,
            f"subject bound by {rule_id} on as_of",
            *where,
            op="or",
            items=tuple(alternatives),
        )
        if alternatives
        else ir.Const(BOOL, "False", *where, value=False)
    )
    # ``subject == subject``: true for a known state, unknown for an unknown one - so, as with
    # a plain list, an unknown subject is never "outside" (its verdict is undetermined, missing
    # the subject, wherever the rule would apply): whether it is bound depends on who it is.
    known = ir.Compare(
        BOOL, "subject is a known state", *where, op="==", left=subject, right=subject
    )
    not_bound = ir.Not(
        BOOL, f"subject not bound by {rule_id} of {package} on as_of", *where, item=bound
    )
    return ir.BoolOp(
        BOOL,
        f"subject not a party bound by {rule_id} on as_of",
        *where,
        op="and",
        items=(known, not_bound),
    )
