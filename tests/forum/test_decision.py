"""Decision rules as data: consensus, simple majority and two thirds of members present and
voting (abstentions not counted), quorum; outcomes and "what this call still needs" in words."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cybernorms.forum import Counts, Ratio, VotingRule, basis_of
from cybernorms.forum import errors as refuse
from cybernorms.forum.decision import Tally, outcome, still_needs

from .world import (
    HASH_V1,
    MAJORITY,
    NOT_ALL_NORMS,
    TWO_THIRDS,
    Log,
    open_call,
    rules,
    secretariat,
    state,
)

HALF = Ratio(numerator=1, denominator=2)


def tally(yes: int, no: int, abstain: int, electorate: int = 10) -> Tally:
    return Tally(electorate=electorate, counts=Counts(yes=yes, no=no, abstain=abstain))


@pytest.mark.parametrize(
    ("rule", "counts", "expected"),
    [
        ("majority", (3, 2, 0), "adopted_by_vote"),
        ("majority", (3, 3, 0), "rejected"),  # a tie is no majority
        ("majority", (2, 1, 7), "adopted_by_vote"),  # abstentions are not votes
        ("two_thirds", (4, 2, 0), "adopted_by_vote"),  # exactly two thirds
        ("two_thirds", (5, 3, 0), "rejected"),
        ("two_thirds", (2, 1, 7), "adopted_by_vote"),  # GA two thirds with many abstentions
        ("two_thirds", (0, 0, 6), "rejected"),  # nobody present and voting
        ("majority", (2, 1, 1), "no_decision"),  # 4 of 10 present: below a quorum of half
    ],
)
def test_voting_outcomes(rule: Any, counts: tuple[int, int, int], expected: str) -> None:
    assert outcome(VotingRule(rule=rule, quorum=HALF), tally(*counts)) == expected


@pytest.mark.parametrize(
    ("rule", "counts", "words"),
    [
        (
            "majority",
            (2, 4, 0),
            "Needs 3 more yes votes for a majority of members present and voting",
        ),
        (
            "two_thirds",
            (5, 3, 0),
            "Needs 1 more yes vote for two thirds of members present and voting",
        ),
        (
            "majority",
            (1, 0, 1),
            "Needs 3 more members voting (yes, no or abstain) for the quorum of 5 of 10",
        ),
        (
            "majority",
            (4, 1, 0),
            "Adopted by vote if it closes as it stands (4 yes, 1 no, 0 abstaining)",
        ),
    ],
)
def test_what_a_vote_still_needs_in_words(
    rule: Any, counts: tuple[int, int, int], words: str
) -> None:
    assert still_needs(VotingRule(rule=rule, quorum=HALF), tally(*counts)).startswith(words)


def _assembly(log: Log, rule: dict[str, Any], members: tuple[str, ...]) -> None:
    log.by(secretariat("ga")).forum_new(
        forum="ga",
        name="General assembly",
        mandate="Recommendations",
        membership="open",
        decision_rules=rules(rule),
    )
    for code in members:
        log.by(state(code)).join(forum="ga", state=code, role="member")
    log.by(state(members[0])).propose(
        forum="ga",
        proposal="res",
        proposal_kind="new_package",
        package="resolution",
        revision=HASH_V1,
        norms=NOT_ALL_NORMS,
        terms={"package": "resolution", "kind": "norms"},
    )


MEMBERS = ("ARG", "BRA", "CHN", "DEU", "EGY", "FRA", "IND")


def test_a_recorded_vote_adopts_with_its_counts_and_is_not_consensus() -> None:
    log = Log()
    _assembly(log, TWO_THIRDS, MEMBERS)
    ends = open_call(log, "v", forum="ga", proposal="res", rule=TWO_THIRDS)
    for code, vote in zip(MEMBERS, ["yes", "yes", "no", "yes", "abstain", "yes"], strict=False):
        log.by(state(code)).vote(forum="ga", call="v", revision=HASH_V1, state=code, vote=vote)
    assert log.state.what_it_still_needs("ga", "v").startswith(
        "Adopted by vote if it closes as it stands (4 yes, 1 no, 1 abstaining)"
    )
    log.by(state("FRA")).refuses(refuse.AlreadyVoted).vote(
        forum="ga", call="v", revision=HASH_V1, state="FRA", vote="no"
    )
    log.by(state("IND")).refuses(refuse.WrongProcedure).position(
        forum="ga", call="v", revision=HASH_V1, state="IND", position="object"
    )
    log.now = ends
    sec = log.by(secretariat("ga"))
    sec.refuses(refuse.OutcomeMismatch).close(forum="ga", call="v", outcome="adopted_by_vote")
    sec.refuses(refuse.OutcomeMismatch).close(
        forum="ga", call="v", outcome="adopted_by_vote", counts={"yes": 5, "no": 1, "abstain": 1}
    )
    sec.refuses(refuse.OutcomeMismatch).close(forum="ga", call="v", outcome="adopted_without_vote")
    sec.close(
        forum="ga", call="v", outcome="adopted_by_vote", counts={"yes": 4, "no": 1, "abstain": 1}
    )
    assert log.state.what_it_still_needs("ga", "v") == (
        f"Closed at log index {log.index}: adopted by vote (4 yes, 1 no, 1 abstaining)"
    )
    basis = basis_of(log.state, HASH_V1, declared="proposal")
    assert (basis.label, basis.decision_log_index) == ("vote:ga", log.index)


def test_a_call_states_the_forums_rule_for_its_question() -> None:
    log = Log()
    _assembly(log, MAJORITY, MEMBERS)
    log.by(secretariat("ga")).refuses(refuse.WrongDecisionRule).call(
        forum="ga",
        call="v",
        proposal="res",
        revision=HASH_V1,
        rule=TWO_THIRDS,
        electorate=list(MEMBERS),
        period_ends=log.now + timedelta(days=1),
    )
    log.by(secretariat("ga")).refuses(refuse.WrongDecisionRule).call(
        forum="ga",
        call="v",
        proposal="res",
        revision=HASH_V1,
        rule={"rule": "consensus"},
        electorate=list(MEMBERS),
        period_ends=log.now + timedelta(days=1),
    )


def test_a_close_before_the_period_ends_and_acts_after_it_are_refused() -> None:
    log = Log()
    _assembly(log, MAJORITY, MEMBERS)
    ends = open_call(log, "v", forum="ga", proposal="res", rule=MAJORITY)
    log.by(secretariat("ga")).refuses(refuse.CallStillOpen).close(
        forum="ga", call="v", outcome="no_decision", counts={"yes": 0, "no": 0, "abstain": 0}
    )
    log.now = ends + timedelta(seconds=1)
    log.by(state("ARG")).refuses(refuse.CallPeriodOver).vote(
        forum="ga", call="v", revision=HASH_V1, state="ARG", vote="yes"
    )
    log.by(secretariat("ga")).close(
        forum="ga", call="v", outcome="no_decision", counts={"yes": 0, "no": 0, "abstain": 0}
    )


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["majority", "two_thirds"]),
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(1, 4),
    st.integers(1, 4),
)
def test_the_words_say_exactly_how_many_yes_votes_are_missing(
    rule: Any, yes: int, no: int, abstain: int, numerator: int, denominator: int
) -> None:
    """ "Needs N more yes votes": N more yes votes adopt (the quorum met), N - 1 do not."""
    voting = VotingRule(
        rule=rule, quorum=Ratio(numerator=min(numerator, denominator), denominator=denominator)
    )
    electorate = yes + no + abstain + 10
    start = Tally(
        electorate=electorate, counts=Counts(yes=yes, no=no, abstain=abstain + electorate)
    )
    words = still_needs(voting, start)
    found = re.search(r"Needs (\d+) more yes votes?", words)
    if found is None:
        assert outcome(voting, start) == "adopted_by_vote"
        return
    missing = int(found.group(1))
    assert missing >= 1
    more = Counts(yes=yes + missing, no=no, abstain=abstain + electorate)
    fewer = Counts(yes=yes + missing - 1, no=no, abstain=abstain + electorate)
    assert outcome(voting, Tally(electorate=electorate, counts=more)) == "adopted_by_vote"
    assert outcome(voting, Tally(electorate=electorate, counts=fewer)) == "rejected"
