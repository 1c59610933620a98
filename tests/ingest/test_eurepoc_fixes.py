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
    assert suggested.attribution.link is None
    assert [c.link for c in suggested.attribution.claims or []] == [None]
    books = load_rulebooks(SHIPPED, with_examples=False)
    outcomes = {
        (r, s): o for _, r, s, o in Evaluator(books.packages, books.profiles).outcomes(suggested)
    }
    assert outcomes[("il.state_responsibility", "IRN")] != Outcome.VIOLATION


def test_claims_that_disagree_on_the_link_leave_the_level_unknown(
    rows: dict[str, Incident], notes: dict[str, list[str]]
) -> None:
    two = rows["104"]
    assert (two.attribution.state, two.attribution.level, two.attribution.link) == (
        "RUS",
        None,
        None,
    )
    # each claim kept, with who made it, the link it asserts, when and on what basis
    claims = two.attribution.claims
    assert claims is not None
    assert [(c.by_actor_type, c.attributed_state, c.link) for c in claims] == [
        ("government", "RUS", "organ"),
        ("it_company", "RUS", "none"),
    ]
    assert [str(c.date) for c in claims] == ["2021-03-02", "2021-03-09"]
    assert [c.basis for c in claims] == [["receiver_government"], ["it_security"]]
    assert all(c.by_state is None for c in claims)  # the one attributing state: whose claim?
    source = two.provenance["attribution.claims[1].link"]
    assert (source.field, source.value) == ("attributed_initiator_category", "Non-state-group")
    assert any("disagree on the link" in n for n in notes["104"])
    # one attributing state for two claims: not assigned to either, the cell kept
    assert any("attributing_country: 1 parts for 2" in n for n in notes["104"])
    assert two.attribution.attributing_states == ["EST"]


def test_claims_naming_two_states_leave_the_state_unknown(
    rows: dict[str, Incident], notes: dict[str, list[str]]
) -> None:
    both = rows["105"]
    assert (both.attribution.state, both.attribution.level) == (None, None)
    assert [c.attributed_state for c in both.attribution.claims or []] == ["RUS", "CHN"]
    assert any("several states (RUS, CHN)" in n for n in notes["105"])


def test_functional_impact_none_is_a_known_no_disruption(rows: dict[str, Incident]) -> None:
    none = rows["106"]
    assert none.effects.disruption == "none"  # not unknown: the coders said so
    assert none.effects.loss_of_function == "none"
    assert none.provenance["effects.loss_of_function"].field == "functional_impact"
    source = none.provenance["effects.disruption"]
    assert source.field == "disruption; functional_impact"
    assert source.value == "Not available | No system interference/disruption"


def test_functional_impact_duration_fills_an_uncoded_disruption(rows: dict[str, Incident]) -> None:
    assert rows["107"].effects.disruption == "long"  # Days (< 7 days)
    # some function was lost, but whether it needed repair is not coded: no grade
    assert rows["107"].effects.loss_of_function is None
    assert rows["109"].effects.disruption == "short"  # both columns say under a day
    assert rows["110"].effects.disruption is None  # neither column knows


def test_contradicting_columns_leave_disruption_unknown(
    rows: dict[str, Incident], notes: dict[str, list[str]]
) -> None:
    assert rows["108"].effects.disruption is None
    assert rows["108"].effects.loss_of_function is None
    assert any("contradicts functional_impact" in n for n in notes["108"])
    assert rows["108"].provenance["effects.disruption"].value.startswith("Long-term disruption")


def test_one_claim_per_distinct_statement(rows: dict[str, Incident]) -> None:
    """A single coded attribution is one claim; the export's repeats are kept once."""
    hk = rows["101"]
    assert [(c.attributed_state, c.link) for c in hk.attribution.claims or []] == [("CHN", "organ")]


def test_a_claim_the_export_repeats_is_one_claim(rows: dict[str, Incident]) -> None:
    repeated = rows["111"]
    claims = repeated.attribution.claims or []
    assert [(c.attributed_state, c.link, str(c.date)) for c in claims] == [
        ("CHN", "organ", "2021-03-04")
    ]
    assert (repeated.attribution.state, repeated.attribution.level) == ("CHN", "direct")
