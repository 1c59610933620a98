"""Issue 9's walk-through, on the pure core (docs/forum.md tells the same story):

1. a forum of three states adopts a package by consensus, one of them disassociating from a
   paragraph;
2. a fourth state joins and objects in a second call, on an amendment, and blocks it;
3. a treaty enters into force after its Nth ratification;
4. an amendment of the package proposed in another forum is refused.
"""

from __future__ import annotations

from datetime import timedelta

from cybernorms.forum import basis_of, fold, packages_as_of
from cybernorms.forum import errors as refuse

from .world import (
    CONSENSUS,
    NOT_ALL_NORMS,
    Log,
    content_hash,
    depositary,
    rules,
    secretariat,
    state,
    treaty_terms,
)

NORMS_V1 = content_hash("responsible-behaviour 1.0.0")
NORMS_V2 = content_hash("responsible-behaviour 1.1.0")
TREATY = content_hash("treaty-x 1.0.0")


def test_walkthrough() -> None:
    log = Log()
    oewg = log.by(secretariat("oewg"))

    # 1. three states adopt a package by consensus; France disassociates from paragraph 7
    oewg.forum_new(
        forum="oewg",
        name="Open-ended working group",
        mandate="Norms of responsible behaviour",
        membership="open",
        decision_rules=rules(CONSENSUS),
        packages=[{"package": "responsible-behaviour", "kind": "norms"}],
    )
    for code in ("BRA", "DEU", "FRA"):
        log.by(state(code)).join(forum="oewg", state=code, role="member")
    oewg.propose(
        forum="oewg",
        proposal="final-report",
        proposal_kind="new_package",
        package="responsible-behaviour",
        revision=NORMS_V1,
        norms=NOT_ALL_NORMS,
    )
    ends = log.now + timedelta(days=5)
    oewg.call(
        forum="oewg",
        call="adopt-report",
        proposal="final-report",
        revision=NORMS_V1,
        rule=CONSENSUS,
        electorate=["BRA", "DEU", "FRA"],
        period_ends=ends,
    )
    log.by(state("BRA")).position(
        forum="oewg", call="adopt-report", revision=NORMS_V1, state="BRA", position="join"
    )
    log.by(state("FRA")).position(
        forum="oewg",
        call="adopt-report",
        revision=NORMS_V1,
        state="FRA",
        position="disassociate",
        paragraphs=["7"],
    )
    assert log.state.what_it_still_needs("oewg", "adopt-report").startswith(
        "Nothing blocks consensus"
    )
    log.now = ends
    adopted = oewg.close(forum="oewg", call="adopt-report", outcome="adopted_without_vote")
    oewg.statement(
        forum="oewg",
        statement="chairs_summary",
        call="adopt-report",
        text="Proposals made during the session, noted, not adopted",
    )
    basis = basis_of(log.state, NORMS_V1, declared="consensus")
    assert (basis.label, basis.decision_log_index) == ("consensus", adopted.log_index)
    (fra,) = packages_as_of(log.state, log.now.date(), "FRA")
    assert fra.disassociated == ("7",)

    # 2. a fourth state joins and blocks an amendment in a second call
    log.tick(days=30)
    log.by(state("IRN")).join(forum="oewg", state="IRN", role="member")
    log.by(state("DEU")).propose(
        forum="oewg",
        proposal="update",
        proposal_kind="amendment",
        package="responsible-behaviour",
        revision=NORMS_V2,
        norms=NOT_ALL_NORMS,
    )
    ends = log.now + timedelta(days=5)
    oewg.call(
        forum="oewg",
        call="adopt-update",
        proposal="update",
        revision=NORMS_V2,
        rule=CONSENSUS,
        electorate=["BRA", "DEU", "FRA", "IRN"],
        period_ends=ends,
    )
    log.by(state("IRN")).position(
        forum="oewg", call="adopt-update", revision=NORMS_V2, state="IRN", position="object"
    )
    assert log.state.what_it_still_needs("oewg", "adopt-update") == (
        f"Consensus blocked: objection by IRN (period ends {ends.isoformat()})"
    )
    log.now = ends
    oewg.refuses(refuse.ConsensusBlocked).close(
        forum="oewg", call="adopt-update", outcome="adopted_without_vote"
    )
    oewg.close(forum="oewg", call="adopt-update", outcome="no_decision")
    assert basis_of(log.state, NORMS_V2, declared="consensus").label == "proposal"
    assert packages_as_of(log.state, log.now.date(), "IRN")[0].content_hash == NORMS_V1

    # 3. a treaty enters into force after its 3rd instrument (made-up figures: 3, 90 days)
    conf = log.by(secretariat("conf"))
    conf.forum_new(
        forum="conf",
        name="Treaty conference",
        mandate="Treaty X",
        membership="open",
        decision_rules=rules(CONSENSUS),
        packages=[treaty_terms("treaty-x", instruments=3)],
    )
    log.by(state("FRA")).join(forum="conf", state="FRA", role="member")
    conf.propose(
        forum="conf",
        proposal="text",
        proposal_kind="new_package",
        package="treaty-x",
        revision=TREATY,
        norms=NOT_ALL_NORMS,
    )
    ends = log.now + timedelta(days=1)
    conf.call(
        forum="conf",
        call="adopt",
        proposal="text",
        revision=TREATY,
        rule=CONSENSUS,
        electorate=["FRA"],
        period_ends=ends,
    )
    log.now = ends
    conf.close(forum="conf", call="adopt", outcome="adopted_without_vote")
    dep = log.by(depositary("depositary-of-treaty-x"))
    instrument = {"package": "treaty-x", "revision": TREATY}
    for code in ("BRA", "DEU", "FRA"):
        dep.instrument(
            state=code, instrument="signature", deposited_on=log.now.date(), **instrument
        )
    for code in ("BRA", "DEU"):
        log.tick(days=20)
        dep.instrument(
            state=code, instrument="ratification", deposited_on=log.now.date(), **instrument
        )
    assert log.state.entry_into_force("treaty-x", TREATY) is None
    log.tick(days=20)
    third = log.now.date()
    dep.instrument(state="KEN", instrument="accession", deposited_on=third, **instrument)
    in_force = third + timedelta(days=90)
    dep.refuses(refuse.EntryIntoForceMismatch).entry_into_force(
        enters_into_force_on=third + timedelta(days=30), **instrument
    )
    dep.entry_into_force(enters_into_force_on=in_force, **instrument)
    assert [p.package for p in packages_as_of(log.state, in_force, "KEN")] == [
        "responsible-behaviour",
        "treaty-x",
    ]
    assert [p.package for p in packages_as_of(log.state, in_force, "FRA")] == [
        "responsible-behaviour",  # signed, not ratified: not bound
    ]

    # 4. an amendment proposed in another forum is refused
    council = log.by(secretariat("council"))
    council.forum_new(
        forum="council",
        name="Council",
        mandate="Other business",
        membership="open",
        decision_rules=rules(CONSENSUS),
    )
    log.by(state("IRN")).join(forum="council", state="IRN", role="member")
    log.by(state("IRN")).refuses(refuse.NotPackageOwner).propose(
        forum="council",
        proposal="rewrite",
        proposal_kind="amendment",
        package="responsible-behaviour",
        revision=content_hash("rewritten"),
        norms=NOT_ALL_NORMS,
    )

    # the whole story is a pure function of the log
    assert fold(log.records).what_it_still_needs("oewg", "adopt-update") == (
        log.state.what_it_still_needs("oewg", "adopt-update")
    )
