"""Issue 9's attacks and bad input against the registry: every forum act is a signed document,
accepted only if the fold of the log accepts it; each refusal is named and nothing is written
(every table compared before and after). Runs on SQLite and PostgreSQL (``registry``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from forum.world import (
    CONSENSUS,
    HASH_V1,
    HASH_V2,
    MAJORITY,
    NOT_ALL_NORMS,
    content_hash,
    depositary,
    norms_terms,
    rules,
    secretariat,
    state,
    treaty_terms,
)

from cybernorms.forum import errors as refuse
from cybernorms.forum.authors import RecordedFromPublicSources
from cybernorms.store import Registry
from cybernorms.trust import UnknownKey

from .forum_log import SignedLog
from .world import World


@pytest.fixture
def log(registry: Registry, world: World) -> SignedLog:
    return SignedLog(registry, world)


def forum(
    log: SignedLog,
    members: tuple[str, ...] = ("BRA", "DEU", "FRA"),
    name: str = "oewg",
    rule: dict[str, Any] = CONSENSUS,
) -> None:
    log.by(secretariat(name)).forum_new(
        forum=name,
        name="Working group",
        mandate="Norms",
        membership="open",
        decision_rules=rules(rule),
    )
    for code in members:
        log.by(state(code)).join(forum=name, state=code, role="member")
    log.by(state(members[0])).propose(
        forum=name,
        proposal="p1",
        proposal_kind="new_package",
        package="norms-package",
        revision=HASH_V1,
        norms=NOT_ALL_NORMS,
        terms=norms_terms("norms-package"),
    )


def call(
    log: SignedLog,
    name: str = "oewg",
    call_id: str = "c1",
    rule: dict[str, Any] = CONSENSUS,
    proposal: str = "p1",
    revision: str = HASH_V1,
) -> Any:
    ends = log.now + timedelta(days=7)
    log.by(secretariat(name)).call(
        forum=name,
        call=call_id,
        proposal=proposal,
        revision=revision,
        rule=rule,
        electorate=list(log.state.forum(name).voting_members()),
        period_ends=ends,
    )
    return ends


def test_a_forum_adopts_by_consensus_and_the_log_folds_to_it(log: SignedLog) -> None:
    forum(log)
    ends = call(log)
    log.by(state("FRA")).position(
        forum="oewg",
        call="c1",
        revision=HASH_V1,
        state="FRA",
        position="disassociate",
        paragraphs=["4"],
    )
    log.now = ends + timedelta(minutes=1)
    log.by(secretariat("oewg")).close(
        forum="oewg", call="c1", revision=HASH_V1, outcome="adopted_without_vote"
    )
    adoption = log.state.adoption_of(HASH_V1)
    assert adoption is not None and adoption.disassociations == {"FRA": ("4",)}
    assert log.registry.verify_log().ok


def test_an_act_signed_by_a_state_that_is_not_a_member(log: SignedLog) -> None:
    forum(log)
    call(log)
    log.by(state("IRN")).refuses(refuse.NotAMember).position(
        forum="oewg", call="c1", revision=HASH_V1, state="IRN", position="object"
    )


def test_an_act_signed_by_another_states_keys(log: SignedLog) -> None:
    forum(log)
    call(log)
    log.holder("IRN")
    forged = log.envelope(
        state("FRA"),
        "position",
        signer="IRN",
        forum="oewg",
        call="c1",
        revision=HASH_V1,
        state="FRA",
        position="object",
    )
    log.refused(UnknownKey, lambda: log.publish(forged))


def test_a_position_on_a_revision_the_call_did_not_pin(log: SignedLog) -> None:
    forum(log)
    call(log)
    log.by(state("DEU")).refuses(refuse.RevisionNotPinned).position(
        forum="oewg",
        call="c1",
        revision=content_hash("another draft"),
        state="DEU",
        position="object",
    )


def test_a_state_voting_in_a_call_opened_before_it_joined(log: SignedLog) -> None:
    forum(log, name="assembly", rule=MAJORITY)
    call(log, name="assembly", rule=MAJORITY)
    log.by(state("ZAF")).join(forum="assembly", state="ZAF", role="member")
    log.by(state("ZAF")).refuses(refuse.ElectorateFrozen).vote(
        forum="assembly", call="c1", revision=HASH_V1, state="ZAF", vote="no"
    )


def test_a_second_forum_adopting_a_new_version_of_a_package_it_does_not_own(
    log: SignedLog,
) -> None:
    forum(log)
    log.now = call(log) + timedelta(minutes=1)
    log.by(secretariat("oewg")).close(
        forum="oewg", call="c1", revision=HASH_V1, outcome="adopted_without_vote"
    )
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


def treaty(log: SignedLog, reservations: dict[str, Any]) -> str:
    log.by(secretariat("conf")).forum_new(
        forum="conf",
        name="Conference",
        mandate="Treaty",
        membership="open",
        decision_rules=rules(CONSENSUS),
        packages=[treaty_terms("treaty-x", reservations=reservations)],
    )
    log.by(state("FRA")).join(forum="conf", state="FRA", role="member")
    version = content_hash("treaty-x v1")
    log.by(state("FRA")).propose(
        forum="conf",
        proposal="draft",
        proposal_kind="new_package",
        package="treaty-x",
        revision=version,
        norms=NOT_ALL_NORMS,
    )
    log.now = call(log, name="conf", proposal="draft", revision=version) + timedelta(minutes=1)
    log.by(secretariat("conf")).close(
        forum="conf", call="c1", revision=version, outcome="adopted_without_vote"
    )
    log.by(depositary("depositary-of-treaty-x")).instrument(
        package="treaty-x",
        revision=version,
        state="FRA",
        instrument="signature",
        deposited_on=log.now.date(),
    )
    return version


def test_a_reservation_the_package_does_not_allow(log: SignedLog) -> None:
    version = treaty(log, {"allowed": "none"})
    log.by(state("FRA")).refuses(refuse.ReservationNotAllowed).reservation(
        package="treaty-x",
        revision=version,
        state="FRA",
        norms=["norm_a"],
        text="does not apply norm (a)",
        made_on=log.now.date(),
    )


def test_ratifying_a_single_norm_instead_of_the_package(log: SignedLog) -> None:
    treaty(log, {"allowed": "any"})
    dep = log.by(depositary("depositary-of-treaty-x"))
    dep.refuses(refuse.NotWholePackage).instrument(
        package="treaty-x",
        revision=content_hash("treaty-x v1: norm_a"),
        state="FRA",
        instrument="ratification",
        deposited_on=log.now.date(),
    )
    dep.refuses(refuse.MalformedAct).instrument(
        package="treaty-x",
        revision=content_hash("treaty-x v1"),
        state="FRA",
        instrument="ratification",
        deposited_on=log.now.date(),
        norms=["norm_a"],
    )


def test_a_decision_recorded_with_a_free_text_view_inside_it(log: SignedLog) -> None:
    forum(log)
    log.now = call(log) + timedelta(minutes=1)
    log.by(secretariat("oewg")).refuses(refuse.FreeTextInDecision).close(
        forum="oewg",
        call="c1",
        revision=HASH_V1,
        outcome="adopted_without_vote",
        view="a national view",
    )


def test_a_replayed_act(log: SignedLog) -> None:
    forum(log)
    call(log)
    log.tick()
    first = log.envelope(
        state("FRA"),
        "position",
        forum="oewg",
        call="c1",
        revision=HASH_V1,
        state="FRA",
        position="object",
    )
    log.publish(first)
    log.refused(refuse.ReplayedAct, lambda: log.publish(first))


def test_a_reordered_act(log: SignedLog) -> None:
    forum(log)
    call(log)
    log.tick()
    second = log.envelope(
        state("FRA"),
        "position",
        seq=3,
        forum="oewg",
        call="c1",
        revision=HASH_V1,
        state="FRA",
        position="object",
    )
    log.refused(refuse.OutOfOrder, lambda: log.publish(second))


def test_a_consensus_claimed_while_an_objection_is_on_the_log(log: SignedLog) -> None:
    forum(log)
    ends = call(log)
    log.by(state("DEU")).position(
        forum="oewg", call="c1", revision=HASH_V1, state="DEU", position="object"
    )
    log.now = ends + timedelta(minutes=1)
    log.by(secretariat("oewg")).refuses(refuse.ConsensusBlocked).close(
        forum="oewg", call="c1", revision=HASH_V1, outcome="adopted_without_vote"
    )
    log.by(secretariat("oewg")).close(
        forum="oewg", call="c1", revision=HASH_V1, outcome="no_decision"
    )
    assert log.state.adoption_of(HASH_V1) is None


def test_an_entry_into_force_date_that_does_not_follow_from_the_log(log: SignedLog) -> None:
    version = treaty(log, {"allowed": "none"})
    dep = log.by(depositary("depositary-of-treaty-x"))
    notice = {"package": "treaty-x", "revision": version}
    for code in ("DEU", "KEN", "BRA"):
        dep.instrument(
            package="treaty-x",
            revision=version,
            state=code,
            instrument="accession",
            deposited_on=log.now.date(),
        )
    expected = log.now.date() + timedelta(days=90)
    dep.refuses(refuse.EntryIntoForceMismatch).entry_into_force(
        enters_into_force_on=expected + timedelta(days=1), **notice
    )
    dep.entry_into_force(enters_into_force_on=expected, **notice)
    assert log.state.entry_into_force("treaty-x", version) == expected


def test_an_act_recorded_from_public_sources_is_signed_by_its_recorder(log: SignedLog) -> None:
    author = RecordedFromPublicSources(
        author="public_sources",
        on_behalf_of=secretariat("oewg"),
        by="maintainers",
        source="A/75/816",
        occurred_at=log.now - timedelta(days=3),
    )
    log.by(author).forum_new(
        forum="oewg",
        name="OEWG",
        mandate="Norms",
        membership="open",
        decision_rules=rules(CONSENSUS),
    )
    [record] = log.registry.forum_records()
    assert not record.signed_by_principal
    assert "recorded from public sources by maintainers" in record.attribution
    # the forum's own keys cannot pass for the recorder's
    log.holder("forum:oewg")
    forged = log.envelope(
        author, "join", signer="forum:oewg", forum="oewg", state="FRA", role="member"
    )
    log.refused(UnknownKey, lambda: log.publish(forged))


def test_an_act_whose_author_is_not_its_signer_is_refused(log: SignedLog, world: World) -> None:
    from cybernorms.forum.signed import ACT_DOCUMENT_TYPE, ACT_PAYLOAD_TYPE
    from cybernorms.trust import sign_document

    log.holder("forum:oewg")
    log.holder("FRA")
    document = {
        "type": ACT_DOCUMENT_TYPE,
        "author": {"author": "state", "state": "FRA"},
        "act": {"kind": "join", "seq": 1, "forum": "oewg", "state": "FRA", "role": "member"},
    }
    envelope = sign_document(ACT_PAYLOAD_TYPE, document, [world.key("FRA", 1)])
    log.refused(refuse.UnknownForum, lambda: log.publish(envelope))
