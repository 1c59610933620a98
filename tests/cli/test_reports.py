"""Reports and filters (issue 11, item 5): what ``evaluate`` keeps, what its verdicts say about
their incident, the files it writes by extension, and what it does with files it cannot read."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybernorms.cli.app import app

REPO = Path(__file__).resolve().parents[2]
INCIDENTS = REPO / "examples" / "incidents"
NOTPETYA = INCIDENTS / "2017-notpetya.yaml"
EUREPOC = REPO / "tests" / "data" / "eurepoc" / "good.csv"
runner = CliRunner()

HOSTILE = """\
- id: "<script>alert(1)</script>"
  name: "<img src=x onerror=alert(2)> & co"
  start_date: 2020-01-02
  attribution: {state: RUS, level: direct}
  targets: [{country: UKR, sector: energy}]
  effects: {disruption: long}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def verdicts(*args: str) -> list[dict[str, object]]:
    code, out, err = run("evaluate", *args, "-f", "json", "--no-trace")
    assert code == 0, err
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def test_a_verdict_names_its_incident_date_and_victims() -> None:
    rows = verdicts(str(NOTPETYA))
    first = rows[0]
    assert first["name"] == "NotPetya destructive malware"
    assert first["start_date"] == "2017-06-27"
    assert first["victims"] == ["UKR", "DNK", "USA", "NLD"]


def test_filters_keep_what_they_name() -> None:
    everything = verdicts(str(INCIDENTS))
    by_victim = verdicts(str(INCIDENTS), "--victim", "est")
    assert by_victim and all("EST" in v["victims"] for v in by_victim)  # type: ignore[operator]
    assert len(by_victim) < len(everything)
    by_state = verdicts(str(INCIDENTS), "--state", "RUS", "--rule", "il.sovereignty")
    assert by_state and {(v["subject"], v["rule"]) for v in by_state} == {("RUS", "il.sovereignty")}
    by_outcome = verdicts(str(INCIDENTS), "--outcome", "violation", "--basis", "consensus")
    assert {(v["outcome"], v["basis"]) for v in by_outcome} == {("violation", "consensus")}
    positions = verdicts(str(INCIDENTS), "--position", "FRA", "--basis", "position")
    assert {v["basis"] for v in positions} == {"position:FRA"}
    dated = verdicts(str(INCIDENTS), "--since", "2017-01-01", "--until", "2017-12-31")
    assert dated and all(str(v["start_date"]).startswith("2017") for v in dated)
    by_sector = verdicts(str(INCIDENTS), "--sector", "health")
    assert {v["incident"] for v in by_sector} < {v["incident"] for v in everything}


