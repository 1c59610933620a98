"""Shell completion is on (docs/cli.md): commands and enumerated option values complete."""

from __future__ import annotations

import os
import subprocess
import sys


def complete(words: str) -> list[str]:
    env = {
        **os.environ,
        "_CYBERNORMS_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    code = "from cybernorms.cli.app import main; main()"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return done.stdout.split()


def test_commands_and_formats_complete() -> None:
    assert complete("cybernorms comp") == ["compare"]
    assert "html" in complete("cybernorms evaluate --format ")
    assert complete("cybernorms rules ") == ["list", "show"]
