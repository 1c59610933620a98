"""The evaluation commands from the outside: exit codes, located errors, output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybernorms.cli.app import app

LANG = Path(__file__).resolve().parent.parent / "data" / "lang"
runner = CliRunner()

GOOD = """\
- id: t1
  attribution: {state: RUS, level: direct}
  targets: [{country: UKR, sector: energy}]
  effects: {disruption: long}
- id: t2
  attribution: {level: direct}
  targets: [{country: UKR, sector: energy}]
"""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_evaluate_json_follows_the_contract(tmp_path: Path) -> None:
    code, out, _ = run(
        "evaluate",
        str(write(tmp_path, "i.yaml", GOOD)),
        "--rulebooks",
        str(LANG),
        "--no-shipped",
        "--format",
        "json",
    )
    assert code == 0
    verdicts = json.loads(out)
    first = next(v for v in verdicts if v["incident"] == "t1" and v["rule"] == "lang.ci")
    assert list(first) == [
        "incident",
        "package",
        "rule",
        "subject",
        "basis",
        "outcome",
        "missing",
        "profiles",
        "question",
        "reason",
        "trace",
        "name",
        "start_date",
        "victims",
    ]
    assert first | {"trace": None} == {
        "incident": "t1",
        "package": "lang@0.1.0",
        "rule": "lang.ci",
        "subject": "RUS",
        "basis": "proposal",  # claims consensus; no adoption on the record
        "outcome": "violation",
        "missing": [],
        "profiles": ["UKR@1"],
        "question": "breach",
        "reason": None,
        "trace": None,
        "name": None,
        "start_date": None,
        "victims": ["UKR"],
    }
    unknown = next(v for v in verdicts if v["incident"] == "t2" and v["rule"] == "lang.ci")
    assert unknown["subject"] is None and unknown["outcome"] == "undetermined"
    assert set(unknown["missing"]) == {"effects.disruption", "effects.physical"}


def test_evaluate_jsonl_one_object_per_line(tmp_path: Path) -> None:
    code, out, _ = run(
        "evaluate",
        str(
            write(
                tmp_path,
                "i.json",
                json.dumps([{"id": "j1", "attribution": {"state": "CHN", "level": "indirect"}}]),
            )
        ),
        "--rulebooks",
        str(LANG),
        "--no-shipped",
        "-f",
        "jsonl",
        "--no-trace",
    )
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines and all(
        set(v)
        == {"incident", "package", "rule", "subject", "basis", "outcome", "missing", "profiles"}
        | {"question", "reason"}
        | {"name", "start_date", "victims"}
        for v in lines
    )


def test_position_verdicts_are_labelled(tmp_path: Path) -> None:
    code, out, _ = run(
        "evaluate",
        str(write(tmp_path, "i.yaml", GOOD)),
        "--rulebooks",
        str(LANG),
        "--no-shipped",
        "--position",
        "EST",
        "-f",
        "json",
        "--no-trace",
    )
    assert code == 0
    bases = {v["basis"] for v in json.loads(out)}
    assert bases == {"proposal", "position:EST"}  # claimed consensus, not adopted


def test_explain_prints_the_reasoning(tmp_path: Path) -> None:
    code, out, _ = run(
        "explain",
        str(write(tmp_path, "i.yaml", GOOD)),
        "--rulebooks",
        str(LANG),
        "--no-shipped",
        "--incident",
        "t2",
        "--rule",
        "lang.ci",
    )
    assert code == 0
    assert "undetermined" in out and "effects.disruption" in out and "UKR@1" in out


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.yaml", "- id: a\n  targets: [{country: UKR\n", "bad.yaml:3:1: malformed YAML/JSON"),
        ("bad.json", '[{"id": "a",}]', "bad.json:1:13: malformed YAML/JSON"),
        (
            "field.yaml",
            "- id: a\n  efects: {disruption: long}\n",
            "field.yaml:2:11: efects: unknown field (did you mean 'effects'?)",
        ),
        (
            "type.yaml",
            "- id: a\n  effects: {casualties: many}\n",
            "type.yaml:2:25: effects.casualties: Input should be a valid integer",
        ),
        (
            "enum.yaml",
            "- id: a\n  effects: {disruption: severe}\n",
            "enum.yaml:2:25: effects.disruption: Input should be 'none', 'short' or 'long'",
        ),
        (
            "state.yaml",
            "- id: a\n  attribution: {state: RU}\n",
            "state.yaml:2:24: attribution.state: unknown state code 'RU' (did you mean RUS",
        ),
        ("dup.yaml", "- id: a\n- id: a\n", "dup.yaml:2:7: duplicate incident id 'a'"),
        ("empty.yaml", "", "empty document"),
    ],
)
def test_bad_incident_files_are_refused(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    good = write(tmp_path, "good.yaml", GOOD)
    code, out, err = run(
        "evaluate",
        str(good),
        str(write(tmp_path, name, text)),
        "--rulebooks",
        str(LANG),
        "--no-shipped",
        "-f",
        "json",
    )
    assert code == 1
    assert expected in err, err
    assert out == ""  # nothing written: not even the good file's verdicts


def test_missing_input_and_unknown_options(tmp_path: Path) -> None:
    # --no-shipped: the test rulebook's position EST must not meet the shipped one.
    code, _, err = run(
        "evaluate", str(tmp_path / "nope.yaml"), "--rulebooks", str(LANG), "--no-shipped"
    )
    assert code == 1 and "no such file" in err
    code, _, err = run(
        "evaluate",
        str(write(tmp_path, "i.yaml", GOOD)),
        "--rulebooks",
        str(LANG),
        "--no-shipped",
        "--position",
        "ZZZ",
    )
    assert code == 1 and "no position" in err
    code, _, err = run(
        "evaluate",
        str(write(tmp_path, "i.yaml", GOOD)),
        "--rulebooks",
        str(LANG),
        "--no-shipped",
        "--as-of",
        "yesterday",
    )
    assert code == 1 and "--as-of" in err


def test_check_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    book = tmp_path / "book"
    (book / "demo").mkdir(parents=True)
    (book / "demo" / "package.yaml").write_text(
        (LANG / "lang" / "package.yaml")
        .read_text()
        .replace(
            'effects.disruption in {"short", "long"}', 'effects.disruption in {"short", "lengthy"}'
        )
        .replace("kind: cbm", "kind: cmb"),
        encoding="utf-8",
    )
    code, _, err = run("check", str(book))
    assert code == 1
    assert "'lengthy' is not a value of enum Effects.disruption" in err
    assert "Input should be 'norm', 'law' or 'cbm'" in err


def test_check_runs_examples_and_reports_a_wrong_expectation(tmp_path: Path) -> None:
    import shutil

    book = tmp_path / "book"
    shutil.copytree(LANG, book)
    examples = book / "lang" / "examples.yaml"
    examples.write_text(
        examples.read_text().replace(
            "outcome: violation, missing: []}", "outcome: no_violation, missing: []}", 1
        )
    )
    code, _, err = run("check", str(book))
    assert code == 1
    assert "expected no_violation, got violation" in err


def test_check_passes_on_the_language_examples() -> None:
    code, out, _ = run("check", str(LANG))
    assert code == 0, out
    assert "example verdicts as expected" in out
