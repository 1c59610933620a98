"""The engine benchmark's peers decide exactly what the shipped rules decide.

Why a test: the Cedar and Rego policies in ``benchmarks/peers/`` re-implement three shipped
rules by hand. If a rule in ``rulebooks/`` changes and the peers do not follow, the benchmark
would compare different conditions; this catches that drift in CI (no timing here). It skips
where the bench extra (cedarpy, gordon-to-regorus) is not installed; CI installs it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
N = 200


def _bench(name: str) -> ModuleType:
    """Import ``benchmarks.NAME`` from the repository root (not an installed package)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module(f"benchmarks.{name}")


@pytest.fixture(scope="module")
def setup() -> dict[str, Any]:
    pytest.importorskip("cedarpy", reason="cedarpy not installed (pip install -e '.[bench]')")
    pytest.importorskip("regorus", reason="regorus not installed (pip install -e '.[bench]')")
    eq = _bench("equivalence")
    from cybernorms.engine.evaluate import Evaluator

    packages = eq.shipped_packages()
    sectors = eq.critical_sectors(packages)
    incidents = _bench("incidents").generate(N, seed=7)
    evaluator = Evaluator(eq.bench_packages(packages), eq.bench_profiles(packages))
    return {
        "eq": eq,
        "incidents": incidents,
        "ours": eq.engine_codes(evaluator, incidents),
        "cedar": _bench("peers.cedar").CedarPeer(sectors),
        "rego": _bench("peers.rego").RegoPeer(sectors),
    }


def _assert_agrees(setup: dict[str, Any], name: str, decide: Callable[..., list[int]]) -> None:
    eq = setup["eq"]
    [report] = eq.check(setup["incidents"], setup["ours"], [(name, decide, eq.RULE_IDS)])
    assert report.compared == N * len(eq.RULE_IDS)
    assert report.disagreements == 0, "\n".join([report.line(), *report.examples])


def test_cedar_policies_match_the_shipped_rules(setup: dict[str, Any]) -> None:
    cedar = setup["cedar"]
    _assert_agrees(setup, "cedar", lambda xs: cedar.decide(cedar.requests(xs)))


def test_rego_policies_match_the_shipped_rules(setup: dict[str, Any]) -> None:
    rego = setup["rego"]
    _assert_agrees(setup, "rego", lambda xs: rego.decide(rego.inputs(xs)))


def test_python_baseline_matches_its_rule(setup: dict[str, Any]) -> None:
    eq = setup["eq"]
    baseline = _bench("peers.baseline")
    [report] = eq.check(
        setup["incidents"],
        setup["ours"],
        [("baseline", lambda xs: [baseline.use_of_force(x) for x in xs], (baseline.RULE,))],
    )
    assert report.compared == N
    assert report.disagreements == 0, "\n".join([report.line(), *report.examples])


def test_the_sample_reaches_every_decided_outcome(setup: dict[str, Any]) -> None:
    """The sample reaches violation, no_violation and undetermined for every rule, so the
    agreement above covers the three-valued paths, not only the easy ones."""
    eq = setup["eq"]
    ours = setup["ours"]
    width = len(eq.RULE_IDS)
    for j, rule in enumerate(eq.RULE_IDS):
        assert {1, 2, 3} <= set(ours[j::width]), rule


def test_a_drifted_peer_is_reported(setup: dict[str, Any]) -> None:
    """The check is not vacuous: one changed answer is one reported disagreement."""
    eq = setup["eq"]
    ours = list(setup["ours"])
    drifted = [*ours[:-1], (ours[-1] + 1) % 4]
    [report] = eq.check(setup["incidents"], ours, [("drifted", lambda _: drifted, eq.RULE_IDS)])
    assert report.disagreements == 1
    assert report.by_rule == {eq.RULE_IDS[-1]: 1}
