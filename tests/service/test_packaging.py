"""An installed wheel carries the shipped rulebooks and finds them without a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "src" / "cybernorms" / "rulebooks"


def test_the_wheel_holds_the_shipped_rulebooks_and_finds_them(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("cybernorms-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        inside = {n for n in zf.namelist() if n.startswith("cybernorms/rulebooks/")}
        zf.extractall(tmp_path / "site")
    shipped = {"cybernorms/" + str(p.relative_to(SHIPPED.parent)) for p in SHIPPED.rglob("*.yaml")}
    assert shipped and inside == shipped
    # The unpacked wheel first on the path, run from elsewhere: no checkout to fall back on.
    env = {k: v for k, v in os.environ.items() if k != "CYBERNORMS_RULEBOOKS"}
    env["PYTHONPATH"] = str(tmp_path / "site")
    probe = (
        "import cybernorms\n"
        "from cybernorms.rules.catalog import default_rulebooks_dir, load_rulebooks\n"
        "books = load_rulebooks(default_rulebooks_dir())\n"
        "print(cybernorms.__file__)\n"
        "print(sorted(p.id for p in books.packages), len(books.examples))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    where, loaded = done.stdout.splitlines()
    assert where.startswith(str(tmp_path / "site"))
    # the wheel loads exactly what the checkout loads
    from cybernorms.rules.catalog import load_rulebooks

    here = load_rulebooks(SHIPPED)
    assert loaded == f"{sorted(p.id for p in here.packages)} {len(here.examples)}"
