"""The importer fixes of issue 8, each on its own invented row of tests/data/eurepoc/fixes.csv."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybernorms.engine import Evaluator
from cybernorms.ingest.eurepoc import import_eurepoc
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Outcome
from cybernorms.rules.catalog import load_rulebooks

DATA = Path(__file__).resolve().parents[1] / "data" / "eurepoc"
SHIPPED = Path(__file__).resolve().parents[2] / "rulebooks"


@pytest.fixture(scope="module")
def rows() -> dict[str, Incident]:
    result = import_eurepoc(DATA / "fixes.csv")
    assert result.rejected == [] and result.unknown_vocabulary == {}
    return {i.id.removeprefix("eurepoc:"): i for i in result.incidents}


@pytest.fixture(scope="module")
def notes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for note in import_eurepoc(DATA / "fixes.csv").notes:
        found.setdefault(note.incident_id, []).append(note.message)
    return found


def test_hong_kong_is_china_for_state_purposes(rows: dict[str, Incident]) -> None:
    hk = rows["101"]
    assert hk.targets is not None and hk.targets[0].country == "CHN"
    assert hk.provenance["targets[0].country"].value == "Hong Kong"  # the source kept
    assert (hk.attribution.state, hk.initiator.country) == ("CHN", "CHN")
    # so an operation by China against Hong Kong is not an act against another state
    books = load_rulebooks(SHIPPED, with_examples=False)
    outcomes = {(r, s): o for _, r, s, o in Evaluator(books.packages, books.profiles).outcomes(hk)}
    assert outcomes[("il.sovereignty", "CHN")] != Outcome.VIOLATION


def test_macao_is_china_for_state_purposes(rows: dict[str, Incident]) -> None:
    macao = rows["102"]
    assert (macao.initiator.country, macao.attribution.state) == ("CHN", "CHN")
    assert macao.provenance["initiator.country"].value == "['Macao']"
    assert macao.provenance["attribution.state"].value == "Macau"


def test_state_affiliation_suggested_is_not_attributable(rows: dict[str, Incident]) -> None:
    suggested = rows["103"]
    assert suggested.initiator.category == "state_affiliated"
    assert suggested.attribution.state == "IRN"  # the suspected state, kept
    assert suggested.attribution.level is None  # never direct or indirect from a suspicion
    books = load_rulebooks(SHIPPED, with_examples=False)
    outcomes = {
        (r, s): o for _, r, s, o in Evaluator(books.packages, books.profiles).outcomes(suggested)
    }
    assert outcomes[("il.state_responsibility", "IRN")] != Outcome.VIOLATION


def test_claims_that_disagree_on_the_link_leave_the_level_unknown(
    rows: dict[str, Incident], notes: dict[str, list[str]]
) -> None:
    two = rows["104"]
    assert (two.attribution.state, two.attribution.level) == ("RUS", None)
    assert any("disagree on the link" in n for n in notes["104"])
    # one attributing state for two claims: not assigned to either, the cell kept
    assert any("attributing_country: 1 parts for 2" in n for n in notes["104"])
    assert two.attribution.attributing_states == ["EST"]


def test_claims_naming_two_states_leave_the_state_unknown(
    rows: dict[str, Incident], notes: dict[str, list[str]]
) -> None:
    both = rows["105"]
    assert (both.attribution.state, both.attribution.level) == (None, None)
    assert any("several states (RUS, CHN)" in n for n in notes["105"])


def test_functional_impact_none_is_a_known_no_disruption(rows: dict[str, Incident]) -> None:
    none = rows["106"]
    assert none.effects.disruption == "none"  # not unknown: the coders said so
    source = none.provenance["effects.disruption"]
    assert source.field == "disruption; functional_impact"
    assert source.value == "Not available | No system interference/disruption"


def test_functional_impact_duration_fills_an_uncoded_disruption(rows: dict[str, Incident]) -> None:
    assert rows["107"].effects.disruption == "long"  # Days (< 7 days)
    assert rows["109"].effects.disruption == "short"  # both columns say under a day
    assert rows["110"].effects.disruption is None  # neither column knows


def test_contradicting_columns_leave_disruption_unknown(
    rows: dict[str, Incident], notes: dict[str, list[str]]
) -> None:
    assert rows["108"].effects.disruption is None
    assert any("contradicts functional_impact" in n for n in notes["108"])
    assert rows["108"].provenance["effects.disruption"].value.startswith("Long-term disruption")
