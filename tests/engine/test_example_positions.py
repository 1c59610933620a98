"""An example that reads a position the rulebooks do not load is a located problem of the
example, never a crash of ``check`` (a package's examples may name a position that lives in
another rulebook)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cybernorms.cli.app import app

PACKAGE = """\
package: pkg
version: 0.1.0
title: t
basis: restatement
source: ours
rules:
  - id: p.r
    title: r
    kind: norm
    subject: attribution.state
    source: ours
    text: (our paraphrase) x
    applies_when: "True"
    violated_when: effects.disruption == "long"
"""
EXAMPLES = """\
- name: read under a position nobody loaded
  positions: [DEU]
  incident:
    schema: cybernorms.incident/2
    id: ex:1
    attribution: {state: RUS, level: direct}
    effects: {disruption: long}
  expect:
    - {rule: p.r, subject: RUS, outcome: violation}
"""


def test_an_example_of_a_reading_not_loaded_is_a_located_problem(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "package.yaml").write_text(PACKAGE)
    (tmp_path / "pkg" / "examples.yaml").write_text(EXAMPLES)
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "internal error" not in result.output
    assert "examples.yaml:1:3" in result.output
    assert "reads position DEU, which is not loaded (loaded: none" in result.output
