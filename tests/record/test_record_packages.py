"""The packages written for the record: proposals stay proposals, the treaty binds only its
parties, and every example holds (the folders `cybernorms check rulebooks` does not descend
into are checked here: rulebooks/proposals and rulebooks/treaties)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from cybernorms.engine.examples import run_examples
from cybernorms.rules.catalog import load_rulebooks

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("folder", ["proposals", "treaties"])
def test_every_example_holds(folder: str) -> None:
    results = run_examples(load_rulebooks(REPO / "rulebooks" / folder))
    assert results and [f"{r.where}: {r.problem}" for r in results if not r.ok] == []


def test_proposals_declare_proposal_and_show_two_outcomes_per_rule() -> None:
    books = load_rulebooks(REPO / "rulebooks" / "proposals")
    assert {p.id: p.basis for p in books.packages} == {
        "ru-iis-convention-concept": "proposal",
        "sco-code-of-conduct": "proposal",
    }
    outcomes: dict[str, set[str]] = defaultdict(set)
    for r in run_examples(books):
        assert r.got is not None and r.got.basis == "proposal"
        outcomes[r.expectation.rule].add(r.got.outcome.label)
    for package in books.packages:
        for rule in package.rules:
            assert len(outcomes[rule.id]) >= 2, f"{rule.id}: {outcomes[rule.id]}"


def test_the_convention_binds_only_its_parties_and_has_none_yet() -> None:
    (convention,) = load_rulebooks(REPO / "rulebooks" / "treaties").packages
    assert convention.parties == frozenset()
    assert {r.binds for r in convention.rules} == {"parties"}
