"""The README's Python API example runs as written (issue 11, item 6).

The block between ``<!-- python-api:begin -->`` and ``<!-- python-api:end -->`` is read from
README.md and executed from the repository root.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- python-api:begin -->", "<!-- python-api:end -->"


def api_block() -> str:
    for doc in (REPO / "README.md",):
        text = doc.read_text(encoding="utf-8")
        if BEGIN in text:
            between = text.split(BEGIN, 1)[1].split(END, 1)[0]
            found = re.search(r"```python\n(.*?)```", between, re.DOTALL)
            assert found, f"{doc}: no python code block between the markers"
            return found.group(1)
    raise AssertionError("no python-api block in README.md")


def test_the_python_api_example_runs_and_prints_what_the_readme_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = api_block()
    assert len([line for line in code.splitlines() if line.strip()]) <= 12
    monkeypatch.chdir(REPO)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README python-api", "exec"), {})
    lines = printed.getvalue().splitlines()
    assert "cn:2017-notpetya RUS restatement" in lines
    assert "cn:2017-notpetya RUS position:FRA" in lines
    assert "cn:2015-bundestag-hack RUS position:FRA" in lines
    assert lines[-1] == "Conduct attributable to a state -> undetermined ('attribution.level',)"