def test_filters_refuse_what_cannot_match() -> None:
    code, _, err = run("evaluate", str(NOTPETYA), "--outcome", "guilty")
    assert code == 1 and "--outcome: unknown guilty" in err
    code, _, err = run("evaluate", str(NOTPETYA), "--since", "2020-01-01", "--until", "2019-01-01")
    assert code == 1 and "is after --until" in err


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("v.jsonl", lambda t: next(json.loads(line) for line in t.splitlines())["name"]),
        ("v.json", lambda t: json.loads(t)[0]["start_date"]),
        ("v.csv", lambda t: next(iter(csv.DictReader(io.StringIO(t))))["victims"]),
        ("v.md", lambda t: t.startswith("| incident | rule |")),
        ("v.html", lambda t: t.startswith("<!DOCTYPE html>")),
    ],
)
def test_output_format_follows_the_extension(tmp_path: Path, name: str, check: object) -> None:
    target = tmp_path / name
    code, out, err = run("evaluate", str(NOTPETYA), "--output", str(target))
    assert code == 0, err
    assert out == ""
    assert callable(check) and check(target.read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary left


def test_csv_names_each_column() -> None:
    code, out, _ = run("evaluate", str(NOTPETYA), "-f", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["victims"] == "UKR;DNK;USA;NLD"
    assert set(rows[0]) >= {"incident", "name", "start_date", "rule", "basis", "outcome"}


def test_an_unknown_extension_or_missing_extra_is_refused(tmp_path: Path) -> None:
    code, _, err = run("evaluate", str(NOTPETYA), "--output", str(tmp_path / "v.txt"))
    assert code == 1 and "unknown extension" in err
    try:
        import pyarrow  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        code, _, err = run("evaluate", str(NOTPETYA), "--output", str(tmp_path / "v.parquet"))
        assert code == 1 and "pip install 'cybernorms[parquet]'" in err
        assert f"{tmp_path / 'v.parquet'}: writing Parquet needs pyarrow" in err  # not a temp
    else:
        code, _, err = run("evaluate", str(NOTPETYA), "--output", str(tmp_path / "v.parquet"))
        assert code == 0, err
    assert not (tmp_path / "v.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] in ([], ["v.parquet"])


def test_the_html_report_is_self_contained_and_escapes_every_data_string(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(HOSTILE, encoding="utf-8")
    code, out, err = run("evaluate", str(hostile), str(NOTPETYA), "-f", "html")
    assert code == 0, err
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(2)&gt; &amp; co" in out
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", out)  # no external asset
    assert "<h2>Summary per basis</h2>" in out and "<h2>Missing facts</h2>" in out
    assert out.count("<details>") >= 10  # each verdict's reasoning, folded
    summary = out.split("<h2>Summary per basis</h2>")[1].split("</table>")[0]
    assert "<td>consensus</td><td>2</td>" in summary  # incidents counted, not verdicts


def test_the_table_names_each_incident_once_with_rule_titles() -> None:
    code, out, _ = run("evaluate", str(NOTPETYA))
    assert code == 0
    assert out.count("cn:2017-notpetya") == 1
    assert "No violation of another state's sovereignty" in out


def test_keep_going_evaluates_what_it_can_and_lists_the_rest(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(NOTPETYA.read_text(), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("- id: x\n  efects: {}\n", encoding="utf-8")
    code, _, err = run("evaluate", str(tmp_path))
    assert code == 1 and "efects" in err  # without --keep-going: refused, nothing evaluated
    code, out, err = run("evaluate", str(tmp_path), "--keep-going", "-f", "json")
    assert code == 1
    assert {v["incident"] for v in json.loads(out)} == {"cn:2017-notpetya"}
    assert "1 problem(s) in files not evaluated" in err and "bad.yaml" in err


def test_evaluate_prints_the_import_report_of_a_eurepoc_csv() -> None:
    code, out, err = run("evaluate", str(EUREPOC), "-f", "summary")
    assert code == 0
    assert "good.csv: 5 rows, 5 imported, 0 rejected" in err
    assert "5 rows" not in out


def test_db_is_read_from_the_environment() -> None:
    result = runner.invoke(
        app,
        ["evaluate", str(NOTPETYA), "--profiles", str(REPO / "rulebooks" / "profiles")],
        env={"CYBERNORMS_DB": "sqlite:///nowhere.db"},
    )
    assert result.exit_code == 1 and "give --db or --profiles/--profile, not both" in result.stderr


@pytest.mark.parametrize(
    "command",
    ["evaluate", "explain", "check", "compare", "analyze", "agreement", "rules list"],
)
def test_help_screens_show_no_python_type_names(command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert not re.search(r"list\[|\bPath\b|<[a-z]+\[", result.stdout), result.stdout


def test_profile_replaces_one_states_profiles_in_every_evaluating_command(tmp_path: Path) -> None:
    fra = REPO / "rulebooks" / "profiles" / "FRA.yaml"
    for command in (
        ["evaluate"],
        ["compare"],
        ["explain", "-i", "cn:2017-notpetya", "-r", "il.sovereignty"],
    ):
        code, _, err = run(*command, str(NOTPETYA), "--profile", f"EST={fra}")
        assert code == 1 and "expected profiles of EST, found FRA" in err
    code, _, err = run("evaluate", str(NOTPETYA), "--profile", "EST")
    assert code == 1 and "expected ISO3=FILE" in err
    code, out, err = run("evaluate", str(NOTPETYA), "--profile", f"FRA={fra}", "-f", "json")
    assert code == 0, err
    assert json.loads(out)
