"""``docs/limits.md`` is generated from ``cybernorms.limits`` and cannot drift from it."""

from __future__ import annotations

from pathlib import Path

from cybernorms.limits import LIMITS, Limits, limits_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "limits.md"


def test_every_limit_says_what_it_bounds_and_what_the_user_sees() -> None:
    explained = Limits.explained()
    assert [(d.name, d.default) for d in explained] == Limits.described()
    for doc in explained:
        assert doc.bounds and doc.refusal, f"limit {doc.name} is undocumented"
        assert getattr(LIMITS, doc.name) == doc.default


def test_docs_limits_md_is_the_generated_text() -> None:
    assert DOC.read_text(encoding="utf-8") == limits_markdown(), (
        "docs/limits.md is out of date: regenerate it with "
        "python -c 'from cybernorms.limits import limits_markdown; "
        'print(limits_markdown(), end="")\' > docs/limits.md'
    )


def test_the_doc_lists_every_limit_with_its_default() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, default in Limits.described():
        assert f"| `{name}` | {default:,} |" in text
