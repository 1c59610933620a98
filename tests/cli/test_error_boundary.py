"""Issue 14 item 2: no command ever ends in a traceback.

refusal -> ``refused (Reason): ...`` or ``error: FILE:LINE:COL: ...``, exit 1; usage error ->
exit 2; a bug -> one line naming the exception and a 0600 report file, exit 70 (``--debug``
or ``CYBERNORMS_DEBUG=1``: the traceback instead); Ctrl-C -> exit 130, nothing printed."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cybernorms.cli.app import main
from cybernorms.service import evaluating

LANG = Path(__file__).resolve().parent.parent / "data" / "lang"
GOOD = "- schema: cybernorms.incident/2\n  id: t1\n  attribution: {state: RUS, level: direct}\n"


@pytest.fixture
def incidents(tmp_path: Path) -> Path:
    path = tmp_path / "i.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    monkeypatch.delenv("CYBERNORMS_DEBUG", raising=False)
    return home / "cybernorms"


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    captured = capsys.readouterr()
    code = stop.value.code
    return (code if isinstance(code, int) else 0), captured.out, captured.err


def evaluate_args(incidents: Path) -> list[str]:
    return ["evaluate", str(incidents), "--rulebooks", str(LANG), "--no-shipped", "-f", "summary"]


def test_a_refusal_names_its_reason(
    capsys: pytest.CaptureFixture[str], incidents: Path, state_home: Path
) -> None:
    code, out, err = run_main(capsys, *evaluate_args(incidents), "--position", "ZZZ")
    assert code == 1 and out == ""
    assert err == "refused (UnknownName): no position of 'ZZZ' (loaded: EST)\n"


def test_a_located_document_error_names_file_line_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, state_home: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: a\n  efects: {}\n", encoding="utf-8")
    code, _, err = run_main(capsys, "evaluate", str(bad), "--rulebooks", str(LANG))
    assert code == 1
    assert err == f"error: {bad}:2:11: efects: unknown field (did you mean 'effects'?)\n"


def test_a_usage_error_exits_2(
    capsys: pytest.CaptureFixture[str], incidents: Path, state_home: Path
) -> None:
    code, _, err = run_main(capsys, *evaluate_args(incidents), "--bogus")
    assert code == 2 and "No such option: --bogus" in err and "Traceback" not in err


def test_a_bug_prints_one_line_and_writes_a_private_report(
    capsys: pytest.CaptureFixture[str],
    incidents: Path,
    state_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("forced for the test")

    monkeypatch.setattr(evaluating, "evaluate", broken)
    code, out, err = run_main(capsys, *evaluate_args(incidents))
    assert code == 70 and out == ""
    [line] = err.splitlines()
    assert "internal error, this is a bug (builtins.ZeroDivisionError)" in line
    [report] = state_home.glob("crash-*.txt")
    assert str(report) in line
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text()
    assert "Traceback (most recent call last)" in text and "forced for the test" in text


@pytest.mark.parametrize("how", ["--debug", "CYBERNORMS_DEBUG"])
def test_debug_shows_the_traceback_instead(
    capsys: pytest.CaptureFixture[str],
    incidents: Path,
    state_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("forced for the test")

    monkeypatch.setattr(evaluating, "evaluate", broken)
    if how == "--debug":
        args = ["--debug", *evaluate_args(incidents)]
    else:
        monkeypatch.setenv("CYBERNORMS_DEBUG", "1")
        args = evaluate_args(incidents)
    code, _, err = run_main(capsys, *args)
    assert code == 70
    assert "Traceback (most recent call last)" in err and "ZeroDivisionError" in err
    assert not state_home.exists()


def test_ctrl_c_exits_130_quietly(
    capsys: pytest.CaptureFixture[str],
    incidents: Path,
    state_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(evaluating, "evaluate", interrupted)
    code, out, err = run_main(capsys, *evaluate_args(incidents))
    assert (code, out, err) == (130, "", "")


def test_an_unreadable_input_is_refused_not_a_bug(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, state_home: Path
) -> None:
    code, _, err = run_main(
        capsys,
        "analyze",
        "--rulebooks",
        str(LANG),
        "--no-shipped",
        "--profile",
        f"EST={tmp_path / 'no.yaml'}",
    )
    assert code == 1 and err.startswith(f"error: {tmp_path / 'no.yaml'}") and "Traceback" not in err


def test_a_file_the_system_refuses_is_reported_as_such(
    capsys: pytest.CaptureFixture[str],
    incidents: Path,
    state_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "secret.yaml")

    monkeypatch.setattr(evaluating, "evaluate", denied)
    code, _, err = run_main(capsys, *evaluate_args(incidents))
    assert (code, err) == (1, "error: secret.yaml: Permission denied\n")
    assert not state_home.exists()


def test_the_installed_entry_point_behaves_the_same(incidents: Path) -> None:
    """Through a real process: the exit statuses a shell sees."""
    command = [sys.executable, "-c", "from cybernorms.cli.app import main; main()"]
    refused = subprocess.run(
        [*command, *evaluate_args(incidents), "--position", "ZZZ"], capture_output=True, text=True
    )
    assert refused.returncode == 1 and refused.stderr.startswith("refused (UnknownName)")
    usage = subprocess.run([*command, "evaluate", "--bogus"], capture_output=True, text=True)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    ok = subprocess.run([*command, *evaluate_args(incidents)], capture_output=True, text=True)
    assert ok.returncode == 0 and "Outcomes by rule" in ok.stdout
