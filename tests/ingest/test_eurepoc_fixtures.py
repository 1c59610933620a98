"""The EuRepoC importer on our own small CSVs (tests/data/eurepoc): mapping and bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cybernorms.ingest.eurepoc import import_eurepoc
from cybernorms.ingest.eurepoc.cells import CellError, literal_list, nested_list, parse_date
from cybernorms.model.documents import DocumentError

DATA = Path(__file__).resolve().parents[1] / "data" / "eurepoc"


def test_good_rows_map_onto_the_schema() -> None:
    result = import_eurepoc(DATA / "good.csv")
    assert (result.rows, len(result.incidents), result.rejected) == (5, 5, [])
    one, two, three, four, five = result.incidents
    assert one.id == "eurepoc:1"
    assert (one.attribution.state, one.attribution.level) == ("RUS", "direct")
    assert one.attribution.basis == ["it_security", "legal_action", "receiver_government"]
    assert one.attribution.attributing_states == ["EST", "USA"]
    assert one.targets is not None
    assert [(t.country, t.category, t.sector) for t in one.targets] == [
        ("EST", "state_institutions", "government"),
        ("EST", "critical_infrastructure", "energy"),
        (None, "international_org", "international_org"),
    ]
    assert one.provenance["targets[2].country"].value == "EU (region)"
    assert (one.effects.physical, one.effects.zero_days) == ("local", True)
    assert (one.context.conflict_intensity, one.context.armed_conflict) == (5, True)
    # "state-affiliation suggested" establishes no link: the level is unknown, not indirect
    assert (two.attribution.state, two.attribution.level) == ("CHN", None)
    assert two.initiator.category == "state_affiliated"
    assert (two.effects.doxing, two.effects.ransomware) == (True, False)
    assert two.targets is not None and two.targets[0].sector == "elections"
    assert two.targets[0].country == "KOR"  # "Korea, Republic of"
    assert two.context.supply_chain is True
    assert (three.attribution.state, three.attribution.level) == ("TUR", "none_or_negligent")
    assert three.initiator.category == "hacktivist"  # subcode Hacktivist(s), schema v2
    assert three.targets is not None and three.targets[0].country is None
    assert three.provenance["targets[0].country"].value == "Not available"
    assert three.end_date is None  # 2000-01-01 before the start
    assert any("end_date" in n.message for n in result.notes)
    assert (four.attribution.state, four.attribution.level) == (None, None)
    assert four.targets is None  # no receiver coded at all
    assert four.effects.zero_days is None
    assert five.annotations["eurepoc"]["state_responsibility_indicator"] == ""


def test_judgement_columns_do_not_change_facts(tmp_path: Path) -> None:
    rows = list(csv.reader((DATA / "good.csv").open(newline="", encoding="utf-8")))
    header = rows[0]
    for col in (
        "state_responsibility_indicator",
        "IL_breach_indicator",
        "legal_response_indicator",
    ):
        for row in rows[1:]:
            row[header.index(col)] = "Direct (official members of state entities)"
    changed = tmp_path / "changed.csv"
    with changed.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    before = import_eurepoc(DATA / "good.csv").incidents
    after = import_eurepoc(changed).incidents
    for a, b in zip(before, after, strict=True):
        assert a.model_dump(exclude={"annotations"}) == b.model_dump(exclude={"annotations"})
        assert a.annotations != b.annotations


def test_code_in_a_cell_is_rejected_not_run(tmp_path: Path) -> None:
    marker = Path("/tmp/pwned")
    marker.unlink(missing_ok=True)
    result = import_eurepoc(DATA / "bad_literal.csv")
    assert not marker.exists()
    assert len(result.incidents) == 1 and result.complete
    reasons = {r.incident_id: r for r in result.rejected}
    assert reasons["10"].column == "receiver_country"
    assert "not a Python list literal" in reasons["10"].reason
    assert "bad_literal.csv:3" in str(reasons["10"])
    assert reasons["11"].column == "receiver_category"
    assert "was never closed" in reasons["11"].reason
    assert reasons["12"].column == "initiator_country"
    assert "got dict" in reasons["12"].reason


def test_unknown_vocabulary_is_listed_not_fatal() -> None:
    result = import_eurepoc(DATA / "unknown_vocabulary.csv")
    assert len(result.incidents) == 2 and result.rejected == []
    assert result.unknown_vocabulary == {
        "disruption": {"Forever (incident scores 9 points)": 1},
        "receiver_category": {"Aliens": 1},
        "receiver_country": {"Atlantis": 1},
    }
    odd = result.incidents[1]
    assert odd.effects.disruption is None
    assert odd.targets is not None and odd.targets[0].country is None
    summary = result.summary()
    assert "unknown vocabulary (3 occurrences" in summary
    assert "receiver_category: 'Aliens' x1" in summary


def test_strict_vocabulary_rejects_the_row() -> None:
    result = import_eurepoc(DATA / "unknown_vocabulary.csv", strict_vocabulary=True)
    assert len(result.incidents) == 1
    (rejected,) = result.rejected
    assert rejected.incident_id == "20" and rejected.reason == "unknown vocabulary"


def test_bad_date_names_column_and_value() -> None:
    result = import_eurepoc(DATA / "bad_date.csv")
    (rejected,) = result.rejected
    assert (rejected.column, rejected.value) == ("start_date", "2021-13-45")
    assert str(rejected).startswith(f"{DATA / 'bad_date.csv'}:3: row 2 (ID 30) start_date=")


def test_wrong_header_is_a_file_error() -> None:
    with pytest.raises(DocumentError) as info:
        import_eurepoc(DATA / "wrong_header.csv")
    messages = [str(p) for p in info.value.problems]
    assert messages[0] == (
        f"{DATA / 'wrong_header.csv'}:1: missing column 'start_date' (found 'start_dat')"
    )


def test_truncated_row_is_rejected_with_its_line() -> None:
    result = import_eurepoc(DATA / "truncated.csv")
    assert len(result.incidents) == 2
    (rejected,) = result.rejected
    assert rejected.where.endswith("truncated.csv:3")
    assert rejected.reason == "row has 20 fields, the header has 81"


def test_broken_quoting_is_a_file_error() -> None:
    with pytest.raises(DocumentError, match=r"broken_quote.csv:3: malformed CSV"):
        import_eurepoc(DATA / "broken_quote.csv")


def test_duplicate_id_is_rejected() -> None:
    result = import_eurepoc(DATA / "duplicate_id.csv")
    (rejected,) = result.rejected
    assert "duplicate incident ID" in rejected.reason


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="cannot read"):
        import_eurepoc(tmp_path / "absent.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DocumentError, match="empty file"):
        import_eurepoc(empty)


@pytest.mark.parametrize(
    "cell",
    [
        "__import__('os').system('true')",
        "open('/etc/passwd').read()",
        "[x for x in ()]",
        "(lambda: 1)()",
        "['a'] + ['b']",
        "{'a': 1}",
        "[1, 2]",
        "[" * 100_000,
    ],
)
def test_literal_parser_refuses_anything_but_lists_of_strings(cell: str) -> None:
    with pytest.raises(CellError):
        literal_list(cell)


def test_literal_parser_reads_lists() -> None:
    assert literal_list("") == []
    assert literal_list("['Korea, Republic of', None]") == ["Korea, Republic of", ""]
    assert nested_list("[['Media'], ['Science', '']]") == [["Media"], ["Science", ""]]
    with pytest.raises(CellError):
        nested_list("['Media']")


def test_dates() -> None:
    assert str(parse_date("2021-02-03")) == "2021-02-03"
    assert str(parse_date("2021-02-03 00:00:00")) == "2021-02-03"
    assert parse_date("Not available") is None and parse_date("") is None
    with pytest.raises(CellError):
        parse_date("03/02/2021")
