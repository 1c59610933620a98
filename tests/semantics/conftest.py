from __future__ import annotations

from pathlib import Path

import pytest

from cybernorms.rules.catalog import Rulebooks, load_rulebooks

DATA = Path(__file__).resolve().parent.parent / "data"

# Quantifiers and membership over lists that may be known and empty, one rule each, so that
# every back end's answer on ``[]`` is visible on its own.
QUANTIFIERS = """
package: quant
version: 0.1.0
title: Quantifiers over possibly empty lists
forum: test
basis: consensus
rules:
  - id: q.any
    title: any over targets
    kind: norm
    subject: attribution.state
    source: test
    text: (test) any
    violated_when: any(t.sector == "energy" for t in targets)
  - id: q.all
    title: all over targets
    kind: norm
    subject: attribution.state
    source: test
    text: (test) all
    violated_when: all(t.sector == "energy" for t in targets)
  - id: q.count
    title: count over targets
    kind: norm
    subject: attribution.state
    source: test
    text: (test) count of nothing is zero
    violated_when: count(t.sector == "energy" for t in targets) == 0
  - id: q.length
    title: count of a list
    kind: norm
    subject: attribution.state
    source: test
    text: (test) length
    violated_when: count(territory_used) == 0
  - id: q.member
    title: membership in a list
    kind: norm
    subject: attribution.state
    source: test
    text: (test) not in an empty list
    violated_when: subject not in territory_used
"""


@pytest.fixture(scope="session")
def shipped() -> Rulebooks:
    return load_rulebooks(with_examples=False)


@pytest.fixture(scope="session")
def lang() -> Rulebooks:
    """The language's test package with its positions: EST (an override) and LVA (agrees,
    holds_open, no_rule: tests/data/stances), so every back end meets every stance."""
    return load_rulebooks([DATA / "lang", DATA / "stances"], with_examples=False)


@pytest.fixture(scope="session")
def quantifiers(tmp_path_factory: pytest.TempPathFactory) -> Rulebooks:
    root = tmp_path_factory.mktemp("quant")
    (root / "quant").mkdir()
    (root / "quant" / "package.yaml").write_text(QUANTIFIERS)
    return load_rulebooks(root, with_examples=False)
