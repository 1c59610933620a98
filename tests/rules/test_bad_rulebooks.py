"""Bad rulebooks are refused with ``file:line:col: message``; nothing is loaded.

Each case is a small package that differs from a valid one in one way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cybernorms.model.documents import DocumentError
from cybernorms.rules.package import load_package, load_packages

VALID = """\
package: demo
version: 1.0.0
title: Demo
rules:
  - id: demo.r
    title: A rule
    kind: norm
    subject: attribution.state
    source: test
    text: (our paraphrase) demo
    applies_when: attribution.level in {"direct", "indirect"}
    violated_when: effects.disruption in {"short", "long"}
"""


def write(tmp_path: Path, text: str, name: str = "package.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        load_package(write(tmp_path, text))
    return [str(p) for p in caught.value.problems]


def test_valid_package_loads(tmp_path: Path) -> None:
    package = load_package(write(tmp_path, VALID))
    assert package.label == "demo@1.0.0"
    assert [r.id for r in package.rules] == ["demo.r"]


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        # expressions outside the whitelist
        (
            'effects.disruption in {"short", "long"}',
            '__import__("os")',
            ":12:20: violated_when: unknown function '__import__'",
        ),
        (
            'effects.disruption in {"short", "long"}',
            "'(lambda: True)()'",
            ":12:21: violated_when: only the language's functions may be called",
        ),
        (
            'effects.disruption in {"short", "long"}',
            "effects.__class__ == 1",
            ":12:20: violated_when: attribute '__class__' is not allowed",
        ),
        (
            'effects.disruption in {"short", "long"}',
            'effects.disrupton == "long"',
            "violated_when: effects has no field 'disrupton' (did you mean 'disruption'?)",
        ),
        (
            'effects.disruption in {"short", "long"}',
            'effects.disruption == "severe"',
            "'severe' is not a value of enum Effects.disruption",
        ),
        (
            'effects.disruption in {"short", "long"}',
            'targets[0].sector == "energy"',
            "violated_when: indexing ([...]) is not allowed",
        ),
        (
            'effects.disruption in {"short", "long"}',
            "effects.casualties + 1 > 2",
            "violated_when: arithmetic is not allowed",
        ),
        (
            'effects.disruption in {"short", "long"}',
            "effects.casualties",
            "violated_when: expected a bool expression, got int",
        ),
        (
            'effects.disruption in {"short", "long"}',
            'attribution.state == "XXA"',
            "'XXA' is not an ISO 3166-1 alpha-3 state code",
        ),
        (
            'effects.disruption in {"short", "long"}',
            "effects.physical ==",
            ":12:20: violated_when: syntax error",
        ),
        (
            'effects.disruption in {"short", "long"}',
            "known(effects.physical)",
            "known() is not in the language",
        ),
        (
            'effects.disruption in {"short", "long"}',
            "(" * 70 + "True" + ")" * 70 + " and " + "not " * 70 + "True",
            "limit expression_depth = 64 exceeded (nested deeper than 64 levels)",
        ),
        (
            'effects.disruption in {"short", "long"}',
            " or ".join(["effects.ransomware == True"] * 200),
            "limit expression_chars = 4000 exceeded",
        ),
        (
            'effects.disruption in {"short", "long"}',
            'breached("demo.r")',
            "rules refer to each other in a cycle: demo.r -> demo.r",
        ),
        (
            'effects.disruption in {"short", "long"}',
            'breached("demo.x")',
            "no rule 'demo.x' in package demo",
        ),
        # wrong structure
        (
            "    kind: norm\n",
            "    kind: treaty\n",
            ":7:11: rules.0.kind: Input should be 'norm', 'law' or 'cbm'",
        ),
        (
            "    source: test\n",
            "    source: test\n    sauce: x\n",
            ":10:12: rules.0.sauce: unknown field (did you mean 'source'?)",
        ),
        ("version: 1.0.0", "version: one", ":2:10: version: String should match pattern"),
        (
            "subject: attribution.state",
            "subject: effects.casualties",
            "subject: must name a state or a list of states",
        ),
    ],
)
def test_bad_package_is_refused_with_its_position(
    tmp_path: Path, replace: str, by: str, expected: str
) -> None:
    assert replace in VALID
    found = problems(tmp_path, VALID.replace(replace, by, 1))
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path)) for p in found)


def test_error_inside_a_folded_expression_points_at_its_line(tmp_path: Path) -> None:
    text = VALID.replace(
        'violated_when: effects.disruption in {"short", "long"}',
        'violated_when: >-\n      effects.disruption in {"short", "long"}\n      and effects.physcal != "none"',
    )
    found = problems(tmp_path, text)
    assert any(":14:11: violated_when: effects has no field 'physcal'" in p for p in found), found


def test_line_breaks_in_a_criterion_are_layout(tmp_path: Path) -> None:
    # A folded block keeps the break before an indented line; the criterion is still one
    # expression, and an error after such a break still points at its own line and column.
    layout = (
        "violated_when: >-\n"
        '      any(t.sector == "energy"\n'
        "          for t in targets)\n"
        '      and effects.disruption in {"short", "long"}'
    )
    text = VALID.replace('violated_when: effects.disruption in {"short", "long"}', layout)
    assert load_package(write(tmp_path, text)).rules[0].id == "demo.r"
    found = problems(tmp_path, text.replace("and effects.disruption", "and effects.disrupton"))
    assert any(":15:11: violated_when: effects has no field 'disrupton'" in p for p in found), found


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = VALID.replace("kind: norm", "kind: nrm").replace(
        "title: A rule", "title: A rule\n    colour: red"
    )
    assert len(problems(tmp_path, text)) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("package: [unclosed\n", "malformed YAML/JSON"),
        ("package: a\npackage: b\n", ":2:1: duplicate key 'package'"),
        ("- just\n- a list\n", "a package is a mapping"),
        ("", "a package is a mapping"),
    ],
)
def test_malformed_files(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)
    assert any(expected in p for p in found), found


def test_cycle_across_rules(tmp_path: Path) -> None:
    text = VALID.replace(
        'violated_when: effects.disruption in {"short", "long"}',
        'violated_when: breached("demo.s")',
    )
    text += """\
  - id: demo.s
    title: Another
    kind: norm
    subject: attribution.state
    source: test
    text: (our paraphrase) demo
    violated_when: breached("demo.r")
"""
    found = problems(tmp_path, text)
    assert any("cycle: demo.r -> demo.s -> demo.r" in p for p in found), found


def test_required_package_must_be_loaded(tmp_path: Path) -> None:
    text = VALID.replace("title: Demo", "title: Demo\nrequires: [other]")
    with pytest.raises(DocumentError, match="required package 'other' is not loaded"):
        load_packages([write(tmp_path, text)])


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    with pytest.raises(DocumentError, match="more than"):
        load_package(write(tmp_path, "\n".join(lines) + "\n"))
