"""Every shipped national position reads as its texts: each override says where it comes from.

A position is a state's reading, never consensus, and it is only as good as its citation: each
override carries the document it paraphrases (``source``), that document's date (``date``) and
our paraphrase of what the state says and why the criterion follows (``note``). Each override
is also shown by an example incident on which the position and its package disagree, so a
reader sees the departure rather than being told of it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cybernorms.model.readers import file_stem, reader_id
from cybernorms.rules.catalog import EXAMPLES_SUFFIX, Rulebooks, load_rulebooks
from cybernorms.rules.package import Position

REPO = Path(__file__).resolve().parents[2]
POSITIONS = REPO / "rulebooks" / "positions"

# Positions written before overrides could cite their own source and date; a later change
# revises them (issue 8, item 5; FRA now cites per override). Every other position must cite
# per override.
UNCITED_LEGACY = frozenset({"GBR"})


@pytest.fixture(scope="module")
def books() -> Rulebooks:
    return load_rulebooks(REPO / "rulebooks")


def shipped_states() -> list[str]:
    """The readers of the shipped position files: a state (``FRA.yaml``) or a group
    (``group-AU.yaml`` holds ``group:AU``)."""
    return sorted(
        reader_id(p.name.removesuffix(".yaml").replace("group-", "group:", 1))
        for p in POSITIONS.glob("*.yaml")
        if not p.name.endswith(EXAMPLES_SUFFIX)
    )


def test_every_position_file_is_loaded_under_its_own_name(books: Rulebooks) -> None:
    assert sorted(p.state for p in books.positions) == shipped_states()
    for position in books.positions:
        assert Path(position.path).name == f"{file_stem(position.state)}.yaml"


@pytest.mark.parametrize("state", shipped_states())
def test_every_override_has_a_note(books: Rulebooks, state: str) -> None:
    position = books.position(state)
    assert position.overrides or position.added or position.agrees, (
        f"{state}: a position that neither re-reads, adds nor agrees with a rule says nothing"
    )
    for rule_id in position.overrides:
        note = position.notes.get(rule_id, "")
        assert note.startswith("(our paraphrase)"), f"{state} {rule_id}: note missing"


@pytest.mark.parametrize("state", shipped_states())
def test_every_added_rule_is_paraphrased_and_sourced(books: Rulebooks, state: str) -> None:
    """A rule a position adds (a question its package does not ask, e.g. Estonia's collective
    countermeasures) is the state's reading too: our words, and the text it comes from."""
    for rule in books.position(state).added:
        assert rule.text.startswith("(our paraphrase)"), f"{state} {rule.id}: text not ours"
        assert rule.source.strip(), f"{state} {rule.id}: no source"


@pytest.mark.parametrize("state", sorted(set(shipped_states()) - UNCITED_LEGACY))
def test_every_override_cites_its_source_and_date(books: Rulebooks, state: str) -> None:
    position = books.position(state)
    assert position.date is not None, f"{state}: the position has no date"
    for rule_id in position.overrides:
        citation = position.citations[rule_id]
        assert citation.source, f"{state} {rule_id}: no source"
        assert citation.date is not None, f"{state} {rule_id}: no date"
        assert citation.date <= dt.date.today(), f"{state} {rule_id}: dated in the future"


def test_the_uncited_legacy_list_only_names_positions_still_uncited(books: Rulebooks) -> None:
    """Once GBR or FRA cite per override, they must leave the exemption list."""
    for state in UNCITED_LEGACY:
        position = books.position(state)
        assert any(c.source is None or c.date is None for c in position.citations.values()), (
            f"{state} now cites every override: remove it from UNCITED_LEGACY"
        )


def _departures(books: Rulebooks, position: Position) -> set[str]:
    """The overridden rules for which some example expects different outcomes for the same
    subject under the package's basis and under the position."""
    own = position.basis
    found: set[str] = set()
    for example_file in books.examples:
        if example_file.owner != own:
            continue
        for example, _ in example_file.examples:
            by_key: dict[tuple[str, str | None], dict[str, str]] = {}
            for e in example.expect:
                by_key.setdefault((e.rule, e.subject), {})[e.basis or own] = e.outcome
            for (rule, _subject), outcomes in by_key.items():
                mine = outcomes.get(own)
                if mine is not None and any(o != mine for b, o in outcomes.items() if b != own):
                    found.add(rule)
    return found


@pytest.mark.parametrize("state", shipped_states())
def test_every_override_is_shown_departing_from_the_package(books: Rulebooks, state: str) -> None:
    position = books.position(state)
    examples = POSITIONS / f"{file_stem(state)}{EXAMPLES_SUFFIX}"
    assert examples.exists(), f"{state}: no examples file"
    missing = set(position.overrides) - _departures(books, position)
    assert not missing, f"{state}: no example shows where it departs on {sorted(missing)}"


def _shown(books: Rulebooks, position: Position) -> set[str]:
    """The rules for which some example expects a verdict under the position itself."""
    own = position.basis
    return {
        e.rule
        for example_file in books.examples
        if example_file.owner == own
        for example, _ in example_file.examples
        for e in example.expect
        if (e.basis or own) == own
    }


@pytest.mark.parametrize("state", shipped_states())
def test_every_added_rule_is_shown_by_an_example(books: Rulebooks, state: str) -> None:
    """The package has no verdict to differ from for an added rule: an example shows the
    position's own answer instead (both outcomes, where the facts allow)."""
    position = books.position(state)
    missing = {r.id for r in position.added} - _shown(books, position)
    assert not missing, f"{state}: no example shows the added rules {sorted(missing)}"
