"""A position that holds a case open in part (``open_when``): where the state says a case
"may be" or "cannot be ruled out" a breach, that case is undetermined, "held open by this
state", and nothing else changes. The meaning is one criterion built from nodes every back end
decides (``rules.package.held_open_where``); these tests pin what it says and what it refuses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cybernorms.engine import Evaluator
from cybernorms.model.documents import DocumentError
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Outcome
from cybernorms.rules.package import HELD_OPEN, Package, Position, load_package, load_position

PACKAGE = """\
package: demo
version: 1.0.0
title: Demo
basis: restatement
rules:
  - id: demo.force
    title: force
    kind: law
    subject: attribution.state
    source: test
    text: (test) force
    violated_when: effects.casualties > 0
"""

POSITION = """\
position: NLD
title: test
sources: [test]
package: demo
overrides:
  - rule: demo.force
    source: "the state's text, para. 4"
    open_when: effects.scope in {"national", "multinational"} and effects.serious_adverse == True
"""


def _load(tmp_path: Path, position: str = POSITION) -> tuple[Package, Position]:
    (tmp_path / "package.yaml").write_text(PACKAGE, encoding="utf-8")
    (tmp_path / "NLD.yaml").write_text(position, encoding="utf-8")
    package = load_package(tmp_path / "package.yaml")
    return package, load_position(tmp_path / "NLD.yaml", [package])


def _incident(effects: dict[str, object]) -> Incident:
    return Incident.model_validate(
        {"id": "x", "attribution": {"state": "RUS", "level": "direct"}, "effects": effects}
    )


def _verdict(package: Package, position: Position, effects: dict[str, object]) -> tuple:
    engine = Evaluator([package], positions=[position])
    found = {v.basis: v for v in engine.verdicts(_incident(effects), as_of=dt.date(2025, 1, 1))}
    mine = found["position:NLD"]
    return found["restatement"].outcome, mine.outcome, mine.reason, mine.missing


def test_the_held_open_case_is_undetermined_with_the_reason(tmp_path: Path) -> None:
    package, position = _load(tmp_path)
    grave = {"casualties": 0, "scope": "national", "serious_adverse": True}
    assert _verdict(package, position, grave) == (
        Outcome.NO_VIOLATION,
        Outcome.UNDETERMINED,
        HELD_OPEN,
        (),
    )


def test_the_criterion_still_decides_a_violation_inside_the_open_case(tmp_path: Path) -> None:
    package, position = _load(tmp_path)
    deadly = {"casualties": 3, "scope": "national", "serious_adverse": True}
    assert _verdict(package, position, deadly) == (
        Outcome.VIOLATION,
        Outcome.VIOLATION,
        None,
        (),
    )


def test_outside_the_open_case_the_package_answer_stands(tmp_path: Path) -> None:
    package, position = _load(tmp_path)
    local = {"casualties": 0, "scope": "local", "serious_adverse": True}
    assert _verdict(package, position, local) == (
        Outcome.NO_VIOLATION,
        Outcome.NO_VIOLATION,
        None,
        (),
    )


def test_an_unknown_fact_of_the_open_case_is_missing_not_held_open(tmp_path: Path) -> None:
    """Undetermined for want of a fact is not the state's open question: no reason."""
    package, position = _load(tmp_path)
    unjudged = {"casualties": 0, "scope": "national"}
    assert _verdict(package, position, unjudged) == (
        Outcome.NO_VIOLATION,
        Outcome.UNDETERMINED,
        None,
        ("effects.serious_adverse",),
    )


def test_the_trace_names_the_open_question(tmp_path: Path) -> None:
    package, position = _load(tmp_path)
    engine = Evaluator([package], positions=[position])
    incident = _incident({"casualties": 0, "scope": "national", "serious_adverse": True})
    held = next(v for v in engine.verdicts(incident) if v.basis == "position:NLD")
    assert "held open by NLD" in json.dumps(held.to_json()["trace"])


def test_outcome_codes_alone_give_no_reason_for_a_case_held_open_in_part(tmp_path: Path) -> None:
    """The fast code computes no missing facts, so it cannot tell the open question from a
    missing fact: it gives no reason rather than a guess."""
    _, position = _load(tmp_path)
    rule = position.overrides["demo.force"]
    assert rule.reason_for(Outcome.UNDETERMINED, None) is None
    assert rule.reason_for(Outcome.UNDETERMINED, ()) == HELD_OPEN
    assert rule.reason_for(Outcome.UNDETERMINED, ("effects.scope",)) is None
    assert rule.reason_for(Outcome.NO_VIOLATION, ()) is None


_SCOPES = st.sampled_from([None, "local", "national", "multinational"])
_FLAGS = st.sampled_from([None, True, False])
_COUNTS = st.sampled_from([None, 0, 1])


@settings(max_examples=150, deadline=None)
@given(scope=_SCOPES, serious=_FLAGS, casualties=_COUNTS)
def test_holding_a_case_open_never_claims_more_than_the_package_or_the_state(
    tmp_path_factory: pytest.TempPathFactory,
    scope: str | None,
    serious: bool | None,
    casualties: int | None,
) -> None:
    """Invariants: a violation in the reading is a violation of the package's criterion (the
    state claims no more); where the package decides and the reading does not, the reading is
    undetermined (never the opposite decision); a reason is given exactly when nothing is
    missing."""
    package, position = _load(tmp_path_factory.mktemp("p"))
    effects = {"scope": scope, "serious_adverse": serious, "casualties": casualties}
    theirs, mine, reason, missing = _verdict(package, position, effects)
    if mine is Outcome.VIOLATION:
        assert theirs is Outcome.VIOLATION
    if theirs is Outcome.VIOLATION:
        assert mine is Outcome.VIOLATION
    if mine is Outcome.NO_VIOLATION:
        assert theirs is Outcome.NO_VIOLATION
    if mine is Outcome.UNDETERMINED:
        assert (reason == HELD_OPEN) == (not missing)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            POSITION + '    no_rule: "gone"\n',
            "NLD.yaml:9:14: no_rule: the rule does not exist in this reading, so it has no "
            "criteria (remove applies_when/violated_when/open_when)",
        ),
        (
            POSITION.replace("effects.scope in", "effects.scoop in"),
            "NLD.yaml:8:16: open_when: effects has no field 'scoop' (did you mean 'scope'?)",
        ),
        (
            POSITION.replace(
                'open_when: effects.scope in {"national", "multinational"} and '
                "effects.serious_adverse == True",
                "open_when: effects.scope",
            ),
            "NLD.yaml:8:16: open_when: expected a bool expression, got enum Effects.scope",
        ),
    ],
)
def test_a_bad_open_when_is_refused_with_its_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(DocumentError) as caught:
        _load(tmp_path, text)
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems
