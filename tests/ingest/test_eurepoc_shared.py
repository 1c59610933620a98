"""The EuRepoC importer on the real Global Database 1.1 (../shared; skips on a fresh clone).

The expected values below were read by hand from the CSV cells of each row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cybernorms.ingest.eurepoc import JUDGEMENT_COLUMNS, EurepocImport, import_eurepoc
from cybernorms.model.facts import Incident

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def imported(shared_data: Path) -> EurepocImport:
    return import_eurepoc(shared_data / "eurepoc" / "EuRepoC_Global_Database_1.1.csv")


@pytest.fixture(scope="module")
def by_id(imported: EurepocImport) -> dict[str, Incident]:
    return {i.id: i for i in imported.incidents}


def test_every_row_is_accounted_for(imported: EurepocImport) -> None:
    assert imported.rows == 1643
    assert len(imported.incidents) + len(imported.rejected) == 1643
    assert imported.complete
    assert len({i.id for i in imported.incidents}) == len(imported.incidents)
    for r in imported.rejected:  # each rejection says where and why
        assert r.where and r.reason


def test_all_rows_import_and_the_vocabulary_is_known(imported: EurepocImport) -> None:
    assert imported.rejected == []
    assert imported.unknown_vocabulary == {}
    assert "1643 imported, 0 rejected" in imported.summary()


def test_notpetya_1032(by_id: dict[str, Incident]) -> None:
    i = by_id["eurepoc:1032"]
    assert str(i.start_date) == "2017-06-27"
    assert i.end_date is None  # the cell says 2017-01-01, before the start: read as unknown
    assert i.provenance["end_date"].value == "2017-01-01"
    assert (i.initiator.category, i.initiator.country) == ("state", "RUS")
    # 14 attributions name Russia with category State; one names no country (Not available)
    assert (i.attribution.state, i.attribution.level) == ("RUS", "direct")
    assert i.attribution.basis is not None
    assert {"receiver_government", "it_security"} <= set(i.attribution.basis)
    assert set(i.attribution.attributing_states or []) == {
        "GBR",
        "UKR",
        "USA",
        "SVK",
        "CAN",
        "AUS",
        "NZL",
    }  # "EU (region)" is not a state
    assert i.targets is not None and len(i.targets) == 5
    assert [t.country for t in i.targets] == [None, None, "UKR", "UKR", "UKR"]
    assert i.provenance["targets[0].country"].value == "Global (region)"
    assert [t.sector for t in i.targets[2:]] == ["energy", "transport", "finance"]
    assert {t.category for t in i.targets[2:]} == {"critical_infrastructure"}
    assert i.targets[1].category == "corporate"
    e = i.effects
    assert (e.disruption, e.hijacking, e.physical, e.zero_days) == ("long", "misuse", "none", False)
    assert e.data_theft is None and i.provenance["effects.data_theft"].value == "Not available"
    assert (i.context.conflict_intensity, i.context.armed_conflict) == (2, False)
    assert i.context.supply_chain is True
    assert i.annotations["eurepoc"]["state_responsibility_indicator"].startswith("Direct")


def test_armenian_hacktivists_3(by_id: dict[str, Incident]) -> None:
    i = by_id["eurepoc:3"]
    assert i.initiator.name == "Liazor"
    assert (i.initiator.category, i.initiator.country) == ("hacktivist", "ARM")
    assert (i.attribution.state, i.attribution.level) == ("ARM", "none_or_negligent")
    assert i.attribution.basis == ["self"]
    assert i.attribution.attributing_states is None  # empty cell: not coded
    assert i.targets is not None
    assert [t.country for t in i.targets] == ["AZE"] * 4
    assert [t.category for t in i.targets] == ["social_groups", "corporate", "end_users", "other"]
    assert [t.sector for t in i.targets] == ["civil_society", None, "end_users", None]
    assert (i.effects.disruption, i.effects.data_theft) == ("short", "none")
    assert (i.context.conflict_intensity, i.context.armed_conflict) == (3, False)
    assert i.context.supply_chain is None  # MITRE column empty
    assert set(i.annotations["eurepoc"].values()) == {""}


def test_perdido_48_regions_and_korea(by_id: dict[str, Incident]) -> None:
    i = by_id["eurepoc:48"]
    assert (i.attribution.state, i.attribution.level) == ("USA", "direct")
    # "Attribution by third-party" has no schema term; "Media-based attribution" does
    assert i.attribution.basis == ["media"]
    assert i.targets is not None and len(i.targets) == 18  # 9 receivers x 2 categories
    assert i.targets[0].country is None
    assert i.provenance["targets[0].country"].value == "EU (region)"
    assert i.targets[1].category == "international_org"
    assert (i.targets[10].country, i.targets[11].country) == ("KOR", "KOR")
    assert i.targets[12].country == "TUR"
    assert i.effects.data_theft == "sensitive"
    assert i.context.conflict_intensity is None
    assert i.provenance["context.conflict_intensity"].value == "Unknown"


def test_viasat_1514(by_id: dict[str, Incident]) -> None:
    i = by_id["eurepoc:1514"]
    assert (str(i.start_date), str(i.end_date)) == ("2022-02-24", "2022-03-15")
    assert (i.attribution.state, i.attribution.level) == ("RUS", "direct")
    assert i.attribution.basis == ["other_government"]  # by an EU institution
    assert set(i.attribution.attributing_states or []) == {"USA", "GBR", "CAN", "AUS", "NZL"}
    assert i.targets is not None
    assert [t.country for t in i.targets] == ["POL", "HUN", "GRC", "ITA", "DEU", "FRA", "UKR"]
    assert {(t.category, t.sector) for t in i.targets} == {("critical_infrastructure", "telecom")}
    assert (i.context.conflict_intensity, i.context.armed_conflict) == (5, True)
    assert i.annotations["eurepoc"]["IL_breach_indicator"] == (
        "International telecommunication law; Due diligence; Sovereignty"
    )


def test_missing_words_stay_apart_in_provenance(by_id: dict[str, Incident]) -> None:
    kinds = {
        i.provenance["effects.data_theft"].value
        for i in by_id.values()
        if i.effects.data_theft is None
    }
    assert kinds == {"Not available", ""}  # both unknown in facts, apart in provenance


def test_judgement_columns_are_annotations_only(imported: EurepocImport) -> None:
    judgement_values = {
        v for i in imported.incidents for v in i.annotations["eurepoc"].values() if len(v) > 20
    }
    assert judgement_values  # the file has coded incidents
    for incident in imported.incidents:
        assert set(incident.annotations["eurepoc"]) == set(JUDGEMENT_COLUMNS)
        assert not {sv.field for sv in incident.provenance.values()} & set(JUDGEMENT_COLUMNS)
        facts = incident.model_dump_json(exclude={"annotations", "provenance"})
        assert not any(v in facts for v in judgement_values)


def test_level_never_follows_the_coders(by_id: dict[str, Incident]) -> None:
    # Coders said "None/Negligent" for some incidents whose attributions name state organs:
    # the fact follows the attributions, so such disagreements must exist.
    disagree = [
        i.id
        for i in by_id.values()
        if i.annotations["eurepoc"]["state_responsibility_indicator"].startswith("None")
        and i.attribution.level in {"direct", "indirect"}
    ]
    assert disagree
