"""What the engine reads: ``basis_of`` (consensus only through an adoption of that exact
content hash) and ``packages_as_of`` (which versions bind a state on a date)."""

from __future__ import annotations

from datetime import timedelta

from cybernorms.forum import basis_of, packages_as_of
from cybernorms.forum import errors as refuse

from .world import (
    HASH_V1,
    HASH_V2,
    NOT_ALL_NORMS,
    Log,
    close,
    consensus_forum,
    content_hash,
    open_call,
    position,
    state,
)


def _adopted(log: Log) -> int:
    consensus_forum(log)
    log.now = open_call(log)
    return close(log, "adopted_without_vote").log_index


def test_consensus_only_for_the_exact_content_hash_adopted_on_the_log() -> None:
    log = Log()
    decision = _adopted(log)
    basis = basis_of(log.state, HASH_V1, declared="consensus")
    assert (basis.label, basis.decision_log_index) == ("consensus", decision)
    edited_copy = content_hash("norms-package v1 with one rule left out")
    assert basis_of(log.state, edited_copy, declared="consensus").label == "proposal"
    assert basis_of(log.state, edited_copy, declared="restatement").label == "restatement"
    assert basis_of(log.state, edited_copy, declared="group:sco").label == "group:sco"
    assert basis_of(log.state, edited_copy, declared="consensus").adoption is None


def test_a_norms_package_binds_from_adoption_replaced_by_its_amendment_until_withdrawn() -> None:
    log = Log()
    consensus_forum(log)
    ends = open_call(log)
    position(log, "FRA", "disassociate", paragraphs=["7"])
    log.now = ends
    first = close(log, "adopted_without_vote")
    adopted_on = log.now.date()
    assert packages_as_of(log.state, adopted_on - timedelta(days=1), "FRA") == ()
    (fra,) = packages_as_of(log.state, adopted_on, "FRA")
    (deu,) = packages_as_of(log.state, adopted_on, "DEU")
    assert (fra.content_hash, fra.forum, fra.decision_log_index, fra.basis) == (
        HASH_V1,
        "oewg",
        first.log_index,
        "consensus",
    )
    assert (fra.disassociated, deu.disassociated) == (("7",), ())
    assert packages_as_of(log.state, adopted_on, "KEN") == (deu,)  # a political commitment of all

    log.tick(days=30)
    log.by(state("DEU")).propose(
        forum="oewg",
        proposal="p2",
        proposal_kind="amendment",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
    )
    log.now = open_call(log, "c2", proposal="p2", revision=HASH_V2)
    second = close(log, "adopted_without_vote", call="c2")
    amended_on = log.now.date()
    assert (
        packages_as_of(log.state, amended_on - timedelta(days=1), "FRA")[0].content_hash == HASH_V1
    )
    (now,) = packages_as_of(log.state, amended_on, "FRA")
    assert (now.content_hash, now.decision_log_index, now.disassociated) == (
        HASH_V2,
        second.log_index,
        (),
    )

    log.tick(days=30)
    log.by(state("BRA")).refuses(refuse.NotWholePackage).propose(
        forum="oewg",
        proposal="p3",
        proposal_kind="withdrawal",
        package="norms-package",
        revision=HASH_V1,
        norms=NOT_ALL_NORMS,
    )
    log.by(state("BRA")).propose(
        forum="oewg",
        proposal="p3",
        proposal_kind="withdrawal",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
    )
    log.now = open_call(log, "c3", proposal="p3", revision=HASH_V2)
    close(log, "adopted_without_vote", call="c3")
    assert packages_as_of(log.state, log.now.date(), "FRA") == ()
    assert packages_as_of(log.state, amended_on, "FRA") == (now,)  # history stays readable
    assert basis_of(log.state, HASH_V2, declared="consensus").label == "consensus"
