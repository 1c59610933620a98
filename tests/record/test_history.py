"""The shipped record (rulebooks/record/history.yaml), folded by ``cybernorms.forum``.

Specification of what the history establishes: the 2015 GGE norms and the 2021 guidance
adopted by the General Assembly without a vote; the OEWG final report adopted without a
vote, Iran's disassociation recorded and not blocking; national views kept as statements;
the Convention against Cybercrime adopted, signed and not in force; ``consensus`` only for
the adopted content hashes, each recomputed from the shipped package files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from cybernorms.forum import basis_of, fold, packages_as_of
from cybernorms.forum.authors import RecordedFromPublicSources
from cybernorms.forum.history import RECORDER, load_history, package_content_hash
from cybernorms.model.documents import DocumentError

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "rulebooks" / "record" / "history.yaml"
PACKAGES = {
    "un-gge-2015": ROOT / "rulebooks" / "un-gge-2015" / "package.yaml",
    "oewg-2021": ROOT / "rulebooks" / "oewg-2021" / "package.yaml",
    "gge-2021": ROOT / "rulebooks" / "gge-2021" / "package.yaml",
    "un-cybercrime-convention": ROOT
    / "rulebooks"
    / "treaties"
    / "un-cybercrime-convention"
    / "package.yaml",
}
SCO = ROOT / "rulebooks" / "proposals" / "sco-code-of-conduct" / "package.yaml"
HASH = {name: package_content_hash(path) for name, path in PACKAGES.items()}
TODAY = date(2026, 12, 4)


@pytest.fixture(scope="module")
def records():  # type: ignore[no-untyped-def]
    return load_history(HISTORY)


@pytest.fixture(scope="module")
def state(records):  # type: ignore[no-untyped-def]
    return fold(records)


def test_every_act_is_recorded_from_public_sources_and_never_signed_by_its_principal(
    records,
) -> None:
    for record in records:
        assert isinstance(record.author, RecordedFromPublicSources)
        assert record.author.by == RECORDER
        assert record.author.source.strip()
        assert not record.signed_by_principal
        assert "recorded from public sources" in record.attribution


def test_packages_are_named_by_the_content_hash_package_publish_signs(records) -> None:
    named = {
        (r.act.package, r.act.revision) for r in records if r.act.kind in ("propose", "instrument")
    }
    assert named == {(name, HASH[name]) for name in PACKAGES}
    for r in records:
        if r.act.kind == "propose":
            rules = yaml.safe_load(PACKAGES[r.act.package].read_text())["rules"]
            assert r.act.norms == tuple(sorted(rule["id"] for rule in rules))


def test_gge_2015_adopted_by_the_general_assembly_without_a_vote(state) -> None:
    adoption = state.package("un-gge-2015").adoption(HASH["un-gge-2015"])
    assert (adoption.forum, adoption.outcome, adoption.adopted_on) == (
        "unga",
        "adopted_without_vote",
        date(2015, 12, 23),
    )
    assert state.call("unga", "res-70-237").outcome == "adopted_without_vote"


def test_oewg_final_report_adopted_without_a_vote_iran_disassociating(state) -> None:
    call = state.call("oewg-2019-2021", "adopt-final-report")
    assert call.outcome == "adopted_without_vote"
    adoption = state.package("oewg-2021").adoption(HASH["oewg-2021"])
    assert adoption.adopted_on == date(2021, 3, 12)
    # recorded, not blocking: the report stands for every state, Iran included
    assert dict(adoption.disassociations) == {"IRN": ("unspecified",)}
    assert call.latest_position("IRN").position == "disassociate"
    (oewg,) = [p for p in packages_as_of(state, TODAY, "IRN") if p.package == "oewg-2021"]
    assert (oewg.basis, oewg.disassociated) == ("consensus", ("unspecified",))
    (deu,) = [p for p in packages_as_of(state, TODAY, "DEU") if p.package == "oewg-2021"]
    assert deu.disassociated == ()


def test_national_views_are_statements_never_part_of_a_decision(state, records) -> None:
    summary, view = state.forum("oewg-2019-2021").statements
    # the Chair's summary: noted beside the decision, attributed to no state, never adopted
    assert (summary.kind, summary.state, summary.call) == (
        "chairs_summary",
        None,
        "adopt-final-report",
    )
    assert (view.kind, view.state) == ("explanation_of_position", "UKR")
    assert not summary.signed_by_author and not view.signed_by_author
    decided = {a.content_hash for p in state.packages.values() for a in p.adoptions}
    assert decided == {
        HASH["un-gge-2015"],
        HASH["oewg-2021"],
        HASH["gge-2021"],
        HASH["un-cybercrime-convention"],
    }
    closes = [r.act for r in records if r.act.kind == "close"]
    assert closes and all(
        set(type(c).model_fields)
        == {"kind", "seq", "forum", "call", "revision", "outcome", "counts"}
        for c in closes
    )


def test_gge_2021_guidance_adopted_without_a_vote(state) -> None:
    adoption = state.package("gge-2021").adoption(HASH["gge-2021"])
    assert (adoption.outcome, adoption.adopted_on) == ("adopted_without_vote", date(2021, 12, 6))


def test_convention_adopted_signed_in_hanoi_and_not_in_force(state) -> None:
    convention = HASH["un-cybercrime-convention"]
    adoption = state.package("un-cybercrime-convention").adoption(convention)
    assert adoption.adopted_on == date(2024, 12, 24)
    rows = state.status_table("un-cybercrime-convention", convention)
    assert len(rows) == 29
    assert all(row.recorded_from_public_sources for row in rows)
    # no instrument of ratification, acceptance, approval or accession on the record:
    # fewer than the 40 article 65(1) requires, so no entry-into-force date follows
    assert state.entry_into_force("un-cybercrime-convention", convention) is None
    for code in ("FRA", "CHN", "IRN", "USA"):
        assert "un-cybercrime-convention" not in {
            p.package for p in packages_as_of(state, TODAY, code)
        }


def test_consensus_only_for_the_adopted_hashes(state) -> None:
    for name in ("un-gge-2015", "oewg-2021", "gge-2021"):
        basis = basis_of(state, HASH[name], declared="consensus")
        assert basis.label == "consensus" and basis.decision_log_index is not None
    # an edited copy of an adopted package has another hash and no decision
    assert basis_of(state, "0" * 64, declared="consensus").label == "proposal"
    # a proposal tabled by its sponsors stays a proposal
    assert basis_of(state, package_content_hash(SCO), declared="proposal").label == "proposal"
    assert {p.package for p in packages_as_of(state, TODAY, "FRA")} == {
        "un-gge-2015",
        "oewg-2021",
        "gge-2021",
    }
    assert packages_as_of(state, date(2015, 12, 22), "FRA") == ()


def test_a_history_entry_with_its_own_seq_or_an_unknown_field_is_refused(tmp_path: Path) -> None:
    text = HISTORY.read_text()
    bad = tmp_path / "history.yaml"
    bad.write_text(text.replace("act: {kind: join,", "act: {seq: 9, kind: join,", 1))
    with pytest.raises(DocumentError, match="seq: given by the file's order"):
        load_history(bad)
    bad.write_text(text.replace("    occurred_at:", "    occured_at:", 1))
    with pytest.raises(DocumentError, match="occured_at"):
        load_history(bad)
