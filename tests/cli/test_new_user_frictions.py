"""Frictions a new user met (issue 11), each as the command they typed and what they see."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cybernorms.cli.app import app

REPO = Path(__file__).resolve().parents[2]
INCIDENTS = REPO / "examples" / "incidents"
NOTPETYA = INCIDENTS / "2017-notpetya.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_explain_needs_no_incident_id_for_a_file_of_one_incident() -> None:
    code, out, err = run("explain", str(NOTPETYA), "--rule", "il.sovereignty", "-s", "RUS")
    assert code == 0, err
    assert "incident cn:2017-notpetya, subject RUS: violation" in out
    code, _, err = run("explain", str(INCIDENTS), "--rule", "il.sovereignty")
    assert code == 1
    assert "incidents: name one with --incident ID (e.g. cn:" in err


def test_explain_names_each_rule_it_reads_in_the_words_of_its_question() -> None:
    """A breach criterion that reads an attribution or a permission shows "attributable" or
    "permitted" for it, never "violation" (the trace of ``breached(...)``)."""
    code, out, err = run(
        "explain", str(NOTPETYA), "--rule", "il.collective_countermeasures", "--position", "EST"
    )
    assert code == 0, err
    assert "il.countermeasures: permitted = true" in out
    assert "il.state_responsibility: attributable = true" in out
    assert "il.countermeasures: violation" not in out
    assert "il.state_responsibility: violation" not in out


def test_explain_shows_a_positions_criterion_without_escaped_line_breaks() -> None:
    code, out, err = run(
        "explain", str(NOTPETYA), "--rule", "il.sovereignty", "--position", "FRA", "-s", "RUS"
    )
    assert code == 0, err
    assert "position:FRA (France" in out and "reads this rule" in out
    assert "\\x0a" not in out


def test_a_folder_with_a_bad_file_says_how_to_evaluate_the_rest(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(NOTPETYA.read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: cybernorms.incident/2\nid: x:bad\nstart_date: 2020-13-45\n")
    code, _, err = run("evaluate", str(tmp_path), "-f", "summary")
    assert code == 1
    assert "bad.yaml:3:13: '2020-13-45' is not a valid date" in err
    assert "hint: --keep-going evaluates the files that can be read" in err
    code, out, err = run("evaluate", str(tmp_path), "--keep-going", "-f", "csv")
    assert code == 1 and "cn:2017-notpetya" in out and "bad.yaml" in err
    code, _, err = run("evaluate", str(bad))  # one file named: nothing else to evaluate
    assert code == 1 and "--keep-going" not in err


def test_a_eurepoc_companion_table_is_named_with_the_file_to_import(tmp_path: Path) -> None:
    table = tmp_path / "EuRepoC_Attribution_dataset_1.1.csv"
    table.write_text(
        "incident_ID,attribution_ID,attribution_date,attributed_initiator_country\n"
        "2,8664.0,,Russia\n",
        encoding="utf-8",
    )
    code, _, err = run("evaluate", str(table))
    assert code == 1
    assert "required columns missing ('ID', 'name'" in err
    assert "this looks like the EuRepoC Attribution dataset" in err
    assert "import EuRepoC_Global_Database_1.1.csv" in err
    assert err.count("error:") == 3  # not one line per missing column


def test_evaluate_says_when_it_reads_a_registry_named_by_the_environment(tmp_path: Path) -> None:
    """``$CYBERNORMS_DB``, exported for the registry walk-through, also selects the registry
    ``evaluate`` reads: said on stderr, never silently."""
    db = f"sqlite:///{tmp_path / 'registry.db'}"
    assert CliRunner().invoke(app, ["init", "--db", db]).exit_code == 0
    result = CliRunner().invoke(
        app, ["evaluate", str(NOTPETYA), "-f", "csv"], env={"CYBERNORMS_DB": db}
    )
    assert result.exit_code == 0, result.output
    assert f"note: with the registry {db} (--db or $CYBERNORMS_DB)" in result.stderr
    assert result.stdout.startswith("incident,name,")


def test_explaining_a_rule_another_position_adds_says_which_position() -> None:
    code, out, err = run(
        "explain", str(NOTPETYA), "--rule", "il.collective_countermeasures", "--position", "GBR"
    )
    assert code == 1 and out == ""
    assert "rule il.collective_countermeasures is added by the position of EST" in err
    assert "--position EST" in err
