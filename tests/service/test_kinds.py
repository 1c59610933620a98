"""``service.kinds``: a document's kind is read from its content, whatever its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybernorms.service.kinds import Kind, document_kind, misplaced

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "rulebooks"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (SHIPPED / "il-core" / "package.yaml", Kind.package),
        (SHIPPED / "il-core" / "examples.yaml", Kind.examples),
        (SHIPPED / "positions" / "GBR.yaml", Kind.position),
        (SHIPPED / "profiles" / "EST.yaml", Kind.profile),
        (REPO / "examples" / "incidents" / "2017-notpetya.yaml", Kind.incidents),
        (REPO / "tests" / "data" / "eurepoc" / "good.csv", Kind.eurepoc),
    ],
)
def test_shipped_documents_are_recognised(path: Path, kind: Kind) -> None:
    assert document_kind(path) is kind


def test_the_name_does_not_matter(tmp_path: Path) -> None:
    hidden = tmp_path / "incidents.yaml"
    hidden.write_text((SHIPPED / "positions" / "FRA.yaml").read_text(), encoding="utf-8")
    assert document_kind(hidden) is Kind.position
    bundle = tmp_path / "x.json"
    bundle.write_text('{"type": "bundle", "id": "bundle--1", "objects": []}', encoding="utf-8")
    assert document_kind(bundle) is Kind.stix
    assert misplaced(bundle, Kind.incidents) is None  # a bundle is an incident input


def test_unreadable_or_unknown_is_none(tmp_path: Path) -> None:
    broken = tmp_path / "x.yaml"
    broken.write_text("a: [", encoding="utf-8")
    assert document_kind(broken) is None
    other = tmp_path / "y.yaml"
    other.write_text("hello: world\n", encoding="utf-8")
    assert document_kind(other) is None and misplaced(other, Kind.position) is None
