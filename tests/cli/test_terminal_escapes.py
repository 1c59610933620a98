"""Finding 5 of issue 14: text from a file never reaches the terminal raw.

An incident id that retitles the terminal (``ESC ] 0 ; ... BEL``), recolours it
(``ESC [ 31 m``), reverses text (U+202E) or looks like rich markup (``[bold]``) is shown as
visible escapes and literal brackets in every human-readable output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybernorms.cli.app import app

LANG = Path(__file__).resolve().parent.parent / "data" / "lang"
HOSTILE = "x\x1b]0;pwned\x07y\x1b[31mred\u202eevil[bold]b[/bold]"
SHOWN = "x\\x1b]0;pwned\\x07y\\x1b[31mred\\u202eevil[bold]b[/bold]"
RAW = ("\x1b", "\x07", "\u202e")


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    incident = {
        "id": HOSTILE,
        "attribution": {"state": "RUS", "level": "direct"},
        "targets": [{"country": "UKR", "sector": "energy"}],
        "effects": {"disruption": "long"},
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps([incident]), encoding="utf-8")
    return path


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_verdict_outputs_show_the_id_escaped(hostile_file: Path, fmt: str) -> None:
    out = _run("evaluate", str(hostile_file), "--rulebooks", str(LANG), "--no-shipped", "-f", fmt)
    assert not any(c in out for c in RAW)
    assert SHOWN in out


def test_summary_and_explain_show_data_escaped(hostile_file: Path) -> None:
    summary = _run(
        "evaluate", str(hostile_file), "--rulebooks", str(LANG), "--no-shipped", "-f", "summary"
    )
    assert not any(c in summary for c in RAW) and "lang.ci" in summary
    tree = _run(
        "explain",
        str(hostile_file),
        "--rulebooks",
        str(LANG),
        "--no-shipped",
        "-i",
        HOSTILE,
        "-r",
        "lang.ci",
    )
    assert not any(c in tree for c in RAW)
    assert f"incident {SHOWN}, subject RUS: violation" in tree


def test_json_keeps_the_data_exact(hostile_file: Path) -> None:
    """Machine formats escape by their own rules: the id survives a round trip."""
    out = _run(
        "evaluate", str(hostile_file), "--rulebooks", str(LANG), "--no-shipped", "-f", "json"
    )
    assert {v["incident"] for v in json.loads(out)} == {HOSTILE}


def test_refusals_show_the_data_escaped(hostile_file: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "explain",
            str(hostile_file),
            "--rulebooks",
            str(LANG),
            "--no-shipped",
            "-i",
            "a\x1b[2Jb",
            "-r",
            "x",
        ],
    )
    assert result.exit_code == 1
    assert "refused (UnknownName): no incident 'a\\x1b[2Jb'" in result.stderr
    assert "\x1b" not in result.stderr


def test_a_criterion_spanning_lines_reads_as_one_line_in_the_tree() -> None:
    """Line breaks in a criterion's YAML are layout: the tree shows the expression on one line
    rather than as escaped ``\\x0a`` (norm (f)'s criterion spans several lines)."""
    repo = Path(__file__).resolve().parents[2]
    result = CliRunner().invoke(
        app,
        [
            "explain",
            str(repo / "examples" / "incidents" / "2017-notpetya.yaml"),
            "--incident",
            "cn:2017-notpetya",
            "--rule",
            "gge2015.f",
            "--subject",
            "RUS",
        ],
        env={"COLUMNS": "400"},
    )
    assert result.exit_code == 0, result.output
    assert "\\x0a" not in result.stdout
    assert 'intent.damage_ci == True and (effects.loss_of_function in {"repair"' in result.stdout
