"""A package declares what it is when no forum adopted it: ``proposal`` or ``group:NAME``
(beside ``consensus``, a claim the forum record must make good, and ``restatement``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybernorms.model.documents import DocumentError
from cybernorms.rules.package import load_package

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
    violated_when: effects.disruption in {"short", "long"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "package.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def with_basis(basis: str) -> str:
    return VALID.replace("title: Demo\n", f"title: Demo\nbasis: {basis}\n")


@pytest.mark.parametrize(
    "basis", ["consensus", "restatement", "proposal", "group:sco", "group:like-minded"]
)
def test_declared_bases_load_and_label_the_package(tmp_path: Path, basis: str) -> None:
    assert load_package(write(tmp_path, with_basis(basis))).basis == basis


def test_basis_defaults_to_consensus_claim(tmp_path: Path) -> None:
    assert load_package(write(tmp_path, VALID)).basis == "consensus"


@pytest.mark.parametrize(
    "basis",
    ["vote", "group:", "group:SCO", "position:FRA", "Proposal", "consensus:A/70/174", "group:a b"],
)
def test_other_bases_are_refused_naming_the_field(tmp_path: Path, basis: str) -> None:
    with pytest.raises(DocumentError) as caught:
        load_package(write(tmp_path, with_basis(f'"{basis}"')))
    (problem,) = caught.value.problems
    assert ":4:" in str(problem) and "basis" in str(problem)
