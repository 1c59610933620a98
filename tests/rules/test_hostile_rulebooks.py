"""Rulebooks, profiles and expressions from a hostile author: refused by name, never a crash.

The expression limits are data (``LIMITS.expression_chars``, ``LIMITS.expression_depth``):
the refusal is an ``ExpressionError`` (the package loader locates it in the file) that is also
a ``LimitExceeded`` naming the limit, and a smaller ``Limits`` is obeyed at once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cybernorms.rules.parser as parser
from cybernorms.cli.app import app
from cybernorms.errors import LimitExceeded
from cybernorms.limits import LIMITS, Limits
from cybernorms.model.documents import DocumentError
from cybernorms.rules.catalog import load_profiles
from cybernorms.rules.package import load_package
from cybernorms.rules.parser import ExpressionError, Scope, parse_expression

REPO = Path(__file__).resolve().parents[2]
PROFILE_EST = REPO / "rulebooks" / "profiles" / "EST.yaml"
runner = CliRunner()


def refuse(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, Scope())
    return caught.value


@pytest.mark.parametrize(
    ("text", "limit", "detail"),
    [
        ("True or " * 600 + "True", "expression_chars", "the expression has 4804 characters"),
        ("not " * 990 + "True", "expression_depth", "nested deeper than 64 levels"),
        ("-" * 3990 + "1", "expression_depth", "too deeply nested for the parser"),
        ("targets" + ".country" * 100, "expression_depth", "nested deeper than 64 levels"),
    ],
)
def test_expression_limits_are_named_refusals(text: str, limit: str, detail: str) -> None:
    error = refuse(text)
    assert isinstance(error, LimitExceeded)
    assert error.limit == limit
    assert error.allowed == getattr(LIMITS, limit)
    assert error.message == f"limit {limit} = {error.allowed} exceeded ({detail})"
    assert error.refusal == "LimitExceeded"


def test_expression_limits_are_read_from_the_limits_data(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_expression("effects.ransomware == True", Scope()) is not None
    monkeypatch.setattr(parser, "LIMITS", Limits(expression_chars=10))
    assert refuse("effects.ransomware == True").limit == "expression_chars"  # type: ignore[attr-defined]
    monkeypatch.setattr(parser, "LIMITS", Limits(expression_depth=1))
    assert refuse("not not effects.ransomware").limit == "expression_depth"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("True\x00", "syntax error: source code string cannot contain null bytes"),
        ("1" * 3999, "expected a bool expression, got int"),
        ("(" * 201 + ")" * 201, "syntax error: too many nested parentheses"),
        ('date("2020-13-45") == as_of', "'2020-13-45' is not a date (YYYY-MM-DD)"),
    ],
)
def test_malformed_expressions_are_expression_errors(text: str, message: str) -> None:
    assert message in refuse(text).message


def test_a_deep_expression_in_a_package_is_located_and_named(tmp_path: Path) -> None:
    path = tmp_path / "package.yaml"
    path.write_text(
        "package: demo\nversion: 1.0.0\ntitle: Demo\nrules:\n  - id: demo.r\n    title: A\n"
        "    kind: norm\n    subject: attribution.state\n    source: test\n    text: demo\n"
        "    applies_when: " + "not " * 70 + "True\n    violated_when: True\n",
        encoding="utf-8",
    )
    with pytest.raises(DocumentError) as caught:
        load_package(path)
    (problem,) = caught.value.problems
    assert problem.where.startswith(f"{path}:11:")
    assert "applies_when: limit expression_depth = 64 exceeded" in problem.message


def test_an_impossible_date_in_a_profile_is_located(tmp_path: Path) -> None:
    path = tmp_path / "EST.yaml"
    path.write_text(
        PROFILE_EST.read_text(encoding="utf-8").replace(
            "effective_from: 2017-07-01", "effective_from: 2017-02-30"
        ),
        encoding="utf-8",
    )
    with pytest.raises(DocumentError) as caught:
        load_profiles(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:5:17: '2017-02-30' is not a valid date: day is out of range for month"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("package: &p [*p]\n", "alias *p is used inside its own anchor"),
        ("package: " + "[" * 100_000 + "]" * 100_000 + "\n", "limit document_depth = 200"),
        (
            "a0: &a0 ["
            + ", ".join(["x"] * 9)
            + "]\n"
            + "".join(
                f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)
            ),
            "limit document_nodes = 5000000",
        ),
        ("version: 2020-13-45\n", "'2020-13-45' is not a valid date"),
    ],
)
def test_check_refuses_a_hostile_rulebook_with_a_located_error(
    tmp_path: Path, content: str, expected: str
) -> None:
    books = tmp_path / "books"
    shutil.copytree(REPO / "rulebooks", books)
    (books / "un-gge-2015" / "package.yaml").write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["check", str(books)])
    assert result.exit_code == 1
    output = result.stdout + result.stderr
    assert f"{books / 'un-gge-2015' / 'package.yaml'}:" in output
    assert expected in output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_rule_id_that_is_not_text_is_a_located_error(tmp_path: Path) -> None:
    """Found by the fuzz suite: a list as a rule id ended ``check`` in a TypeError."""
    path = tmp_path / "package.yaml"
    path.write_text(
        "package: demo\nversion: 1.0.0\ntitle: Demo\nrules:\n  - id: []\n    title: A\n"
        "    kind: norm\n    subject: attribution.state\n    source: test\n    text: demo\n"
        "    violated_when: effects.ransomware == True\n",
        encoding="utf-8",
    )
    with pytest.raises(DocumentError) as caught:
        load_package(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:5:9: rules.0.id: Input should be a valid string"
    ]
