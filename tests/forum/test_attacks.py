"""The attacks and bad input of issue 9 that reach the pure core, each refused with its reason.

(Signature attacks, an act not signed by its author's threshold, are refused before the fold
by the trust layer; ``test_invariants.test_8_*`` holds the fold's share: the verified author
must be one who may author the act.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from cybernorms.forum import errors as refuse

from .world import (
    CONSENSUS,
    HASH_V1,
    HASH_V2,
    MAJORITY,
    NOT_ALL_NORMS,
    Log,
    close,
    consensus_forum,
    content_hash,
    depositary,
    open_call,
    position,
    rules,
    secretariat,
    state,
    treaty_terms,
)


def test_an_act_by_a_state_that_is_not_a_member() -> None:
    log = Log()
    consensus_forum(log)
    open_call(log)
    log.by(state("IRN")).refuses(refuse.NotAMember).position(
        forum="oewg", call="c1", revision=HASH_V1, state="IRN", position="object"
    )
    log.by(state("IRN")).refuses(refuse.NotAMember).propose(
        forum="oewg",
        proposal="p2",
        proposal_kind="new_package",
        package="other-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
        terms={"package": "other-package", "kind": "norms"},
    )
    log.by(state("IRN")).join(forum="oewg", state="IRN", role="observer")
    log.by(state("IRN")).refuses(refuse.NotAMember).concern(
        forum="oewg", call="c1", revision=HASH_V1, state="IRN", concern="scope"
    )


def test_a_position_on_a_revision_the_call_did_not_pin() -> None:
    log = Log()
    consensus_forum(log)
    open_call(log)
    log.by(state("DEU")).refuses(refuse.RevisionNotPinned).position(
        forum="oewg",
        call="c1",
        revision=content_hash("another draft"),
        state="DEU",
        position="disassociate",
        paragraphs=["3"],
    )


def test_a_state_voting_in_a_call_opened_before_it_joined() -> None:
    log = Log()
    log.by(secretariat("assembly")).forum_new(
        forum="assembly",
        name="Assembly",
        mandate="Decide by vote",
        membership="open",
        decision_rules=rules(MAJORITY),
    )
    for code in ("BRA", "DEU", "FRA"):
        log.by(state(code)).join(forum="assembly", state=code, role="member")
    log.by(state("BRA")).propose(
        forum="assembly",
        proposal="res",
        proposal_kind="new_package",
        package="resolution",
        revision=HASH_V1,
        norms=NOT_ALL_NORMS,
        terms={"package": "resolution", "kind": "norms"},
    )
    open_call(log, "vote-1", forum="assembly", proposal="res", rule=MAJORITY)
    log.by(state("ZAF")).join(forum="assembly", state="ZAF", role="member")
    log.by(state("ZAF")).refuses(refuse.ElectorateFrozen).vote(
        forum="assembly", call="vote-1", revision=HASH_V1, state="ZAF", vote="no"
    )


def test_a_second_forum_adopting_a_new_version_of_a_package_it_does_not_own() -> None:
    log = Log()
    consensus_forum(log)
    log.now = open_call(log)
    close(log, "adopted_without_vote")
    log.by(secretariat("council")).forum_new(
        forum="council",
        name="Council",
        mandate="Other",
        membership="open",
        decision_rules=rules(CONSENSUS),
    )
    log.by(state("DEU")).join(forum="council", state="DEU", role="member")
    log.by(secretariat("council")).refuses(refuse.NotPackageOwner).propose(
        forum="council",
        proposal="revise-it",
        proposal_kind="amendment",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
    )
    # and its call cannot pin anything of that package either: it has no such proposal
    log.by(secretariat("council")).refuses(refuse.UnknownProposal).call(
        forum="council",
        call="c",
        proposal="p1",
        revision=HASH_V1,
        rule=CONSENSUS,
        electorate=["DEU"],
        period_ends=log.now + timedelta(days=1),
    )


def _treaty_adopted(log: Log, reservations: dict[str, object]) -> str:
    log.by(secretariat("conf")).forum_new(
        forum="conf",
        name="Conference",
        mandate="Treaty",
        membership="open",
        decision_rules=rules(CONSENSUS),
        packages=[treaty_terms("treaty-x", reservations=reservations)],
    )
    log.by(state("FRA")).join(forum="conf", state="FRA", role="member")
    treaty = content_hash("treaty-x v1")
    log.by(state("FRA")).propose(
        forum="conf",
        proposal="draft",
        proposal_kind="new_package",
        package="treaty-x",
        revision=treaty,
        norms=NOT_ALL_NORMS,
    )
    log.now = open_call(log, "adopt", forum="conf", proposal="draft", revision=treaty)
    close(log, "adopted_without_vote", call="adopt", forum="conf")
    log.by(depositary("depositary-of-treaty-x")).instrument(
        package="treaty-x",
        revision=treaty,
        state="FRA",
        instrument="signature",
        deposited_on=log.now.date(),
    )
    return treaty


def test_a_reservation_the_package_does_not_allow() -> None:
    log = Log()
    treaty = _treaty_adopted(log, {"allowed": "none"})
    log.by(state("FRA")).refuses(refuse.ReservationNotAllowed).reservation(
        package="treaty-x",
        revision=treaty,
        state="FRA",
        norms=["norm_a"],
        text="does not apply norm (a)",
        made_on=log.now.date(),
    )


def test_ratifying_a_single_norm_instead_of_the_package() -> None:
    log = Log()
    _treaty_adopted(log, {"allowed": "any"})
    dep = log.by(depositary("depositary-of-treaty-x"))
    dep.refuses(refuse.NotWholePackage).instrument(
        package="treaty-x",
        revision=content_hash("treaty-x v1: norm_a"),
        state="FRA",
        instrument="ratification",
        deposited_on=log.now.date(),
    )
    # there is no field to name a norm in an instrument: the strict parser refuses one
    dep.refuses(refuse.MalformedAct).instrument(
        package="treaty-x",
        revision=content_hash("treaty-x v1"),
        state="FRA",
        instrument="ratification",
        deposited_on=log.now.date(),
        norms=["norm_a"],
    )


def test_a_decision_names_the_one_revision_its_call_pinned() -> None:
    log = Log()
    consensus_forum(log)
    log.now = open_call(log)
    log.by(secretariat("oewg")).refuses(refuse.RevisionNotPinned).close(
        forum="oewg", call="c1", revision=HASH_V2, outcome="adopted_without_vote"
    )
    log.by(secretariat("oewg")).refuses(refuse.MalformedAct).close(
        forum="oewg", call="c1", revision=[HASH_V1, HASH_V2], outcome="adopted_without_vote"
    )


def test_a_decision_recorded_with_a_free_text_view_inside_it() -> None:
    log = Log()
    consensus_forum(log)
    log.now = open_call(log)
    for field in ("view", "summary", "comment", "note"):
        log.by(secretariat("oewg")).refuses(refuse.FreeTextInDecision).close(
            forum="oewg", call="c1", outcome="adopted_without_vote", **{field: "a national view"}
        )


def test_a_replayed_act() -> None:
    log = Log()
    consensus_forum(log)
    open_call(log)
    first = position(log, "FRA", "object")
    log.tick()
    replay = replace(first, log_index=log.index + 1, logged_at=log.now)
    log.refused_record(refuse.ReplayedAct, replay)


def test_a_reordered_act() -> None:
    log = Log()
    consensus_forum(log)
    open_call(log)
    log.tick()
    skipping = log.record(
        state("FRA"),
        "position",
        seq=3,
        forum="oewg",
        call="c1",
        revision=HASH_V1,
        state="FRA",
        position="object",
    )
    log.refused_record(refuse.OutOfOrder, skipping)
    position(log, "FRA", "no_objection")
    earlier_index = replace(
        log.record(
            state("DEU"),
            "position",
            forum="oewg",
            call="c1",
            revision=HASH_V1,
            state="DEU",
            position="join",
        ),
        log_index=log.index - 1,
    )
    log.refused_record(refuse.OutOfOrder, earlier_index)
    earlier_time = replace(
        log.record(
            state("DEU"),
            "position",
            forum="oewg",
            call="c1",
            revision=HASH_V1,
            state="DEU",
            position="join",
        ),
        logged_at=log.now - timedelta(hours=1),
    )
    log.refused_record(refuse.OutOfOrder, earlier_time)


def test_a_consensus_claimed_while_an_objection_is_on_the_log() -> None:
    log = Log()
    consensus_forum(log)
    ends = open_call(log)
    position(log, "FRA", "disassociate", paragraphs=["4"])
    position(log, "DEU", "object")
    log.now = ends
    log.by(secretariat("oewg")).refuses(refuse.ConsensusBlocked).close(
        forum="oewg", call="c1", outcome="adopted_without_vote"
    )
    log.by(secretariat("oewg")).refuses(refuse.OutcomeMismatch).close(
        forum="oewg", call="c1", outcome="adopted_by_vote", counts={"yes": 2, "no": 1, "abstain": 0}
    )


def test_an_entry_into_force_date_that_does_not_follow_from_the_log() -> None:
    log = Log()
    treaty = _treaty_adopted(log, {"allowed": "none"})  # 3 instruments, then 90 days
    dep = log.by(depositary("depositary-of-treaty-x"))
    notice = {"package": "treaty-x", "revision": treaty}
    dep.refuses(refuse.EntryIntoForceMismatch).entry_into_force(
        enters_into_force_on=date(2026, 6, 1), **notice
    )
    deposited = []
    for code in ("DEU", "KEN", "BRA"):
        instrument = "accession"
        dep.instrument(
            package="treaty-x",
            revision=treaty,
            state=code,
            instrument=instrument,
            deposited_on=log.now.date(),
        )
        deposited.append(log.now.date())
    expected = deposited[-1] + timedelta(days=90)
    dep.refuses(refuse.EntryIntoForceMismatch).entry_into_force(
        enters_into_force_on=expected + timedelta(days=1), **notice
    )
    dep.entry_into_force(enters_into_force_on=expected, **notice)


def test_a_refused_act_leaves_the_state_unchanged() -> None:
    """``append`` returns a new state: the one refused against is exactly as it was (the
    fingerprint check inside ``refused`` holds for every test above)."""
    log = Log()
    consensus_forum(log)
    before = log.state
    after = before.append(
        log.record(state("KEN"), "join", forum="oewg", state="KEN", role="member")
    )
    assert "KEN" in after.forum("oewg").members and "KEN" not in before.forum("oewg").members
