"""The README's forum walk-through ("Forums and treaties, signed and logged"), run as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "README.md"  # the block between <!-- forum:begin --> and <!-- forum:end -->


def _walkthrough() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("<!-- forum:begin -->") : text.index("<!-- forum:end -->")]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "no sh block in the forum section"
    return match.group(1)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_forum_walkthrough_runs(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "rulebooks").symlink_to(REPO / "rulebooks")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CYBERNORMS_DB", "CYBERNORMS_LOG_KEY_FILE", "CYBERNORMS_LOG_KEY")
    }
    env["TMPDIR"] = str(tmp_path)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(
        ["bash", "-e", "-c", _walkthrough()],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    # a forum of three adopts by consensus, one disassociation recorded
    assert "outcome: adopted_without_vote" in out
    # a fourth state objects in a second call: a claimed consensus is refused, no decision
    assert re.search(r"refused \(ConsensusBlocked\): .*objection by KEN", out)
    assert "outcome: no_decision" in out
    # another forum cannot amend the working group's package
    assert re.search(r"refused \(NotPackageOwner\): .*un-gge-2015 belongs to forum wg", out)
    # a reservation the treaty does not allow
    assert "refused (ReservationNotAllowed)" in out
    # after the 1st ratification not in force; after the 2nd, 30 days later
    assert out.count("entry into force not yet") == 1
    assert re.search(r"demo-treaty [0-9a-f]{12}: entry into force \d{4}-\d{2}-\d{2}", out)
    # the offline check recomputes the decisions and the date
    assert re.search(r"OK: \d+ forum acts, signed and complete up to the checkpoint", out)
    assert "call first: adopted_without_vote" in out
    assert "call second: no_decision" in out
    assert "BRA disassociated from paragraph(s) 13c (recorded, not blocking)" in out
    assert re.search(r"treaty demo-treaty [0-9a-f]{12}: enters into force on \d{4}-", out)
    assert out.count("refused, exit status 1") == 3
    assert sorted(p.name for p in checkout.iterdir()) == ["rulebooks"], "it wrote into the checkout"
