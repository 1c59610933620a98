"""Treaty rules (``binds: parties``) bind a state only while the treaty is in force for it,
read on the evaluation date, never in a rule it reserved (``semantics.parties``).

The parties come from the forum record: the shipped history (the Convention against
Cybercrime, signed but not in force) with instruments appended here as a depositary would
record them (made-up states and dates: no real ratification is claimed). Every back end
reads the same expression: the Python engine (generated and reference) and DuckDB agree
before and after entry into force.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import pytest

from cybernorms.engine import Evaluator
from cybernorms.forum.acts import parse_act
from cybernorms.forum.authors import Depositary, Record, RecordedFromPublicSources
from cybernorms.forum.history import RECORDER, load_history, package_content_hash
from cybernorms.forum.standing import consents_of
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import default_rulebooks_dir
from cybernorms.semantics.parties import Consent, Parties, not_bound_reason
from cybernorms.service import evaluating, loading, record
from cybernorms.service.formats import Detail, EngineName

TREATY_DIR = default_rulebooks_dir() / "treaties"
PACKAGE = "un-cybercrime-convention"
CONTENT = package_content_hash(TREATY_DIR / PACKAGE / "package.yaml")
#: 40 instruments of accession (the treaty's number, read from the history's terms) dated
#: 10 January 2026 put it in force 90 days later; a 41st state accedes on 1 June 2026.
EARLY = "2026-01-10"
GENERAL = dt.date(2026, 4, 10)
LATE_STATE, LATE_ON = "NZL", "2026-06-01"


def _accessions() -> list[tuple[str, str]]:
    import pycountry

    signed = {"DZA", "AGO", "AUS"}  # anyone; accession needs no signature
    codes = sorted(c.alpha_3 for c in pycountry.countries if c.alpha_3 not in {LATE_STATE})
    chosen = [c for c in codes if c not in signed][:40]
    return [(c, EARLY) for c in chosen] + [(LATE_STATE, LATE_ON)]


def _record_with(instruments: Sequence[tuple[str, str]]) -> record.ForumRecord:
    history = load_history(record.history_path())
    last = history[-1]
    seq = max(r.act.seq for r in history)
    records = list(history)
    for i, (state, on) in enumerate(instruments, start=1):
        act = parse_act(
            f'{{"kind": "instrument", "seq": {seq + i}, "package": "{PACKAGE}", '
            f'"revision": "{CONTENT}", "state": "{state}", "instrument": "accession", '
            f'"deposited_on": "{on}"}}'
        )
        author = RecordedFromPublicSources(
            author="public_sources",
            on_behalf_of=Depositary(author="depositary", depositary="un-secretary-general"),
            by=RECORDER,
            source="made up for a test",
            occurred_at=dt.datetime.fromisoformat(on + "T12:00:00+00:00"),
        )
        records.append(Record(act, author, last.log_index + i, last.logged_at))
    return record.of_records(records, log="test log")


FIRST = "ABW"  # the first of the 40 early states (alphabetical, as _accessions picks them)
SILENT = {
    "id": "t:silent",
    "start_date": "2026-01-01",
    "territory_used": [FIRST, LATE_STATE, "FRA"],
    "requests": [
        {"from_state": "EST", "to_state": s, "kind": "criminal_cooperation", "answer": "none"}
        for s in (FIRST, LATE_STATE, "FRA")
    ],
}


def _outcomes(chosen: evaluating.Setup, as_of: dt.date, engine: EngineName) -> dict[str, str]:
    incident = Incident.model_validate(SILENT)
    return {
        str(v.subject): v.outcome.label
        for v in evaluating.evaluate(
            chosen, [incident], as_of=as_of, detail=Detail.missing, engine=engine
        )
    }


@pytest.fixture(scope="module")
def treaty_record() -> record.ForumRecord:
    found = _record_with(_accessions())
    assert found.state.entry_into_force(PACKAGE, CONTENT) == GENERAL
    return found


def test_parties_and_their_dates_come_from_the_record(treaty_record: record.ForumRecord) -> None:
    consents = consents_of(treaty_record.state, PACKAGE, CONTENT)
    assert len(consents) == 41
    assert consents[FIRST] == Consent(GENERAL)
    assert consents[LATE_STATE] == Consent(dt.date(2026, 7, 1))  # 30 days after its deposit
    shipped = consents_of(record.shipped().state, PACKAGE, CONTENT)
    assert shipped == {}  # signatures only: in force for nobody


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (GENERAL - dt.timedelta(days=1), {FIRST: "not_applicable", LATE_STATE: "not_applicable"}),
        (GENERAL, {FIRST: "violation", LATE_STATE: "not_applicable"}),
        (dt.date(2026, 7, 1), {FIRST: "violation", LATE_STATE: "violation"}),
    ],
)
def test_a_treaty_rule_binds_from_entry_into_force_for_each_state_on_every_engine(
    treaty_record: record.ForumRecord, as_of: dt.date, expected: dict[str, str]
) -> None:
    pytest.importorskip("duckdb")
    books = loading.compose([TREATY_DIR]).books
    chosen = evaluating.setup(books, packages=[PACKAGE], record=treaty_record)
    python = _outcomes(chosen, as_of, EngineName.python)
    duckdb = _outcomes(chosen, as_of, EngineName.duckdb)
    assert python == duckdb
    assert python == {**expected, "FRA": "not_applicable"}  # FRA signed, never consented
    assert {
        v.basis
        for v in evaluating.evaluate(
            chosen, [Incident.model_validate(SILENT)], as_of=as_of, detail=Detail.outcome
        )
    } == {"consensus"}


def _treaty_with(parties: Parties) -> Evaluator:
    books = loading.compose([TREATY_DIR]).books
    package = loading.package(books, PACKAGE)
    return Evaluator([dataclasses.replace(package, parties=parties)])


def _by_subject(evaluator: Evaluator, as_of: dt.date) -> dict[str | None, str]:
    verdicts = evaluator.verdicts(Incident.model_validate(SILENT), as_of)
    return {v.subject: v.outcome.label for v in verdicts}


def test_a_reservation_the_package_allows_makes_the_rule_not_applicable_to_that_state() -> None:
    on = dt.date(2026, 5, 1)
    reserved = Parties(
        {
            FIRST: Consent(GENERAL, reserved=frozenset({"uncc.cooperation"})),
            LATE_STATE: Consent(GENERAL),
        }
    )
    outcomes = _by_subject(_treaty_with(reserved), on)
    assert outcomes[FIRST] == "not_applicable"
    assert outcomes[LATE_STATE] == "violation"


def test_a_denunciation_ends_the_binding_on_the_day_it_takes_effect() -> None:
    ends = dt.date(2027, 1, 1)
    denounced = Parties({FIRST: Consent(GENERAL, until=ends)})
    evaluator = _treaty_with(denounced)
    assert _by_subject(evaluator, ends - dt.timedelta(days=1))[FIRST] == "violation"
    assert _by_subject(evaluator, ends)[FIRST] == "not_applicable"


def test_reference_interpreter_and_generated_code_agree_with_traces() -> None:
    parties = Parties({FIRST: Consent(GENERAL), LATE_STATE: Consent(dt.date(2026, 7, 1))})
    books = loading.compose([TREATY_DIR]).books
    package = dataclasses.replace(loading.package(books, PACKAGE), parties=parties)
    incident = Incident.model_validate(SILENT)
    unknown = Incident.model_validate({**SILENT, "id": "t:unknown", "territory_used": None})
    for as_of in (GENERAL - dt.timedelta(days=1), GENERAL, dt.date(2026, 7, 1)):
        for case in (incident, unknown):
            fast = Evaluator([package]).verdicts(case, as_of)
            slow = Evaluator([package], reference=True).verdicts(case, as_of)
            assert [v.to_json() for v in fast] == [v.to_json() for v in slow]


def test_an_unknown_subject_is_undetermined_as_with_a_plain_list_of_parties() -> None:
    unknown = Incident.model_validate({**SILENT, "id": "t:unknown", "territory_used": None})
    evaluator = _treaty_with(Parties({FIRST: Consent(GENERAL)}))
    for as_of in (GENERAL - dt.timedelta(days=1), GENERAL):
        verdicts = evaluator.verdicts(unknown, as_of)
        assert [(v.subject, v.outcome.label, v.missing) for v in verdicts] == [
            (None, "undetermined", ("territory_used",))
        ]


def test_without_an_evaluation_date_the_engine_reads_today_per_call() -> None:
    evaluator = _treaty_with(Parties({FIRST: Consent(dt.date(2000, 1, 1))}))
    assert _by_subject(evaluator, None)[FIRST] == "violation"  # type: ignore[arg-type]


@pytest.mark.parametrize("as_of", [GENERAL - dt.timedelta(days=1), GENERAL], ids=str)
def test_the_smt_encoding_reads_the_dated_parties_as_the_engine_does(as_of: dt.date) -> None:
    import copy

    from .backends import smt, traced

    books = copy.copy(loading.compose([TREATY_DIR]).books)
    parties = Parties({FIRST: Consent(GENERAL), LATE_STATE: Consent(dt.date(2026, 7, 1))})
    books.packages = [
        dataclasses.replace(p, parties=parties) if p.id == PACKAGE else p for p in books.packages
    ]
    incident = Incident.model_validate(
        {**SILENT, "territory_used": [FIRST, LATE_STATE], "requests": SILENT["requests"][:2]}
    )
    states = (FIRST, LATE_STATE, "EST", "FRA")
    assert smt(books, incident, as_of, states) == traced(books, incident, as_of)


def test_why_a_treaty_rule_does_not_bind_a_state_in_words() -> None:
    parties = Parties(
        {
            FIRST: Consent(GENERAL, until=dt.date(2027, 1, 1)),
            LATE_STATE: Consent(GENERAL, reserved=frozenset({"uncc.cooperation"})),
        }
    )

    def why(state: str, on: dt.date) -> str | None:
        return not_bound_reason(parties, PACKAGE, "uncc.cooperation", state, on)

    assert why(FIRST, GENERAL) is None
    assert why(FIRST, GENERAL - dt.timedelta(days=1)) == (
        f"{PACKAGE} enters into force for {FIRST} on 2026-04-10"
    )
    assert why(FIRST, dt.date(2027, 1, 1)) == (
        f"{FIRST}'s denunciation of {PACKAGE} took effect on 2027-01-01"
    )
    assert why(LATE_STATE, GENERAL) == (
        f"{LATE_STATE} made a reservation to uncc.cooperation that {PACKAGE} allows"
    )
    assert why("FRA", GENERAL) == f"{PACKAGE} is not in force for FRA on the record"
    assert not_bound_reason(frozenset({"FRA"}), PACKAGE, "uncc.cooperation", "DEU", GENERAL) is None
