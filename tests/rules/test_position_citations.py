"""A position cites its own text per override: ``source`` and ``date`` beside ``note``.

A state's reading of different rules often comes from different documents (a 2018 speech for
one rule, a 2021 statement for another), so the citation belongs to the override, not only to
the position as a whole. Both keys are optional for the loader; `tests/positions` requires
them of every shipped position.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cybernorms.model.documents import DocumentError
from cybernorms.rules.package import OverrideCitation, load_package, load_position

PACKAGE = """\
package: demo
version: 1.0.0
title: Demo
basis: restatement
rules:
  - id: demo.r
    title: A rule
    kind: law
    subject: attribution.state
    source: test
    text: (our paraphrase) demo
    violated_when: effects.disruption in {"short", "long"}
  - id: demo.s
    title: Another rule
    kind: law
    subject: attribution.state
    source: test
    text: (our paraphrase) demo
    violated_when: effects.disruption == "long"
"""

POSITION = """\
position: NZL
title: Demo reading
date: 2020-12-01
sources: ["a statement"]
package: demo
overrides:
  - rule: demo.r
    violated_when: effects.disruption == "long"
    note: (our paraphrase) only lasting disruption counts
    source: "A statement, 1 December 2020, para. 9"
    date: 2020-12-01
  - rule: demo.s
    applies_when: "False"
    note: (our paraphrase) no citation given for this one
"""


def _load(tmp_path: Path, position: str) -> object:
    package = tmp_path / "package.yaml"
    package.write_text(PACKAGE, encoding="utf-8")
    path = tmp_path / "NZL.yaml"
    path.write_text(position, encoding="utf-8")
    return load_position(path, [load_package(package)])


def test_each_override_keeps_its_own_source_and_date(tmp_path: Path) -> None:
    position = _load(tmp_path, POSITION)
    assert position.citations["demo.r"] == OverrideCitation(  # type: ignore[attr-defined]
        "A statement, 1 December 2020, para. 9", dt.date(2020, 12, 1)
    )


def test_an_override_without_citation_is_recorded_as_uncited(tmp_path: Path) -> None:
    position = _load(tmp_path, POSITION)
    assert position.citations["demo.s"] == OverrideCitation(None, None)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        (
            "    date: 2020-12-01\n  - rule",
            "    date: last year\n  - rule",
            ":11:11: overrides.0.date: Input should be a valid date",
        ),
        (
            '    source: "A statement, 1 December 2020, para. 9"',
            '    source: ""',
            ":10:13: overrides.0.source: String should have at least 1 character",
        ),
        (
            "    date: 2020-12-01\n  - rule",
            "    dated: 2020-12-01\n  - rule",
            ":11:12: overrides.0.dated: unknown field (did you mean 'date'?)",
        ),
    ],
)
def test_bad_citations_are_refused_with_their_place(
    tmp_path: Path, replace: str, by: str, expected: str
) -> None:
    assert replace in POSITION
    with pytest.raises(DocumentError) as caught:
        _load(tmp_path, POSITION.replace(replace, by, 1))
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems
