"""Rulebooks compose (issue 11, item 3): ``--rulebooks`` adds to the shipped set, positions and
packages by path, documents recognised by their content, the catalogue commands, and
``explain`` under a position that overrides or adds a rule."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from cybernorms.cli.app import app
from cybernorms.rules.catalog import load_rulebooks

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "rulebooks"
NOTPETYA = REPO / "examples" / "incidents" / "2017-notpetya.yaml"
runner = CliRunner()

# A reading of il-core by a state the shipped set does not hold, with a rule of its own.
POL = """\
position: POL
title: Test reading - not Poland's published view
sources: ["test fixture"]
package: il-core
overrides:
  - rule: il.sovereignty
    violated_when: "True"
    note: every attributable operation breaches sovereignty (test reading)
rules:
  - id: pol.test_added
    title: A rule only this reading holds
    kind: law
    subject: attribution.state
    source: test fixture
    text: Any operation with data theft breaches this test rule.
    violated_when: effects.data_theft in {"non_sensitive", "sensitive"}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def position_dir(tmp_path: Path) -> Path:
    (tmp_path / "mine" / "positions").mkdir(parents=True)
    (tmp_path / "mine" / "positions" / "POL.yaml").write_text(POL, encoding="utf-8")
    return tmp_path / "mine"


def bases(out: str) -> set[str]:
    return {v["basis"] for v in json.loads(out)}


def test_rulebooks_adds_a_directory_to_the_shipped_set(tmp_path: Path) -> None:
    mine = position_dir(tmp_path)
    code, out, err = run(
        "evaluate", str(NOTPETYA), "--rulebooks", str(mine), "--position", "POL", "-f", "json"
    )
    assert code == 0, err
    assert bases(out) == {"consensus", "restatement", "position:POL"}


def test_no_shipped_leaves_only_the_given_directories(tmp_path: Path) -> None:
    lang = REPO / "tests" / "data" / "lang"
    code, out, _ = run(
        "evaluate", str(NOTPETYA), "--rulebooks", str(lang), "--no-shipped", "-f", "json"
    )
    assert code == 0
    assert {v["package"].split("@")[0] for v in json.loads(out)} == {"lang"}


def test_a_position_is_taken_by_path_and_named_by_its_state(tmp_path: Path) -> None:
    path = position_dir(tmp_path) / "positions" / "POL.yaml"
    code, out, err = run("evaluate", str(NOTPETYA), "--position", str(path), "-f", "json")
    assert code == 0, err
    verdicts = json.loads(out)
    assert any(v["basis"] == "position:POL" and v["rule"] == "pol.test_added" for v in verdicts)
    # by name still works
    code, out, _ = run("evaluate", str(NOTPETYA), "--position", "fra", "-f", "json")
    assert code == 0 and "position:FRA" in bases(out)


def test_a_position_file_by_path_replaces_the_shipped_reading_of_its_state(
    tmp_path: Path,
) -> None:
    """An analyst's edited copy of a shipped reading is what they mean (issue 11): the file
    given by path is evaluated, and stderr says which shipped file it replaced."""
    copy = tmp_path / "FRA.yaml"
    reading = yaml.safe_load((SHIPPED / "positions" / "FRA.yaml").read_text(encoding="utf-8"))
    sovereignty = next(o for o in reading["overrides"] if o["rule"] == "il.sovereignty")
    sovereignty["violated_when"] = "False"  # the analyst's edit
    copy.write_text(yaml.safe_dump(reading), encoding="utf-8")
    code, out, err = run("evaluate", str(NOTPETYA), "--position", str(copy), "-f", "json")
    assert code == 0, err
    assert f"note: {copy} replaces the position of FRA (" in err
    mine = {v["rule"]: v["outcome"] for v in json.loads(out) if v["basis"] == "position:FRA"}
    code, out, _ = run("evaluate", str(NOTPETYA), "--position", "FRA", "-f", "json")
    shipped = {v["rule"]: v["outcome"] for v in json.loads(out) if v["basis"] == "position:FRA"}
    assert mine["il.sovereignty"] == "no_violation" != shipped["il.sovereignty"]


def test_a_package_file_by_path_replaces_the_shipped_package_of_its_id(tmp_path: Path) -> None:
    copy = tmp_path / "il-core"
    copy.mkdir()
    text = (SHIPPED / "il-core" / "package.yaml").read_text(encoding="utf-8")
    (copy / "package.yaml").write_text(text.replace("title:", "title: (edited)", 1), "utf-8")
    code, out, err = run("evaluate", str(NOTPETYA), "--package", str(copy), "-f", "json")
    assert code == 0, err
    assert "replaces package il-core (" in err
    assert {v["package"] for v in json.loads(out)} == {"il-core@1.0.0"}


def test_a_state_read_twice_from_directories_or_files_is_refused(tmp_path: Path) -> None:
    fra = (SHIPPED / "positions" / "FRA.yaml").read_text(encoding="utf-8")
    (tmp_path / "mine" / "positions").mkdir(parents=True)
    (tmp_path / "mine" / "positions" / "FRA.yaml").write_text(fra, encoding="utf-8")
    code, _, err = run("evaluate", str(NOTPETYA), "--rulebooks", str(tmp_path / "mine"))
    assert code == 1 and "position of FRA also in" in err
    (tmp_path / "again.yaml").write_text(fra, encoding="utf-8")
    two = ["--position", str(tmp_path / "again.yaml")]
    code, _, err = run(
        "evaluate", str(NOTPETYA), "--position", str(tmp_path / "mine/positions/FRA.yaml"), *two
    )
    assert code == 1 and "position of FRA also in" in err


def test_a_misplaced_position_file_says_where_positions_go() -> None:
    fra = str(SHIPPED / "positions" / "FRA.yaml")
    code, _, err = run("evaluate", fra)
    assert code == 1
    assert "this is a position file, not an incident file" in err
    assert "pass it with --position PATH" in err
    code, _, err = run("evaluate", str(NOTPETYA), "--rulebooks", fra)
    assert code == 1 and "--rulebooks takes a directory; this is a position file" in err
    code, _, err = run("evaluate", str(NOTPETYA), "--position", str(NOTPETYA))
    assert code == 1 and "this is an incident file, not a position file" in err


def test_check_recognises_each_document_by_its_content(tmp_path: Path) -> None:
    code, out, err = run(
        "check",
        str(SHIPPED / "positions" / "FRA.yaml"),
        str(SHIPPED / "il-core" / "package.yaml"),
        str(SHIPPED / "profiles" / "EST.yaml"),
        str(NOTPETYA),
    )
    assert code == 0, err
    assert "position FRA reading il-core, 2 override(s)" in out
    assert "package il-core@1.0.0, 6 rules" in out
    assert "profile file, 1 version(s) of EST" in out
    assert "1 incidents valid" in out
    mine = position_dir(tmp_path) / "positions" / "POL.yaml"
    code, out, _ = run("check", str(mine))
    assert code == 0 and "position POL reading il-core, 1 override(s), 1 added rule(s)" in out


def test_check_says_what_a_misplaced_examples_file_is() -> None:
    code, _, err = run("check", str(SHIPPED / "positions" / "FRA.examples.yaml"))
    assert code == 1
    assert "this is an examples file; examples live beside what they specify" in err


def test_rules_packages_positions_list_and_show(tmp_path: Path) -> None:
    code, out, _ = run("rules", "list", "-f", "json")
    assert code == 0
    rules = {r["id"]: r for r in json.loads(out)}
    assert rules["il.sovereignty"]["package"] == "il-core"
    code, out, _ = run("rules", "show", "il.sovereignty", "-f", "json")
    shown = json.loads(out)
    assert shown["text"] and shown["source"] and shown["violated_when"]
    # Every shipped position that re-reads the rule, as shipped (not a frozen list).
    rereading = {
        p.basis for p in load_rulebooks(SHIPPED).positions if "il.sovereignty" in p.overrides
    }
    assert {r["basis"] for r in shown["readings"]} == rereading
    assert {"position:FRA", "position:GBR"} <= rereading
    assert shown["examples"], "the examples that specify the rule are listed"
    code, out, _ = run("rules", "show", "il.sovereignty")
    assert code == 0 and "readings:" in out and "violated_when:" in out
    code, out, _ = run("packages", "list", "-f", "json")
    assert {p["id"] for p in json.loads(out)} >= {"il-core", "un-gge-2015"}
    code, out, _ = run("packages", "show", "il-core", "-f", "json")
    assert {"FRA", "GBR"} <= set(json.loads(out)["positions"])
    mine = position_dir(tmp_path)
    code, out, _ = run("positions", "list", "--rulebooks", str(mine), "-f", "json")
    listed = [p["state"] for p in json.loads(out)]
    assert {"FRA", "GBR", "POL"} <= set(listed)  # the shipped ones, then the added one
    code, out, _ = run("positions", "show", "POL", "--rulebooks", str(mine), "-f", "json")
    detail = json.loads(out)
    assert detail["added"] == ["pol.test_added"]
    assert detail["readings"][0]["violated_when"] == "True"
    code, _, err = run("rules", "show", "no.such")
    assert code == 1 and "no rule 'no.such'" in err


def test_explain_under_a_position_prints_its_reading_not_the_package_text() -> None:
    code, out, _ = run(
        "explain",
        str(NOTPETYA),
        "-i",
        "cn:2017-notpetya",
        "-r",
        "il.sovereignty",
        "--position",
        "FRA",
    )
    assert code == 0
    out = " ".join(out.split())  # rich wraps long lines
    assert "position:FRA" in out
    assert "violated when any(t.country != subject for t in targets)" in out
    assert "France holds that" in out  # the position's note
    assert "lasting loss of functionality" not in out  # the package's text


def test_explain_a_rule_the_position_adds(tmp_path: Path) -> None:
    path = position_dir(tmp_path) / "positions" / "POL.yaml"
    code, out, err = run(
        "explain",
        str(NOTPETYA),
        "-i",
        "cn:2017-notpetya",
        "-r",
        "pol.test_added",
        "--position",
        str(path),
    )
    assert code == 0, err
    assert "position:POL" in out and "adds this rule" in out
