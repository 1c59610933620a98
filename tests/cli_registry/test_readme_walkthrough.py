"""The README's "Trust and transparency" walk-through, run as written, so it cannot rot."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _walkthrough() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("<!-- trust:begin -->") : readme.index("<!-- trust:end -->")]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "no sh block in the README's trust section"
    return match.group(1)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_readme_walkthrough_runs(tmp_path: Path) -> None:
    # The walk-through starts in the checkout (here: a directory with its examples) and moves
    # to a fresh scratch directory of its own, outside the checkout.
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "examples").symlink_to(REPO / "examples")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CYBERNORMS_DB", "CYBERNORMS_LOG_KEY_FILE", "CYBERNORMS_LOG_KEY")
    }
    env["TMPDIR"] = str(tmp_path)  # where `mktemp -d` makes the scratch directory
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(
        ["bash", "-e", "-c", _walkthrough()],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout + result.stderr
    assert "OK: profile FRA v1" in out
    assert "refused (RollbackAttempt): rollback: version 1 is below" in out
    assert "refused, exit status 1" in out
    assert '"profiles": ["FRA@1"' in out
    assert "OK: the log at size 3 is consistent with the checkpoint at size 2" in out
    assert "OK: 3 entries" in out
    assert "2 journalled checkpoint(s) consistent with the log" in out
    assert sorted(p.name for p in checkout.iterdir()) == ["examples"], "it wrote into the checkout"
