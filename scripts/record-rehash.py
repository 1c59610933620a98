"""Re-point the shipped record at the shipped package files after a maintainer edits them.

Why this exists: the record (``rulebooks/record/history.yaml``) names each package by the
content hash of the file the maintainers vouch for as their encoding of the adopted text
(A/70/174, A/75/816, ...). Correcting a criterion changes that hash, and the record must then
say, as the maintainers' act of recording, that the corrected encoding is the one adopted.
That is a deliberate step, never automatic: ``tests/record`` fails until this script is run
and its diff committed, so a package edit cannot silently keep (or lose) its consensus.

A package whose record names more than one revision is refused: which revision the edit
replaces is then a judgement for a person, not for this script.

    python scripts/record-rehash.py            # rewrite history.yaml in place
    python scripts/record-rehash.py --check    # exit 1 if anything would change
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from cybernorms.forum.history import package_content_hash

ROOT = Path(__file__).resolve().parents[1]
RULEBOOKS = ROOT / "src" / "cybernorms" / "rulebooks"
HISTORY = RULEBOOKS / "record" / "history.yaml"
PACKAGES = {
    "un-gge-2015": RULEBOOKS / "un-gge-2015" / "package.yaml",
    "oewg-2021": RULEBOOKS / "oewg-2021" / "package.yaml",
    "gge-2021": RULEBOOKS / "gge-2021" / "package.yaml",
    "un-cybercrime-convention": RULEBOOKS
    / "treaties"
    / "un-cybercrime-convention"
    / "package.yaml",
}
# ``package: NAME`` followed (in a block or a flow mapping) by ``revision: HASH``.
_NAMED = re.compile(
    r"package: (?P<name>[\w.-]+)[^\n]*\n?[^\n]*?revision: (?P<hash>[0-9a-f]{64})"
)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    text = HISTORY.read_text(encoding="utf-8")
    named: dict[str, set[str]] = {}
    for m in _NAMED.finditer(text):
        named.setdefault(m["name"], set()).add(m["hash"])
    changed = []
    for name, path in PACKAGES.items():
        old = named.get(name, set())
        if len(old) != 1:
            print(f"{name}: the record names {len(old)} revisions; re-point it by hand")
            return 1
        (before,) = old
        after = package_content_hash(path)
        if before != after:
            text = text.replace(before, after)
            changed.append(f"{name}: {before[:12]} -> {after[:12]}")
    for line in changed:
        print(line)
    if check:
        return 1 if changed else 0
    if changed:
        HISTORY.write_text(text, encoding="utf-8")
    else:
        print("the record names every shipped package file as it is")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
