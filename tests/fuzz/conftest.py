"""``fuzz/`` (the shared targets and seed corpus) is a top-level folder of the repository, not
part of the installed package, so its parent goes on ``sys.path`` for these tests."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
