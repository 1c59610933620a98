"""The SQL back end as a compiler: every IR node has a case, a construct it cannot express is
refused at compile time naming the rule and the construct, literals are data (never pasted
text), and an engine that cannot start says so and what to install."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cybernorms.bulk import EngineUnavailable, UnsupportedConstruct, engines, evaluate_many
from cybernorms.bulk.plan import build_plan
from cybernorms.bulk.sqlgen import DUCKDB, SPARK, SqlAlgebra
from cybernorms.model.facts import Incident
from cybernorms.rules import ir
from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.package import Package
from cybernorms.rules.types import BOOL, STATE_LIST
from cybernorms.semantics.algebra import Algebra


def test_the_sql_back_end_implements_every_operation_of_the_algebra() -> None:
    """The node dispatch is the semantics' own (``semantics.nodes.evaluate``, exhaustive over
    ``ir.Expr``); the SQL back end only implements the algebra, all of it."""
    assert not SqlAlgebra.__abstractmethods__
    assert issubclass(SqlAlgebra, Algebra)


def _with_violated(package: Package, node: ir.Node) -> Package:
    rule = dataclasses.replace(package.rules[0], violated=node)
    return dataclasses.replace(package, rules=(rule, *package.rules[1:]))


def _plan(package: Package) -> None:
    build_plan([package], [], [], DUCKDB, as_of=None, today=dt.date(2025, 1, 1)).sql()


def test_a_construct_sql_cannot_say_is_refused_naming_rule_and_construct(
    shipped: Rulebooks,
) -> None:
    package = shipped.package("il-core")
    targets = ir.FactRef(STATE_LIST, "targets", 1, 0, ("targets",))
    lists = ir.Compare(BOOL, "targets == targets", 1, 0, "==", targets, targets)
    with pytest.raises(UnsupportedConstruct) as caught:
        _plan(_with_violated(package, lists))
    message = str(caught.value)
    assert "il-core:il.state_responsibility" in message
    assert "comparison of lists or records (targets == targets)" in message


def test_a_node_type_the_back_end_does_not_know_is_refused(shipped: Rulebooks) -> None:
    @dataclasses.dataclass(frozen=True, eq=False)
    class Novel(ir.Node):
        pass

    package = shipped.package("il-core")
    with pytest.raises(UnsupportedConstruct) as caught:
        _plan(_with_violated(package, Novel(BOOL, "novel()", 1, 0)))
    assert "il-core:il.state_responsibility" in str(caught.value)
    assert "Novel" in str(caught.value)


def test_literals_are_sql_literals_not_text(shipped: Rulebooks) -> None:
    """A set literal with a quote in it stays one string literal in every dialect."""
    package = shipped.package("il-core")
    rule = package.rules[0]
    level = ir.FactRef(BOOL, "attribution.level", 1, 0, ("attribution", "level"))
    odd = "x') OR TRUE OR ('"
    member = ir.Member(
        BOOL, "...", 1, 0, level, ir.SetLit(BOOL, "{...}", 1, 0, frozenset({odd})), False
    )
    broken = _with_violated(package, member)
    for dialect in (DUCKDB, SPARK):
        sql = build_plan([broken], [], [], dialect, as_of=None, today=dt.date(2025, 1, 1)).sql()
        assert "OR TRUE OR" not in sql.replace(odd.replace("'", "''"), "").replace(
            odd.replace("'", "\\'"), ""
        )
    incident = Incident.model_validate(
        {"id": "a", "attribution": {"level": "direct", "state": "RUS"}}
    )
    verdicts = evaluate_many([incident], [broken]).to_pylist()
    first = next(v for v in verdicts if v["rule"] == rule.id)
    assert (first["question"], first["outcome"]) == ("attribution", "not_attributable")


def test_spark_without_java_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyspark")
    monkeypatch.setattr(engines, "_SESSIONS", {})
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(engines.shutil, "which", lambda name: None)
    with pytest.raises(EngineUnavailable, match=r"Spark needs Java.*java-install\.sh"):
        engines.spark_session("local[1]")


def test_one_spark_master_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "_SESSIONS", {"local[2]": object()})
    with pytest.raises(EngineUnavailable, match="already runs in this process"):
        engines.spark_session("spark://elsewhere:7077")


def test_an_unknown_engine_is_refused(shipped: Rulebooks) -> None:
    with pytest.raises(Exception, match="unknown engine 'oracle'"):
        evaluate_many([], shipped.packages, engine="oracle")  # type: ignore[arg-type]
