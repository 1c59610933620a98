"""docs/rule-language.md names the fact schema rules are checked against: the current one
(issue 11 found it still saying "schema v1" after v2 applied)."""

from __future__ import annotations

import re
from pathlib import Path

from cybernorms.model.facts import SCHEMA_VERSION

DOC = Path(__file__).resolve().parents[2] / "docs" / "rule-language.md"


def test_the_rule_language_names_the_current_fact_schema() -> None:
    text = DOC.read_text(encoding="utf-8")
    version = SCHEMA_VERSION.rsplit("/", 1)[1]
    assert f"type-checked\nagainst fact schema v{version}" in text
    assert f"schema: {SCHEMA_VERSION}" in text  # the examples' incident
    stale = [m for m in re.finditer(r"schema v(\d+)", text) if m.group(1) != version]
    assert all("mapped" in text[m.start() - 80 : m.end() + 40] for m in stale), stale
