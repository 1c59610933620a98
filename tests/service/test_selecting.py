"""``service.selecting``: the filters keep exactly what they name (property tests)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from cybernorms.model.facts import Incident, Target
from cybernorms.service.selecting import Filters, record, victims

dates = st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
countries = st.sampled_from(["UKR", "EST", "USA", "DEU"])


@st.composite
def incidents(draw: st.DrawFn) -> list[Incident]:
    count = draw(st.integers(0, 8))
    return [
        Incident(
            id=f"i{n}",
            start_date=draw(dates),
            targets=[Target(country=c) for c in draw(st.lists(countries, max_size=3))],
        )
        for n in range(count)
    ]


@given(incidents(), dates, dates)
def test_a_date_range_keeps_exactly_the_incidents_that_started_in_it(
    found: list[Incident], since: dt.date | None, until: dt.date | None
) -> None:
    if since and until and since > until:
        since, until = until, since
    kept = Filters.of(since=since, until=until).incidents(found)
    for incident in found:
        start = incident.start_date
        inside = (since is None and until is None) or (
            start is not None
            and (since is None or start >= since)
            and (until is None or start <= until)
        )
        assert (incident in kept) == inside


@given(incidents(), st.lists(countries, max_size=2))
def test_a_victim_filter_keeps_the_incidents_with_a_target_there(
    found: list[Incident], wanted: list[str]
) -> None:
    kept = Filters.of(victims=[w.lower() for w in wanted]).incidents(found)
    assert kept == [i for i in found if not wanted or set(victims(i)) & set(wanted)]


def test_victims_are_listed_once_in_target_order() -> None:
    incident = Incident(
        id="x",
        targets=[Target(country="UKR"), Target(country="DNK"), Target(country="UKR"), Target()],
    )
    assert victims(incident) == ["UKR", "DNK"]


def test_a_record_adds_the_incident_after_the_contract() -> None:
    from cybernorms.model.verdict import Outcome, Verdict

    incident = Incident(
        id="x", name="N", start_date=dt.date(2020, 1, 2), targets=[Target(country="UKR")]
    )
    verdict = Verdict("x", "p@1", "r", "RUS", "consensus", Outcome.VIOLATION)
    out = record(verdict, incident, with_trace=False)
    assert list(out)[-3:] == ["name", "start_date", "victims"]
    assert (out["name"], out["start_date"], out["victims"]) == ("N", "2020-01-02", ["UKR"])


def test_a_group_basis_is_read_for_a_groups_reading_and_for_a_packages_own_group() -> None:
    """``--basis group:au`` names the group's reading ``group:AU`` (model.readers) and a
    package tabled as a group's shared reading, ``group:au``; ``--basis position`` keeps every
    reading, a group's included, and never a package's own group basis."""
    assert Filters.of(bases=["group:au"]).bases == {"group:AU", "group:au"}
    assert Filters.of(bases=["position:fra"]).bases == {"position:FRA"}
    from cybernorms.model.verdict import Outcome, Verdict

    verdicts = [
        Verdict("x", "p@1", "r", "RUS", basis, Outcome.VIOLATION)
        for basis in ("group:AU", "group:like-minded", "position:FRA", "consensus")
    ]
    kept = [v.basis for v in Filters.of(bases=["position"]).verdicts(verdicts)]
    assert kept == ["group:AU", "position:FRA"]
    groups = [v.basis for v in Filters.of(bases=["group"]).verdicts(verdicts)]
    assert groups == ["group:AU", "group:like-minded"]  # the family: readings and packages
