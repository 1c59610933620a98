"""One test (at least) per invariant of FORUM.md section 2, each asserting the exact refusal."""

from __future__ import annotations

from datetime import timedelta

from cybernorms.forum import errors as refuse
from cybernorms.forum import fold

from .world import (
    CONSENSUS,
    HASH_V1,
    HASH_V2,
    NOT_ALL_NORMS,
    Log,
    close,
    consensus_forum,
    content_hash,
    depositary,
    fingerprint,
    open_call,
    position,
    public,
    rules,
    secretariat,
    state,
    treaty_terms,
)

# --- 1. balanced package ---------------------------------------------------------------------


def _adopted_treaty(log: Log) -> str:
    """Forum ``conf`` adopts treaty package ``treaty-x`` (version ``TREATY``) by consensus."""
    log.by(secretariat("conf")).forum_new(
        forum="conf",
        name="Treaty conference",
        mandate="Negotiate treaty X",
        membership="open",
        decision_rules=rules(CONSENSUS),
        packages=[treaty_terms("treaty-x")],
    )
    for code in ("BRA", "DEU", "FRA", "KEN"):
        log.by(state(code)).join(forum="conf", state=code, role="member")
    treaty = content_hash("treaty-x v1")
    log.by(secretariat("conf")).propose(
        forum="conf",
        proposal="draft",
        proposal_kind="new_package",
        package="treaty-x",
        revision=treaty,
        norms=NOT_ALL_NORMS,
    )
    log.now = open_call(log, "adopt", forum="conf", proposal="draft", revision=treaty)
    close(log, "adopted_without_vote", call="adopt", forum="conf")
    return treaty


def test_1_instruments_name_a_whole_adopted_version_never_a_single_norm() -> None:
    log = Log()
    treaty = _adopted_treaty(log)
    dep = log.by(depositary("depositary-of-treaty-x"))
    single_norm = content_hash("treaty-x v1 / norm_b only")
    dep.refuses(refuse.NotWholePackage).instrument(
        package="treaty-x",
        revision=single_norm,
        state="FRA",
        instrument="signature",
        deposited_on=log.now.date(),
    )
    dep.instrument(
        package="treaty-x",
        revision=treaty,
        state="FRA",
        instrument="signature",
        deposited_on=log.now.date(),
    )


def test_1_partial_effect_only_through_reservations_the_policy_allows() -> None:
    log = Log()
    treaty = _adopted_treaty(log)
    log.by(depositary("depositary-of-treaty-x")).instrument(
        package="treaty-x",
        revision=treaty,
        state="FRA",
        instrument="signature",
        deposited_on=log.now.date(),
    )
    fra = log.by(state("FRA"))
    reserve = {
        "package": "treaty-x",
        "revision": treaty,
        "state": "FRA",
        "text": "reserved",
        "made_on": log.now.date(),
    }
    fra.refuses(refuse.ReservationNotAllowed).reservation(norms=["norm_a"], **reserve)
    fra.refuses(refuse.ReservationNotAllowed).reservation(norms=["norm_a", "norm_b"], **reserve)
    fra.refuses(refuse.UnknownNorm).reservation(norms=["norm_z"], **reserve)
    fra.reservation(norms=["norm_b"], **reserve)
    assert [r.norms for r in log.state.package("treaty-x").reservations] == [("norm_b",)]


def test_1_an_amendment_text_is_adopted_only_inside_a_whole_revision() -> None:
    log = Log()
    consensus_forum(log)
    amendment = log.by(state("DEU")).amend(
        forum="oewg",
        proposal="p1",
        against=HASH_V1,
        amendment="stronger-b",
        text="Replace norm (b) with ...",
    )
    # a call can pin only the proposal's current whole revision, never the amendment text
    log.by(secretariat("oewg")).refuses(refuse.RevisionNotPinned).call(
        forum="oewg",
        call="c1",
        proposal="p1",
        revision=content_hash("stronger-b alone"),
        rule=CONSENSUS,
        electorate=["BRA", "DEU", "FRA"],
        period_ends=log.now + timedelta(days=7),
    )
    log.by(state("BRA")).revise(
        forum="oewg",
        proposal="p1",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
        accepts=[amendment.log_index],
    )
    proposal = log.state.forum("oewg").proposals["p1"]
    assert proposal.current.content_hash == HASH_V2
    assert proposal.amendments[amendment.log_index].accepted_in == HASH_V2
    log.now = open_call(log, revision=HASH_V2)
    close(log, "adopted_without_vote")
    assert log.state.adoption_of(HASH_V2) is not None
    assert log.state.adoption_of(HASH_V1) is None


# --- 2. a call decides only its pinned revision ----------------------------------------------


def test_2_a_position_on_another_revision_is_refused() -> None:
    log = Log()
    consensus_forum(log)
    open_call(log)
    log.by(state("FRA")).refuses(refuse.RevisionNotPinned).position(
        forum="oewg", call="c1", revision=HASH_V2, state="FRA", position="join"
    )


def test_2_a_new_revision_during_the_call_ends_it_without_decision() -> None:
    log = Log()
    consensus_forum(log)
    ends = open_call(log)
    position(log, "DEU", "join")
    log.by(state("BRA")).revise(forum="oewg", proposal="p1", revision=HASH_V2, norms=NOT_ALL_NORMS)
    call = log.state.call("oewg", "c1")
    assert (call.status, call.outcome, call.superseded_by) == ("superseded", "no_decision", HASH_V2)
    assert log.state.what_it_still_needs("oewg", "c1").startswith("Ended without decision")
    log.now = ends
    log.by(secretariat("oewg")).refuses(refuse.CallClosed).close(
        forum="oewg", call="c1", outcome="adopted_without_vote"
    )
    log.by(state("FRA")).refuses(refuse.CallClosed).position(
        forum="oewg", call="c1", revision=HASH_V1, state="FRA", position="join"
    )


# --- 3. the electorate is frozen when the call opens -----------------------------------------


def test_3_a_state_joining_after_the_call_opened_takes_part_in_the_next() -> None:
    log = Log()
    consensus_forum(log)
    ends = open_call(log)
    log.by(state("KEN")).join(forum="oewg", state="KEN", role="member")
    log.by(state("KEN")).refuses(refuse.ElectorateFrozen).position(
        forum="oewg", call="c1", revision=HASH_V1, state="KEN", position="object"
    )
    log.now = ends
    close(log, "adopted_without_vote")
    log.by(state("DEU")).propose(
        forum="oewg",
        proposal="p2",
        proposal_kind="amendment",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
    )
    open_call(log, "c2", proposal="p2", revision=HASH_V2)
    assert log.state.call("oewg", "c2").electorate == ("BRA", "DEU", "FRA", "KEN")
    position(log, "KEN", "object", call="c2", revision=HASH_V2)


def test_3_a_call_must_state_the_members_at_opening() -> None:
    log = Log()
    consensus_forum(log)
    log.by(state("KEN")).join(forum="oewg", state="KEN", role="observer")
    log.by(secretariat("oewg")).refuses(refuse.ElectorateMismatch).call(
        forum="oewg",
        call="c1",
        proposal="p1",
        revision=HASH_V1,
        rule=CONSENSUS,
        electorate=["BRA", "DEU", "FRA", "KEN"],
        period_ends=log.now + timedelta(days=7),
    )
    log.by(secretariat("oewg")).refuses(refuse.ElectorateMismatch).call(
        forum="oewg",
        call="c1",
        proposal="p1",
        revision=HASH_V1,
        rule=CONSENSUS,
        electorate=["BRA", "FRA"],
        period_ends=log.now + timedelta(days=7),
    )


# --- 4. consensus is the absence of blocking acts --------------------------------------------


def test_4_disassociation_is_recorded_and_does_not_block() -> None:
    log = Log()
    consensus_forum(log)
    ends = open_call(log)
    position(log, "BRA", "join")
    position(log, "FRA", "disassociate", paragraphs=["12", "7(b)"])
    log.now = ends
    close(log, "adopted_without_vote")
    adoption = log.state.adoption_of(HASH_V1)
    assert adoption is not None
    assert adoption.disassociations == {"FRA": ("12", "7(b)")}


def test_4_an_objection_blocks_and_the_latest_position_wins() -> None:
    log = Log()
    consensus_forum(log)
    ends = open_call(log)
    position(log, "FRA", "object")
    assert log.state.what_it_still_needs("oewg", "c1").startswith(
        "Consensus blocked: objection by FRA"
    )
    position(log, "FRA", "no_objection")
    assert log.state.what_it_still_needs("oewg", "c1").startswith("Nothing blocks consensus")
    assert [p.position for p in log.state.call("oewg", "c1").positions["FRA"]] == [
        "object",
        "no_objection",
    ]
    log.now = ends
    close(log, "adopted_without_vote")


def test_4_an_open_concern_blocks_until_whoever_raised_it_resolves_it() -> None:
    log = Log()
    consensus_forum(log)
    ends = open_call(log)
    log.by(state("DEU")).concern(
        forum="oewg", call="c1", revision=HASH_V1, state="DEU", concern="scope"
    )
    assert "concern 'scope' by DEU is open" in log.state.what_it_still_needs("oewg", "c1")
    log.by(state("FRA")).refuses(refuse.NotConcernOwner).resolve(
        forum="oewg", call="c1", state="FRA", concern="scope"
    )
    log.by(state("DEU")).resolve(forum="oewg", call="c1", state="DEU", concern="scope")
    log.now = ends
    close(log, "adopted_without_vote")


def test_4_adoption_claimed_over_an_objection_is_refused_and_no_decision_recorded() -> None:
    log = Log()
    consensus_forum(log)
    ends = open_call(log)
    position(log, "BRA", "object")
    log.now = ends
    error = (
        log.by(secretariat("oewg"))
        .refuses(refuse.ConsensusBlocked)
        .close(forum="oewg", call="c1", outcome="adopted_without_vote")
    )
    assert "objection by BRA" in str(error)
    close(log, "no_decision")
    assert log.state.adoption_of(HASH_V1) is None


# --- 5. national views are never consensus ---------------------------------------------------


def test_5_a_decision_holds_no_view_and_statements_stay_apart_and_attributed() -> None:
    log = Log()
    consensus_forum(log)
    ends = open_call(log)
    log.now = ends
    log.by(secretariat("oewg")).refuses(refuse.FreeTextInDecision).close(
        forum="oewg", call="c1", outcome="adopted_without_vote", view="we consider that..."
    )
    close(log, "adopted_without_vote")
    log.by(state("FRA")).statement(
        forum="oewg",
        statement="explanation_of_position",
        state="FRA",
        call="c1",
        text="France joins the consensus and understands paragraph 7 as ...",
    )
    log.by(state("FRA")).refuses(refuse.WrongAuthor).statement(
        forum="oewg", statement="chairs_summary", text="Summary of the discussions"
    )
    log.by(secretariat("oewg")).statement(
        forum="oewg", statement="chairs_summary", call="c1", text="Summary of the discussions"
    )
    log.by(state("KEN")).refuses(refuse.NotAMember).statement(
        forum="oewg", statement="national_view", state="KEN", text="Kenya's view"
    )
    statements = log.state.forum("oewg").statements
    assert [(s.kind, s.state, s.attribution) for s in statements] == [
        ("explanation_of_position", "FRA", "FRA"),
        ("chairs_summary", None, "secretariat of oewg"),
    ]
    adoption = log.state.adoption_of(HASH_V1)
    assert adoption is not None and not hasattr(adoption, "text")


# --- 6. exclusive amendment authority --------------------------------------------------------


def test_6_only_the_owning_forum_adopts_a_new_version() -> None:
    log = Log()
    consensus_forum(log)
    log.now = open_call(log)
    close(log, "adopted_without_vote")
    log.by(secretariat("council")).forum_new(
        forum="council",
        name="Council",
        mandate="Other business",
        membership="open",
        decision_rules=rules(CONSENSUS),
    )
    log.by(state("FRA")).join(forum="council", state="FRA", role="member")
    log.by(state("FRA")).refuses(refuse.NotPackageOwner).propose(
        forum="council",
        proposal="take-over",
        proposal_kind="amendment",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
    )
    log.by(state("FRA")).refuses(refuse.NotPackageOwner).propose(
        forum="council",
        proposal="take-over",
        proposal_kind="new_package",
        package="norms-package",
        revision=HASH_V2,
        norms=NOT_ALL_NORMS,
        terms={"package": "norms-package", "kind": "norms"},
    )
    log.by(secretariat("other")).refuses(refuse.NotPackageOwner).forum_new(
        forum="other",
        name="Other",
        mandate="Claims the package",
        membership="open",
        decision_rules=rules(CONSENSUS),
        packages=[{"package": "norms-package", "kind": "norms"}],
    )
    # what another body says about the package can only be a statement
    log.by(state("FRA")).statement(
        forum="council",
        statement="national_view",
        state="FRA",
        text="The council's view of norms-package",
    )
    assert log.state.package("norms-package").owner == "oewg"


# --- 7. determinism (see also test_properties) -----------------------------------------------


def test_7_refolding_the_log_gives_the_same_state_and_words() -> None:
    log = Log()
    consensus_forum(log)
    open_call(log)
    position(log, "FRA", "object")
    again = fold(log.records)
    assert fingerprint(again) == fingerprint(log.state)
    assert again.what_it_still_needs("oewg", "c1") == log.state.what_it_still_needs("oewg", "c1")


# --- 8. non-repudiation: only the act's own author --------------------------------------------


def test_8_an_act_of_one_state_authored_by_another_is_refused() -> None:
    log = Log()
    consensus_forum(log)
    open_call(log)
    log.by(state("DEU")).refuses(refuse.WrongAuthor).position(
        forum="oewg", call="c1", revision=HASH_V1, state="FRA", position="object"
    )
    log.by(state("DEU")).refuses(refuse.WrongAuthor).close(
        forum="oewg", call="c1", outcome="no_decision"
    )
    log.by(secretariat("oewg")).refuses(refuse.WrongAuthor).position(
        forum="oewg", call="c1", revision=HASH_V1, state="FRA", position="join"
    )


def test_8_an_act_recorded_from_public_sources_never_reads_as_signed_by_the_state() -> None:
    log = Log()
    consensus_forum(log)
    open_call(log)
    recorder = public(state("FRA"), "A/00/000 para 3", log.now)
    record = log.by(recorder).position(
        forum="oewg", call="c1", revision=HASH_V1, state="FRA", position="join"
    )
    entry = log.state.call("oewg", "c1").positions["FRA"][-1]
    assert not record.signed_by_principal and not entry.signed_by_state
    assert entry.attribution == (
        "FRA (recorded from public sources by cybernorms-maintainers: A/00/000 para 3; "
        "not signed by FRA)"
    )
