"""``compare`` (issue 11, item 2) and STIX bundles through ``evaluate`` (item 4, CLI part)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybernorms.cli.app import app

REPO = Path(__file__).resolve().parents[2]
NOTPETYA = REPO / "examples" / "incidents" / "2017-notpetya.yaml"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def matrix(*args: str) -> dict[str, object]:
    code, out, err = run("compare", str(NOTPETYA), *args, "-f", "json")
    assert code == 0, err
    found: dict[str, object] = json.loads(out)
    return found


def row(found: dict[str, object], rule: str) -> dict[str, object]:
    rows = found["rows"]
    assert isinstance(rows, list)
    return next(r for r in rows if r["rule"] == rule)


# -- compare ---------------------------------------------------------------------------------


def test_compare_all_puts_every_loaded_position_beside_the_packages() -> None:
    found = matrix()  # --position ALL is the default
    from cybernorms.service import loading

    # each reading's own basis, in the order the positions load (a group's is group:NAME)
    shipped = [p.basis for p in loading.rulebooks().positions]
    assert found["columns"] == ["package", *shipped]
    assert {"position:FRA", "position:GBR", "group:AU"} <= set(shipped)
    sovereignty = row(found, "il.sovereignty")
    readings = sovereignty["readings"]
    assert isinstance(readings, dict)
    assert readings["package"]["outcome"] == "violation"
    # the UK reads no standalone sovereignty rule: not_applicable, never no_violation
    assert readings["position:GBR"]["outcome"] == "not_applicable"
    assert readings["position:GBR"]["own"] is True


def test_a_difference_names_the_facts_that_decide_it() -> None:
    sovereignty = row(matrix("--position", "GBR"), "il.sovereignty")
    deciding = sovereignty["deciding"]
    assert isinstance(deciding, dict)
    assert list(deciding) == ["position:GBR"]
    facts = deciding["position:GBR"]
    # the UK reads no such rule (no_rule): its reason comes first, then the facts of the
    # package's criterion that the reading removes (its applies_when reads the attribution)
    assert facts == ["reason: no standalone rule in this reading", "attribution.level = direct"]


def test_a_rule_a_position_does_not_read_keeps_the_package_outcome_marked_inherited() -> None:
    # France's overrides (attribution, sovereignty) do not reach due diligence, which judges
    # the territorial state; the rules that ask breached("il.state_responsibility") are its own
    diligence = row(matrix("--position", "FRA"), "il.due_diligence")
    readings = diligence["readings"]
    assert isinstance(readings, dict)
    assert readings["position:FRA"]["own"] is False
    assert readings["position:FRA"]["outcome"] == readings["package"]["outcome"]
    assert diligence["deciding"] == {}
    assert row(matrix("--position", "FRA"), "il.use_of_force")["readings"]["position:FRA"]["own"]


def test_differences_only() -> None:
    found = matrix("--differences")
    rows = found["rows"]
    assert isinstance(rows, list)
    # NotPetya: sovereignty is breached in the restatement (lasting disruption); whether it was
    # also an intervention is unknown (no coercion recorded), so countermeasures, resting on
    # sovereignty in the restatement and France's reading, are undetermined in the UK's
    assert {r["rule"] for r in rows} == {"il.sovereignty", "il.due_diligence", "il.countermeasures"}


def test_compare_formats(tmp_path: Path) -> None:
    code, out, _ = run(
        "compare",
        str(NOTPETYA),
        "--position",
        "FRA",
        "--position",
        "GBR",
        "--differences",
        "-f",
        "markdown",
    )
    assert code == 0
    assert "| rule | subject | package | position:FRA | position:GBR | deciding facts |" in out
    assert "not_applicable*" in out  # GBR: no standalone sovereignty rule
    code, out, _ = run("compare", str(NOTPETYA), "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0].keys() >= {"rule", "package", "position:FRA", "position:GBR", "deciding"}
    target = tmp_path / "matrix.html"
    code, out, _ = run("compare", str(NOTPETYA), "-f", "html", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert code == 0 and out == ""
    assert page.startswith("<!DOCTYPE html>") and "position:GBR" in page
    # two readings, so the terminal table fits an 80-column test terminal (with every shipped
    # position the header wraps)
    code, out, _ = run("compare", str(NOTPETYA), "--position", "FRA", "--position", "GBR")
    assert code == 0 and "deciding facts" in out


def test_compare_needs_one_incident() -> None:
    code, _, err = run("compare", str(REPO / "examples" / "incidents"))
    assert code == 1 and "name one with --incident ID" in err
    code, out, _ = run(
        "compare", str(REPO / "examples" / "incidents"), "-i", "cn:2017-notpetya", "-f", "json"
    )
    assert code == 0 and json.loads(out)["incident"] == "cn:2017-notpetya"


# -- STIX ------------------------------------------------------------------------------------


@pytest.fixture
def apt1(shared_data: Path) -> Path:
    return shared_data / "stix-examples" / "apt1.json"


def test_a_stix_bundle_is_recognised_and_its_import_report_printed(apt1: Path) -> None:
    code, out, err = run("evaluate", str(apt1), "-f", "json", "--no-trace")
    assert code == 0, err
    rows = json.loads(out)
    assert {v["incident"] for v in rows} == {"stix:report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf"}
    assert rows[0]["name"].startswith("APT1")
    assert "1 incident(s)" in err and "ignored" in err


def test_from_stix_forces_the_importer(apt1: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "bundle.txt"
    renamed.write_text(apt1.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, _ = run("evaluate", str(renamed))
    assert code == 1  # unknown suffix
    code, out, err = run("evaluate", str(renamed), "--from", "stix", "-f", "json")
    assert code == 0, err and json.loads(out)


def test_reference_data_gives_the_importer_its_tables(apt1: Path, shared_data: Path) -> None:
    def subjects(*extra: str) -> set[object]:
        code, out, err = run("evaluate", str(apt1), *extra, "-f", "json", "--no-trace")
        assert code == 0, err
        return {v["subject"] for v in json.loads(out) if v["rule"] == "il.state_responsibility"}

    assert subjects() == {None}  # the bundle alone names no state
    assert subjects("--reference-data", str(shared_data)) == {"CHN"}  # the MISP galaxy does
    code, _, err = run("evaluate", str(apt1), "--reference-data", str(apt1.parent))
    assert code == 1 and "neither misp-galaxy/ nor mitre-attack/" in err


def test_verdicts_go_back_as_a_valid_deterministic_stix_bundle(apt1: Path, tmp_path: Path) -> None:
    from cybernorms.export.stix import validate_bundle

    first = tmp_path / "a.stix.json"
    code, _, err = run("evaluate", str(apt1), "--as-of", "2024-01-01", "-o", str(first))
    assert code == 0, err
    bundle = json.loads(first.read_text(encoding="utf-8"))
    assert bundle["type"] == "bundle"
    notes = [o for o in bundle["objects"] if o["type"] == "note"]
    assert notes and all(n["created"].startswith("2024-01-01T00:00:00") for n in notes)
    assert all(n["object_refs"] == ["report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf"] for n in notes)
    assert validate_bundle(bundle).clean
    code, out, _ = run("evaluate", str(apt1), "--as-of", "2024-01-01", "-f", "stix")
    assert code == 0 and json.loads(out) == bundle  # same date, same bundle


def test_check_reads_a_stix_bundle(apt1: Path) -> None:
    code, out, _ = run("check", str(apt1))
    assert code == 0 and "STIX bundle, 1 incident(s)" in out
