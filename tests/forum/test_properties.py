"""Properties of the fold, over random sequences of acts (many of them refused):

- determinism: the same records give the same state, and any prefix of an accepted log is a
  valid state;
- consensus iff no blocking position and no open concern: every accepted close of a
  consensus call agrees with an oracle that re-reads the records, and a claimed adoption is
  refused exactly when something blocks;
- the outcome and "what it still needs" are functions of the log prefix;
- a refused act leaves the state exactly as it was.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from cybernorms.forum import Close, Concern, Position, Resolve, fold
from cybernorms.forum import errors as refuse
from cybernorms.forum.errors import ForumError

from .world import (
    HASH_V1,
    HASH_V2,
    NOT_ALL_NORMS,
    Log,
    consensus_forum,
    fingerprint,
    open_call,
    secretariat,
    state,
)

STATES = ("BRA", "DEU", "FRA", "IRN")
POSITIONS = ("join", "no_objection", "abstain", "disassociate", "object", "not_participating")

move = st.one_of(
    st.tuples(
        st.just("position"),
        st.sampled_from(STATES),
        st.sampled_from(POSITIONS),
        st.sampled_from((HASH_V1, HASH_V2)),
    ),
    st.tuples(st.just("concern"), st.sampled_from(STATES), st.sampled_from(("scope", "text"))),
    st.tuples(st.just("resolve"), st.sampled_from(STATES), st.sampled_from(("scope", "text"))),
    st.tuples(st.just("join"), st.sampled_from(STATES)),
    st.tuples(st.just("close"), st.sampled_from(("adopted_without_vote", "no_decision"))),
    st.tuples(st.just("revise")),
    st.tuples(st.just("wait"), st.integers(min_value=1, max_value=48)),
)


def _attempt(log: Log, step: tuple[Any, ...]) -> tuple[str, ForumError | None]:
    """Try one move; return what was tried and the refusal (None: appended)."""
    kind = step[0]
    if kind == "wait":
        log.tick(hours=step[1])
        return kind, None
    log.tick()
    if kind == "position":
        _, code, position, revision = step
        more = {"paragraphs": ["4"]} if position == "disassociate" else {}
        record = log.record(
            state(code),
            "position",
            forum="oewg",
            call="c1",
            revision=revision,
            state=code,
            position=position,
            **more,
        )
    elif kind == "concern":
        record = log.record(
            state(step[1]),
            "concern",
            forum="oewg",
            call="c1",
            revision=HASH_V1,
            state=step[1],
            concern=step[2],
        )
    elif kind == "resolve":
        record = log.record(
            state(step[1]), "resolve", forum="oewg", call="c1", state=step[1], concern=step[2]
        )
    elif kind == "join":
        record = log.record(state(step[1]), "join", forum="oewg", state=step[1], role="member")
    elif kind == "close":
        record = log.record(secretariat("oewg"), "close", forum="oewg", call="c1", outcome=step[1])
    else:
        record = log.record(
            secretariat("oewg"),
            "revise",
            forum="oewg",
            proposal="p1",
            revision=HASH_V2,
            norms=NOT_ALL_NORMS,
        )
    before = fingerprint(log.state)
    try:
        log.append(record)
    except ForumError as exc:
        assert fingerprint(log.state) == before  # nothing half-written
        return kind, exc
    return kind, None


def _blockers(log: Log) -> tuple[set[str], set[tuple[str, str]]]:
    """An oracle independent of the fold: objections and open concerns re-read from records."""
    electorate = set(log.state.call("oewg", "c1").electorate)
    latest: dict[str, str] = {}
    concerns: set[tuple[str, str]] = set()
    for record in log.records:
        act = record.act
        if isinstance(act, Position) and act.call == "c1":
            latest[act.state] = act.position
        elif isinstance(act, Concern) and act.call == "c1":
            concerns.add((act.concern, act.state))
        elif isinstance(act, Resolve) and act.call == "c1":
            concerns = {c for c in concerns if c[0] != act.concern}
    objections = {s for s, p in latest.items() if p == "object" and s in electorate}
    return objections, concerns


@settings(max_examples=150, deadline=None)
@given(st.lists(move, max_size=30))
def test_consensus_iff_nothing_blocks_and_the_state_is_a_function_of_the_prefix(
    steps: list[tuple[Any, ...]],
) -> None:
    log = Log()
    consensus_forum(log, members=("BRA", "DEU", "FRA"))
    ends = open_call(log, days=1)
    words_after: list[str] = []  # what the call still needs after each record
    # every example ends by trying to close, both ways, after the period
    ending = [("wait", 48), ("close", "adopted_without_vote"), ("close", "no_decision")]
    for step in [*steps, *ending]:
        call = log.state.call("oewg", "c1")
        was_open_and_due = call.status == "open" and log.now + timedelta(minutes=1) >= ends
        objections, concerns = _blockers(log)
        kind, refusal = _attempt(log, step)
        if kind == "close" and step[1] == "adopted_without_vote" and was_open_and_due:
            blocked = bool(objections or concerns)
            assert (refusal is None) == (not blocked)
            if blocked:
                event("claimed consensus refused")
                assert type(refusal) is refuse.ConsensusBlocked
        if kind == "close" and refusal is None:
            event(f"call closed: {step[1]}")
            assert isinstance(log.records[-1].act, Close)
            assert (step[1] == "adopted_without_vote") == (not objections and not concerns)
            assert (log.state.adoption_of(HASH_V1) is not None) == (
                step[1] == "adopted_without_vote"
            )
        if refusal is None and kind != "wait":
            words_after.append(log.state.what_it_still_needs("oewg", "c1"))

    # determinism: refolding gives the same state, and every prefix folds to a valid state
    assert fingerprint(fold(log.records)) == fingerprint(log.state)
    setup = len(log.records) - len(words_after)
    for cut in range(setup, len(log.records) + 1):
        prefix = fold(log.records[:cut])
        if cut > setup:
            assert prefix.what_it_still_needs("oewg", "c1") == words_after[cut - setup - 1]
