"""Treaties: entry into force as a rule from the log, instruments, reservations, denunciation,
and the status table in the UN Treaty Collection's shape. Figures are made up on purpose."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cybernorms.forum import DaysAfter, EntryIntoForceRule, FirstOfMonthAfter, packages_as_of
from cybernorms.forum import errors as refuse
from cybernorms.forum.treaty import Deposit, add_delay, entry_into_force_for

from .world import (
    CONSENSUS,
    HASH_V1,
    NOT_ALL_NORMS,
    Log,
    close,
    consensus_forum,
    content_hash,
    depositary,
    open_call,
    public,
    rules,
    secretariat,
    state,
    treaty_terms,
)

TREATY = content_hash("treaty-x v1")
DEPOSITARY = depositary("depositary-of-treaty-x")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 3, 18), 3, date(2026, 7, 1)),
        (date(2026, 11, 30), 3, date(2027, 3, 1)),  # 28 Feb 2027, then the next first
        (date(2026, 9, 15), 3, date(2027, 1, 1)),
        (date(2026, 1, 1), 0, date(2026, 2, 1)),
    ],
)
def test_first_of_the_month_after_months(start: date, months: int, expected: date) -> None:
    assert (
        add_delay(start, FirstOfMonthAfter(delay="first_of_month_after_months", months=months))
        == expected
    )


def test_a_later_party_is_bound_after_its_own_delay_never_before_the_general_date() -> None:
    rule = EntryIntoForceRule(
        instruments=2,
        general=DaysAfter(delay="days", days=90),
        later=DaysAfter(delay="days", days=30),
    )
    deposits = [
        Deposit("AAA", "ratification", date(2026, 1, 1), 1),
        Deposit("BRA", "succession", date(2026, 1, 5), 2),  # not counted by default
        Deposit("CAN", "accession", date(2026, 1, 10), 3),  # the 2nd counted: 10 Jan + 90
        Deposit("DEU", "ratification", date(2026, 2, 1), 4),  # 1 Feb + 30 < general date
        Deposit("EGY", "ratification", date(2026, 6, 1), 5),
    ]
    general = date(2026, 4, 10)
    assert entry_into_force_for(rule, deposits, "AAA") == general
    assert entry_into_force_for(rule, deposits, "BRA") == general
    assert entry_into_force_for(rule, deposits, "DEU") == general
    assert entry_into_force_for(rule, deposits, "EGY") == date(2026, 7, 1)
    assert entry_into_force_for(rule, deposits, "FRA") is None
    assert entry_into_force_for(rule, deposits[:2], "AAA") is None


def _conference(log: Log, **terms: object) -> None:
    log.by(secretariat("conf")).forum_new(
        forum="conf",
        name="Conference",
        mandate="Treaty X",
        membership="open",
        decision_rules=rules(CONSENSUS),
        packages=[treaty_terms("treaty-x", **terms)],  # type: ignore[arg-type]
    )
    log.by(state("FRA")).join(forum="conf", state="FRA", role="member")
    log.by(state("FRA")).propose(
        forum="conf",
        proposal="draft",
        proposal_kind="new_package",
        package="treaty-x",
        revision=TREATY,
        norms=NOT_ALL_NORMS,
    )
    log.now = open_call(log, "adopt", forum="conf", proposal="draft", revision=TREATY)
    close(log, "adopted_without_vote", call="adopt", forum="conf")


def deposit(log: Log, code: str, instrument: str, on: date | None = None, **more: object) -> None:
    log.by(more.pop("author", DEPOSITARY)).instrument(  # type: ignore[arg-type]
        package="treaty-x",
        revision=TREATY,
        state=code,
        instrument=instrument,
        deposited_on=on or log.now.date(),
    )


def test_instruments_follow_the_law_of_treaties_as_data() -> None:
    log = Log()
    _conference(log)
    dep = log.by(DEPOSITARY)
    fields = {"package": "treaty-x", "revision": TREATY, "deposited_on": log.now.date()}
    dep.refuses(refuse.NotSignatory).instrument(state="DEU", instrument="ratification", **fields)
    dep.instrument(state="DEU", instrument="signature", **fields)
    dep.refuses(refuse.DuplicateInstrument).instrument(
        state="DEU", instrument="signature", **fields
    )
    dep.instrument(state="DEU", instrument="ratification", **fields)
    dep.refuses(refuse.DuplicateInstrument).instrument(
        state="DEU", instrument="acceptance", **fields
    )
    dep.instrument(state="KEN", instrument="accession", **fields)
    log.by(state("KEN")).refuses(refuse.WrongAuthor).instrument(
        state="BRA", instrument="accession", **fields
    )
    log.by(depositary("someone-else")).refuses(refuse.WrongAuthor).instrument(
        state="BRA", instrument="accession", **fields
    )
    earlier = {**fields, "deposited_on": log.now.date() - timedelta(days=1)}
    dep.refuses(refuse.OutOfOrder).instrument(state="BRA", instrument="accession", **earlier)
    future = {**fields, "deposited_on": log.now.date() + timedelta(days=1)}
    dep.refuses(refuse.OutOfOrder).instrument(state="BRA", instrument="accession", **future)


def test_entry_into_force_status_table_and_denunciation() -> None:
    log = Log()
    _conference(log, instruments=3, general_days=90, later_days=30, notice_days=365)
    for code in ("DEU", "FRA"):
        deposit(log, code, "signature")
    log.tick(days=10)
    deposit(log, "DEU", "ratification")
    deposit(log, "KEN", "accession")
    assert log.state.entry_into_force("treaty-x", TREATY) is None
    log.tick(days=10)
    third = log.now.date()
    record_from = public(DEPOSITARY, "C.N.1.2026.TREATIES-X", log.now)
    deposit(log, "SRB", "succession", author=record_from)  # not counted
    deposit(log, "FRA", "ratification")
    general = third + timedelta(days=90)
    assert log.state.entry_into_force("treaty-x", TREATY) == general
    log.tick(days=200)
    late = log.now.date()
    deposit(log, "BRA", "accession")
    assert log.state.in_force_for("treaty-x", TREATY, "BRA") == late + timedelta(days=30)
    log.by(state("KEN")).denunciation(package="treaty-x", state="KEN", notified_on=log.now.date())
    log.by(state("KEN")).refuses(refuse.DuplicateInstrument).denunciation(
        package="treaty-x", state="KEN", notified_on=log.now.date()
    )
    log.by(state("ARG")).refuses(refuse.NotAParty).denunciation(
        package="treaty-x", state="ARG", notified_on=log.now.date()
    )
    rows = {row.participant: row for row in log.state.status_table("treaty-x", TREATY)}
    assert list(rows) == ["BRA", "DEU", "FRA", "KEN", "SRB"]
    assert rows["KEN"].cells() == {
        "Participant": "[KEN]",
        "Signature": "",
        "Ratification, Acceptance, Approval, Accession (a), Succession (d)": _day(
            third - timedelta(days=10)
        )
        + " a",
        "Denunciation notified": _day(late),
        "In force for it from": _day(general),
    }
    assert (
        rows["SRB"]
        .cells()["Ratification, Acceptance, Approval, Accession (a), Succession (d)"]
        .endswith(" d")
    )
    assert rows["SRB"].recorded_from_public_sources and not rows["FRA"].recorded_from_public_sources
    assert rows["DEU"].signature is not None and rows["DEU"].consent_mark == ""
    ken_until = late + timedelta(days=365)
    assert [p.package for p in packages_as_of(log.state, ken_until - timedelta(days=1), "KEN")] == [
        "treaty-x"
    ]
    assert packages_as_of(log.state, ken_until, "KEN") == ()
    assert packages_as_of(log.state, general - timedelta(days=1), "DEU") == ()
    assert packages_as_of(log.state, general, "DEU")[0].in_force_from == general


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def test_reservations_declarations_and_objections() -> None:
    log = Log()
    _conference(log, reservations={"allowed": "listed", "norms": ["norm_b", "norm_c"]})
    deposit(log, "FRA", "signature")
    deposit(log, "DEU", "accession")
    fields = {"package": "treaty-x", "revision": TREATY, "made_on": log.now.date()}
    log.by(state("KEN")).refuses(refuse.NotAParty).reservation(
        state="KEN", norms=["norm_b"], text="Kenya reserves", **fields
    )
    reservation = log.by(state("FRA")).reservation(
        state="FRA", norms=["norm_b"], text="France reserves on (b)", **fields
    )
    log.by(DEPOSITARY).reservation(state="DEU", norms=["norm_c"], text="Germany on (c)", **fields)
    log.by(state("DEU")).declaration(
        state="DEU", norms=["norm_a"], text="Germany reads (a) as", **fields
    )
    log.by(state("DEU")).refuses(refuse.UnknownNorm).declaration(
        state="DEU", norms=["norm_q"], text="?", **fields
    )
    log.by(state("DEU")).reservation_objection(
        state="DEU", reservation=reservation.log_index, **fields
    )
    log.by(state("FRA")).refuses(refuse.WrongAuthor).reservation_objection(
        state="FRA", reservation=reservation.log_index, **fields
    )
    log.by(state("DEU")).refuses(refuse.UnknownReservation).reservation_objection(
        state="DEU", reservation=reservation.log_index + 1000, **fields
    )
    package = log.state.package("treaty-x")
    assert [(r.state, r.norms) for r in package.reservations] == [
        ("FRA", ("norm_b",)),
        ("DEU", ("norm_c",)),
    ]
    assert [(o.state, o.reservation) for o in package.objections] == [
        ("DEU", reservation.log_index)
    ]


def test_a_norms_package_is_no_treaty() -> None:
    log = Log()
    consensus_forum(log)
    log.now = open_call(log)
    close(log, "adopted_without_vote")
    log.by(depositary("x")).refuses(refuse.NotATreaty).instrument(
        package="norms-package",
        revision=HASH_V1,
        state="FRA",
        instrument="signature",
        deposited_on=log.now.date(),
    )
    log.by(depositary("x")).refuses(refuse.UnknownPackage).instrument(
        package="no-such-package",
        revision=HASH_V1,
        state="FRA",
        instrument="signature",
        deposited_on=log.now.date(),
    )
