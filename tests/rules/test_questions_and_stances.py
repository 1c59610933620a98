"""A rule's question, a package's defaults and a position's stances, as written in YAML:
bad ones refused at load time naming file and line; good ones read as they say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cybernorms.engine import Evaluator
from cybernorms.model.documents import DocumentError
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Outcome
from cybernorms.rules.catalog import load_rulebooks
from cybernorms.rules.package import HELD_OPEN, load_package, load_position

PACKAGE = """\
package: demo
version: 1.0.0
title: Demo
basis: restatement
defaults:
  critical_sectors: [energy]
  source: test (an illustrative list)
rules:
  - id: demo.attributable
    title: attributable
    kind: law
    question: attribution
    subject: attribution.state
    source: test
    text: (test) attributable
    violated_when: attribution.level in {"direct", "indirect"}
  - id: demo.breach
    title: a breach
    kind: law
    subject: attribution.state
    source: test
    text: (test) a breach
    applies_when: breached("demo.attributable")
    violated_when: any(t.sector in profile(t.country).critical_sectors for t in targets)
  - id: demo.response
    title: a response permitted
    kind: law
    question: permission
    subject: attribution.state
    source: test
    text: (test) a response would be lawful
    violated_when: breached("demo.attributable") and breached("demo.breach")
"""

INCIDENT = Incident.model_validate(
    {
        "id": "x",
        "attribution": {"state": "RUS", "level": "direct"},
        "targets": [{"country": "MDA", "sector": "energy"}],
    }
)


def _book(tmp_path: Path, package: str = PACKAGE, examples: str | None = None) -> Path:
    (tmp_path / "demo").mkdir(exist_ok=True)
    (tmp_path / "demo" / "package.yaml").write_text(package, encoding="utf-8")
    if examples is not None:
        (tmp_path / "demo" / "examples.yaml").write_text(examples, encoding="utf-8")
    return tmp_path


def _refused(tmp_path: Path, **kw: str) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        load_rulebooks(_book(tmp_path, **kw))
    return [str(p) for p in caught.value.problems]


def test_an_unknown_question_word_is_refused_with_its_line(tmp_path: Path) -> None:
    found = _refused(tmp_path, package=PACKAGE.replace("question: permission", "question: lawful"))
    assert len(found) == 1
    assert found[0].endswith(
        "package.yaml:28:15: rules.2.question: Input should be 'breach', 'attribution' or "
        "'permission'"
    )


def test_an_example_expecting_another_questions_answer_is_refused(tmp_path: Path) -> None:
    examples = """\
- name: a breach rule cannot be permitted
  incident: {id: e, attribution: {state: RUS, level: direct}}
  expect:
    - {rule: demo.attributable, subject: RUS, outcome: attributable}
    - {rule: demo.breach, subject: RUS, outcome: permitted}
"""
    found = _refused(tmp_path, examples=examples)
    assert found == [
        f"{tmp_path}/demo/examples.yaml:5:50: outcome of demo.breach: 'permitted' is not an "
        "answer to a breach question (one of violation, no_violation, undetermined, "
        "not_applicable)"
    ]


def test_defaults_without_a_source_are_refused(tmp_path: Path) -> None:
    found = _refused(
        tmp_path, package=PACKAGE.replace("  source: test (an illustrative list)\n", "")
    )
    assert any("package.yaml:6" in p and "source" in p for p in found), found


def test_questions_print_their_own_words_and_breached_reads_the_positive_answer(
    tmp_path: Path,
) -> None:
    books = load_rulebooks(_book(tmp_path))
    verdicts = {
        v.rule: v for v in Evaluator(books.packages, assume_defaults=True).verdicts(INCIDENT)
    }
    assert verdicts["demo.attributable"].to_json()["outcome"] == "attributable"
    assert verdicts["demo.response"].to_json()["outcome"] == "permitted"
    assert verdicts["demo.response"].to_json()["question"] == "permission"
    assert verdicts["demo.breach"].to_json()["outcome"] == "violation"
    # the defaults decided the breach (and, through it, the response), and both say so
    assert verdicts["demo.breach"].basis == "restatement+assumed:defaults"
    assert verdicts["demo.response"].basis == "restatement+assumed:defaults"
    assert verdicts["demo.attributable"].basis == "restatement"


def test_without_the_assumption_the_missing_parameter_is_named(tmp_path: Path) -> None:
    books = load_rulebooks(_book(tmp_path))
    verdicts = {v.rule: v for v in Evaluator(books.packages).verdicts(INCIDENT)}
    assert verdicts["demo.breach"].outcome is Outcome.UNDETERMINED
    assert verdicts["demo.breach"].missing == ("profile(MDA).critical_sectors",)
    assert verdicts["demo.response"].missing == ("profile(MDA).critical_sectors",)


POSITION = """\
position: GBR
title: test
sources: [test]
package: demo
agrees:
  - {rule: demo.attributable, source: "the state's text, para. 3", date: 2021-06-03}
holds_open:
  - {rule: demo.response, source: "the state's text, para. 9"}
overrides:
  - rule: demo.breach
    no_rule: "no standalone rule in this reading"
"""


def test_a_positions_stances_read_as_written(tmp_path: Path) -> None:
    package = load_package(_book(tmp_path) / "demo" / "package.yaml")
    path = tmp_path / "GBR.yaml"
    path.write_text(POSITION, encoding="utf-8")
    position = load_position(path, [package])
    verdicts = {
        (v.rule, v.basis): v for v in Evaluator([package], positions=[position]).verdicts(INCIDENT)
    }
    agreed = verdicts[("demo.attributable", "position:GBR")]
    assert agreed.word == "attributable" and agreed.reason is None
    root = agreed.to_json()["trace"]["expr"]
    assert "agreed by GBR: the state's text, para. 3, 2021-06-03" in root
    gone = verdicts[("demo.breach", "position:GBR")]
    assert (gone.word, gone.reason) == ("not_applicable", "no standalone rule in this reading")
    held = verdicts[("demo.response", "position:GBR")]
    assert (held.word, held.reason, held.missing) == ("undetermined", HELD_OPEN, ())
    assert "held open by GBR" in json.dumps(held.to_json()["trace"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            POSITION.replace(
                '    no_rule: "no standalone rule in this reading"\n',
                '    no_rule: "gone"\n    violated_when: "False"\n',
            ),
            "GBR.yaml:11:14: no_rule: the rule does not exist in this reading",
        ),
        (
            POSITION.replace("rule: demo.response", "rule: demo.nothing"),
            "GBR.yaml:8:12: holds_open: package demo has no rule 'demo.nothing'",
        ),
        (
            POSITION.replace("rule: demo.response", "rule: demo.attributable"),
            "GBR.yaml:8:12: holds_open: rule 'demo.attributable' already read by this position",
        ),
    ],
)
def test_bad_stances_are_refused_with_their_line(tmp_path: Path, text: str, expected: str) -> None:
    package = load_package(_book(tmp_path) / "demo" / "package.yaml")
    path = tmp_path / "GBR.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        load_position(path, [package])
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems
