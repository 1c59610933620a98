"""The forum read models (``service.forum_reads``) as specifications: what a call still needs, a
decision kept apart from the statements beside it, counts of a vote, a treaty's status
table and entry into force, and what every reading reflects."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from forum.world import (
    CONSENSUS,
    MAJORITY,
    NOT_ALL_NORMS,
    Log,
    content_hash,
    depositary,
    rules,
    secretariat,
    state,
    treaty_terms,
)

from cybernorms.service import forum_reads
from cybernorms.service.errors import UnknownName

V1 = content_hash("pkg 1.0.0")
V2 = content_hash("pkg 1.1.0")
TREATY = content_hash("treaty 1.0.0")
REFLECTS = forum_reads.Reflects("registry", "signed acts", "7 AAAA", 0)


def _record() -> forum_reads.ForumRecord:
    """A forum adopting a package by consensus (FRA disassociating, a chair's summary and a
    national view beside it), a second call blocked by an objection and an open concern, a
    voting forum, and a treaty in force after three instruments."""
    log = Log()
    sec = log.by(secretariat("oewg"))
    sec.forum_new(
        forum="oewg",
        name="Working group",
        mandate="Norms",
        membership="open",
        decision_rules=rules(CONSENSUS),
        packages=[{"package": "norms", "kind": "norms"}],
    )
    for code in ("BRA", "DEU", "FRA"):
        log.by(state(code)).join(forum="oewg", state=code, role="member")
    sec.propose(
        forum="oewg",
        proposal="report",
        proposal_kind="new_package",
        package="norms",
        revision=V1,
        norms=NOT_ALL_NORMS,
    )
    ends = log.now + timedelta(days=2)
    sec.call(
        forum="oewg",
        call="adopt",
        proposal="report",
        revision=V1,
        rule=CONSENSUS,
        electorate=["BRA", "DEU", "FRA"],
        period_ends=ends,
    )
    log.by(state("FRA")).position(
        forum="oewg",
        call="adopt",
        revision=V1,
        state="FRA",
        position="disassociate",
        paragraphs=["7"],
    )
    log.now = ends
    sec.close(forum="oewg", call="adopt", outcome="adopted_without_vote")
    sec.statement(forum="oewg", statement="chairs_summary", call="adopt", text="Noted ideas")
    log.by(state("FRA")).statement(
        forum="oewg",
        statement="explanation_of_position",
        state="FRA",
        call="adopt",
        text="France reads paragraph 7 <b>narrowly</b>",
    )
    log.tick(days=1)
    log.by(state("DEU")).propose(
        forum="oewg",
        proposal="update",
        proposal_kind="amendment",
        package="norms",
        revision=V2,
        norms=NOT_ALL_NORMS,
    )
    sec.call(
        forum="oewg",
        call="adopt-update",
        proposal="update",
        revision=V2,
        rule=CONSENSUS,
        electorate=["BRA", "DEU", "FRA"],
        period_ends=log.now + timedelta(days=5),
    )
    log.by(state("BRA")).position(
        forum="oewg", call="adopt-update", revision=V2, state="BRA", position="object"
    )
    log.by(state("DEU")).concern(
        forum="oewg", call="adopt-update", revision=V2, state="DEU", concern="scope"
    )

    ga = log.by(secretariat("ga"))
    ga.forum_new(
        forum="ga",
        name="Assembly",
        mandate="Treaties",
        membership="open",
        decision_rules=rules(MAJORITY),
        packages=[treaty_terms("treaty-x", instruments=3)],
    )
    for code in ("BRA", "DEU", "FRA"):
        log.by(state(code)).join(forum="ga", state=code, role="member")
    ga.propose(
        forum="ga",
        proposal="text",
        proposal_kind="new_package",
        package="treaty-x",
        revision=TREATY,
        norms=NOT_ALL_NORMS,
    )
    ends = log.now + timedelta(days=1)
    ga.call(
        forum="ga",
        call="vote",
        proposal="text",
        revision=TREATY,
        rule=MAJORITY,
        electorate=["BRA", "DEU", "FRA"],
        period_ends=ends,
    )
    for code, vote in (("BRA", "yes"), ("DEU", "yes"), ("FRA", "abstain")):
        log.by(state(code)).vote(forum="ga", call="vote", revision=TREATY, state=code, vote=vote)
    log.now = ends
    ga.close(
        forum="ga",
        call="vote",
        outcome="adopted_by_vote",
        counts={"yes": 2, "no": 0, "abstain": 1},
    )
    dep = log.by(depositary("depositary-of-treaty-x"))
    version = {"package": "treaty-x", "revision": TREATY}
    dep.instrument(state="BRA", instrument="signature", deposited_on=log.now.date(), **version)
    for code, kind in (("BRA", "ratification"), ("KEN", "accession"), ("ZAF", "accession")):
        log.tick(days=10)
        dep.instrument(state=code, instrument=kind, deposited_on=log.now.date(), **version)
    return forum_reads.record_of(log.records, REFLECTS)


@pytest.fixture(scope="module")
def record() -> forum_reads.ForumRecord:
    return _record()


def test_a_call_says_in_words_what_it_still_needs(record: forum_reads.ForumRecord) -> None:
    call = record.call("oewg", "adopt-update").to_json()
    assert call["still_needs"].startswith(
        "Consensus blocked: objection by BRA; concern 'scope' by DEU is open"
    )
    positions = {p["state"]: p for p in call["positions"]}
    assert positions["BRA"]["position"] == "object"
    assert positions["FRA"]["position"] is None and not positions["FRA"]["recorded"]
    assert call["concerns"] == [
        {
            "name": "scope",
            "state": "DEU",
            "raised_at": call["concerns"][0]["raised_at"],
            "resolved_at": None,
            "open": True,
        }
    ]


def test_a_decision_keeps_statements_and_disassociations_apart(
    record: forum_reads.ForumRecord,
) -> None:
    view = record.decision("oewg", "adopt").to_json()
    decision = view["decision"]
    assert decision["outcome"] == "adopted_without_vote"
    assert decision["revision"] == V1
    assert "France" not in decision["text"] and "narrowly" not in str(decision)
    apart = view["national_statements"]
    assert [(s["kind"], s["state"]) for s in apart["statements"]] == [
        ("chairs_summary", None),
        ("explanation_of_position", "FRA"),
    ]
    assert [(d["state"], d["paragraphs"]) for d in apart["disassociations"]] == [("FRA", ["7"])]


def test_a_vote_is_decided_with_its_counts(record: forum_reads.ForumRecord) -> None:
    decision = record.decision("ga", "vote").decision
    assert decision["outcome_words"] == "adopted by vote"
    assert decision["counts"] == {"yes": 2, "no": 0, "abstain": 1}
    assert "2 in favour, 0 against, 1 abstaining" in decision["text"]


def test_an_open_call_has_no_decision_yet(record: forum_reads.ForumRecord) -> None:
    with pytest.raises(UnknownName, match="still open"):
        record.decision("oewg", "adopt-update")
    assert [d["call"] for d in record.decisions()] == ["vote", "adopt"]


def test_a_treaty_status_table_in_the_collections_shape(record: forum_reads.ForumRecord) -> None:
    table = record.treaty_status("treaty-x")
    assert table.in_force_from is not None
    assert (table.instruments_counted, table.instruments_required) == (3, 3)
    cells = {r["participant"]: r["cells"] for r in table.rows}
    assert cells["KEN"][forum_reads.CONSENT_COLUMN].endswith(" a")  # accession marked (a)
    assert cells["BRA"]["Signature"] and not cells["BRA"][forum_reads.CONSENT_COLUMN].endswith("a")
    assert all(r["in_force_from"] == table.in_force_from for r in table.rows)
    lines = table.to_csv(REFLECTS).splitlines()
    assert lines[0].startswith("# treaty-x ") and "checkpoint 7 AAAA" in lines[0]
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    assert rows[0] == list(forum_reads.STATUS_COLUMNS)
    assert [r[0] for r in rows[1:]] == ["BRA", "KEN", "ZAF"]


def test_packages_as_of_a_date(record: forum_reads.ForumRecord) -> None:
    in_force = record.treaty_status("treaty-x").in_force_from
    assert in_force is not None
    from datetime import date

    on = date.fromisoformat(in_force)
    assert [p["package"] for p in record.packages_as_of(on, "KEN")] == ["norms", "treaty-x"]
    assert [p["package"] for p in record.packages_as_of(on, "FRA")] == ["norms"]
    (norms,) = record.packages_as_of(on, "FRA")
    assert norms["disassociated"] == ["7"] and norms["basis"] == "consensus"


def test_unknown_names_are_refusals_naming_what_is_known(record: forum_reads.ForumRecord) -> None:
    with pytest.raises(UnknownName, match="forums: ga, oewg"):
        record.forum("nope")
    with pytest.raises(UnknownName, match="calls: adopt, adopt-update"):
        record.call("oewg", "nope")
    with pytest.raises(UnknownName, match="treaties: treaty-x"):
        record.treaty_status("norms")


def test_the_shipped_history_says_it_was_recorded_from_public_sources() -> None:
    shipped = forum_reads.shipped_history()
    assert shipped.reflects.source == "shipped_history"
    assert forum_reads.SHIPPED_LABEL in shipped.reflects.label
    assert len(shipped.reflects.version) == 64 and shipped.reflects.records > 0
    decision = shipped.decision("oewg-2019-2021", "adopt-final-report").to_json()
    assert decision["decision"]["outcome"] == "adopted_without_vote"
    assert "not signed by" in decision["decision"]["recorded_by"]
    apart = decision["national_statements"]
    assert [d["state"] for d in apart["disassociations"]] == ["IRN"]
    assert [s["kind"] for s in apart["statements"]] == ["chairs_summary"]


def test_a_history_whose_acts_do_not_fold_is_refused_naming_the_file(tmp_path: Path) -> None:
    shipped = forum_reads.shipped_history_path().read_text(encoding="utf-8")
    head, _, acts = shipped.partition("acts:\n")
    first_join = acts.index("  - on_behalf_of: {author: state")
    broken = tmp_path / "history.yaml"
    broken.write_text(head + "acts:\n" + acts[first_join:], encoding="utf-8")  # no forum_new
    with pytest.raises(
        forum_reads.BrokenHistory, match=r"history\.yaml: the history does not fold"
    ):
        forum_reads.shipped_history(broken)
