"""Membership, proposals, amendments and calls: the procedural refusals, one by one, and a
decision recorded from public sources carrying that label into what the engine reads."""

from __future__ import annotations

import inspect
from datetime import timedelta

from cybernorms.errors import CybernormsError
from cybernorms.forum import errors as refuse
from cybernorms.forum import packages_as_of

from .world import (
    CONSENSUS,
    HASH_V1,
    HASH_V2,
    NOT_ALL_NORMS,
    Log,
    close,
    consensus_forum,
    open_call,
    position,
    public,
    rules,
    secretariat,
    state,
)


def test_every_refusal_is_a_named_cybernorms_error_that_says_why() -> None:
    classes = [
        c for _, c in inspect.getmembers(refuse, inspect.isclass) if c.__module__ == refuse.__name__
    ]
    assert len(classes) > 40
    for cls in classes:
        assert issubclass(cls, refuse.ForumError) and issubclass(cls, CybernormsError)
        assert cls.__doc__ and cls("x").refusal == cls.__name__


def test_membership() -> None:
    log = Log()
    log.by(secretariat("club")).forum_new(
        forum="club",
        name="Club",
        mandate="Few",
        membership="listed",
        eligible=["DEU", "FRA"],
        decision_rules=rules(CONSENSUS),
    )
    log.by(secretariat("club")).refuses(refuse.DuplicateForum).forum_new(
        forum="club",
        name="Club",
        mandate="Again",
        membership="open",
        decision_rules=rules(CONSENSUS),
    )
    log.by(state("KEN")).refuses(refuse.NotEligible).join(forum="club", state="KEN", role="member")
    log.by(state("KEN")).refuses(refuse.UnknownForum).join(
        forum="nowhere", state="KEN", role="member"
    )
    log.by(state("FRA")).join(forum="club", state="FRA", role="observer")
    log.by(state("FRA")).refuses(refuse.AlreadyMember).join(
        forum="club", state="FRA", role="observer"
    )
    log.by(state("FRA")).join(forum="club", state="FRA", role="member")
    log.by(state("FRA")).leave(forum="club", state="FRA")
    log.by(state("FRA")).refuses(refuse.NotAMember).leave(forum="club", state="FRA")
    history = [(e.state, e.role) for e in log.state.forum("club").membership_history]
    assert history == [("FRA", "observer"), ("FRA", "member"), ("FRA", None)]


def test_proposals_and_amendment_texts() -> None:
    log = Log()
    consensus_forum(log)
    bra = log.by(state("BRA"))
    bra.refuses(refuse.DuplicateProposal).propose(
        forum="oewg",
        proposal="p1",
        proposal_kind="new_package",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
    )
    bra.refuses(refuse.UnknownPackage).propose(
        forum="oewg",
        proposal="p2",
        proposal_kind="amendment",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
    )
    bra.refuses(refuse.MalformedAct).propose(  # terms again for a package the forum owns
        forum="oewg",
        proposal="p2",
        proposal_kind="new_package",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
        terms={"package": "norms-package", "kind": "norms"},
    )
    bra.refuses(refuse.NothingChanged).revise(
        forum="oewg", proposal="p1", revision=HASH_V1, norms=NOT_ALL_NORMS
    )
    bra.refuses(refuse.UnknownProposal).revise(
        forum="oewg", proposal="p9", revision=HASH_V2, norms=NOT_ALL_NORMS
    )
    text = {"forum": "oewg", "proposal": "p1", "against": HASH_V1, "text": "Add a norm"}
    first = bra.amend(amendment="add-norm", **text)
    bra.refuses(refuse.DuplicateAmendment).amend(amendment="add-norm", **text)
    bra.refuses(refuse.RevisionNotPinned).amend(amendment="other", **{**text, "against": HASH_V2})
    bra.refuses(refuse.UnknownAmendment).revise(
        forum="oewg",
        proposal="p1",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
        accepts=[first.log_index + 1],
    )
    bra.revise(
        forum="oewg",
        proposal="p1",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
        accepts=[first.log_index],
    )
    log.now = open_call(log, revision=HASH_V2)
    close(log, "adopted_without_vote")
    bra.refuses(refuse.ProposalDecided).amend(amendment="late", **{**text, "against": HASH_V2})
    bra.refuses(refuse.NothingChanged).propose(
        forum="oewg",
        proposal="p2",
        proposal_kind="amendment",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
    )


def test_calls_and_concerns() -> None:
    log = Log()
    consensus_forum(log)
    log.by(secretariat("oewg")).propose(
        forum="oewg",
        proposal="p1-bis",
        proposal_kind="new_package",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
    )
    ends = open_call(log)
    call = {
        "forum": "oewg",
        "rule": CONSENSUS,
        "electorate": ["BRA", "DEU", "FRA"],
        "period_ends": ends,
    }
    sec = log.by(secretariat("oewg"))
    sec.refuses(refuse.DuplicateCall).call(call="c1", proposal="p1", revision=HASH_V1, **call)
    sec.refuses(refuse.DuplicateCall).call(call="c2", proposal="p1-bis", revision=HASH_V2, **call)
    log.by(state("FRA")).refuses(refuse.UnknownCall).position(
        forum="oewg", call="c9", revision=HASH_V1, state="FRA", position="join"
    )
    concern = {
        "forum": "oewg",
        "call": "c1",
        "revision": HASH_V1,
        "state": "DEU",
        "concern": "scope",
    }
    log.by(state("DEU")).concern(**concern)
    log.by(state("DEU")).refuses(refuse.ConcernAlreadyOpen).concern(**concern)
    log.by(state("DEU")).resolve(forum="oewg", call="c1", state="DEU", concern="scope")
    log.by(state("DEU")).refuses(refuse.ConcernNotOpen).resolve(
        forum="oewg", call="c1", state="DEU", concern="scope"
    )
    log.by(state("DEU")).concern(**concern)  # raised again after resolution: blocks again
    position(log, "FRA", "object")
    assert log.state.what_it_still_needs("oewg", "c1").startswith(
        "Consensus blocked: objection by FRA; concern 'scope' by DEU is open"
    )
    log.now = ends
    close(log, "no_decision")
    log.now = open_call(log, "c2", proposal="p1-bis", revision=HASH_V2)
    close(log, "adopted_without_vote", call="c2")
    sec.refuses(refuse.WrongProcedure).call(
        call="c3",
        proposal="p1",
        revision=HASH_V1,
        **{**call, "period_ends": log.now + timedelta(days=9)},
    )


def test_a_decision_recorded_from_public_sources_says_so_downstream() -> None:
    log = Log()
    consensus_forum(log)
    ends = open_call(log)
    log.now = ends + timedelta(days=400)  # logged long after it took place
    recorder = public(secretariat("oewg"), "A/00/000 (report adopted without a vote)", ends)
    log.by(recorder).close(forum="oewg", call="c1", outcome="adopted_without_vote")
    (standing,) = packages_as_of(log.state, ends.date(), "FRA")
    assert standing.adopted_on == ends.date()
    assert standing.decision_attribution == (
        "secretariat of oewg (recorded from public sources by cybernorms-maintainers: "
        "A/00/000 (report adopted without a vote); not signed by secretariat of oewg)"
    )
    assert not log.state.adoption_of(HASH_V1).signed_by_author  # type: ignore[union-attr]
