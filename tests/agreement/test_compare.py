"""The comparison on our hand-made CSV (tests/data/agreement), with answers worked out by hand.

coded.csv has five invented incidents; the stand-in package il-test has simple criteria. The
coders judged a breach (IL_breach_indicator) on incidents 1-3; 4 says "Not available" and 5 is
not coded. The engine is asked the act-level question (the act put down to a stand-in foreign
state), so incident 3 (a hacktivist group, no state link) is judged on its effects like the
others. Coder answer / engine answer:

| question         | 1 (RUS direct)  | 2 (CHN affiliated) | 3 (TUR group)       |
|------------------|-----------------|--------------------|---------------------|
| sovereignty      | yes / yes       | yes / no           | no / no             |
| non-intervention | no / no         | no / yes           | no / no             |
| use of force     | yes / yes       | no / no            | no / not_applicable |
| due diligence    | no / undet.     | no / no            | yes / no            |

Use of force in il-test applies only where a state institution was a target: incident 3 (a
media target) is not_applicable, counted apart and never as a "no". Under the test position
GBR (misuse counts against sovereignty), incident 2 becomes yes for sovereignty.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cybernorms.agreement import Answer, Pair, Row, as_foreign_state_act, coded_incidents, compare
from cybernorms.agreement.coding import QUESTIONS
from cybernorms.agreement.compare import breach_questions, engine_answer
from cybernorms.cli.app import app
from cybernorms.engine import Evaluator
from cybernorms.ingest.eurepoc import import_eurepoc
from cybernorms.model.verdict import Outcome
from cybernorms.rules.catalog import load_rulebooks

DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"
RULEBOOKS = DATA / "rulebooks"
Y, N, U, A = Answer.YES, Answer.NO, Answer.UNDETERMINED, Answer.NOT_APPLICABLE

# (question, basis) -> engine answers of incidents 1-3, agreement, kappa
EXPECTED = {
    ("sovereignty", "restatement"): ((Y, N, N), 2 / 3, 0.4),
    ("sovereignty", "position:GBR"): ((Y, Y, N), 1.0, 1.0),
    ("non_intervention", "restatement"): ((N, Y, N), 2 / 3, 0.0),
    ("use_of_force", "restatement"): ((Y, N, A), 1.0, 1.0),
    ("due_diligence", "restatement"): ((U, N, N), 0.5, 0.0),
}
CODERS = {
    "sovereignty": (True, True, False),
    "non_intervention": (False, False, False),
    "use_of_force": (True, False, False),
    "due_diligence": (False, False, True),
}


def _report(positions: list[str]) -> object:
    books = load_rulebooks(RULEBOOKS, with_examples=False)
    evaluator = Evaluator(books.packages, books.profiles, [books.position(p) for p in positions])
    coded = coded_incidents(import_eurepoc(DATA / "coded.csv").incidents)
    basis = {r.id: "restatement" for p in books.packages for r in p.rules}
    return compare(coded, evaluator, basis, positions)


def test_table_matches_hand_computation() -> None:
    coded = coded_incidents(import_eurepoc(DATA / "coded.csv").incidents)
    assert [i.id for i in coded] == ["eurepoc:1", "eurepoc:2", "eurepoc:3"]
    report = _report(["GBR"])
    assert report.incidents == 3
    got = {(r.question.key, r.basis): r for r in report.rows}
    assert list(got) == list(EXPECTED)  # order: question, then package before positions
    for key, (engine, agree, kappa) in EXPECTED.items():
        r = got[key]
        assert [p.engine for p in r.pairs] == list(engine), key
        assert [p.coder for p in r.pairs] == list(CODERS[key[0]]), key
        assert r.agreement == pytest.approx(agree), key
        assert r.kappa == pytest.approx(kappa), key


def test_not_applicable_is_its_own_column_never_a_no() -> None:
    uof = next(r for r in _report([]).rows if r.question.key == "use_of_force")
    doc = uof.to_json()
    assert doc["engine"] == {"yes": 1, "no": 1, "undetermined": 0, "not_applicable": 1}
    assert doc["both_decided"] == 2  # incident 3 is left out of agreement and kappa
    assert doc["confusion"]["coder_no_engine_not_applicable"] == 1
    assert doc["confusion"]["coder_no_engine_no"] == 1


def test_act_level_question_sets_the_attribution_aside() -> None:
    """Incident 3 has no state link: the per-state verdict is not_applicable, while the
    act-level question (what the coders answer) judges the act on its effects."""
    books = load_rulebooks(RULEBOOKS, with_examples=False)
    evaluator = Evaluator(books.packages, books.profiles)
    incident = import_eurepoc(DATA / "coded.csv").incidents[2]
    per_state = {r: o for _, r, _, o in evaluator.outcomes(incident)}
    assert per_state["il.sovereignty"] == Outcome.NOT_APPLICABLE
    asked = as_foreign_state_act(incident)
    act = {r: (s, o) for _, r, s, o in evaluator.outcomes(asked)}
    assert act["il.sovereignty"] == ("ATA", Outcome.NO_VIOLATION)
    assert asked.annotations == {} and asked.attribution.level == "direct"
    assert asked.provenance["attribution.state"].source == "agreement"
    # the facts of the act are untouched
    assert asked.effects == incident.effects and asked.targets == incident.targets


def test_stand_in_is_foreign_to_every_state_named() -> None:
    incident = import_eurepoc(DATA / "coded.csv").incidents[0]
    named = incident.model_copy(
        update={
            "targets": [t.model_copy(update={"country": "ATA"}) for t in incident.targets or []]
        }
    )
    assert as_foreign_state_act(named).attribution.state == "BVT"


def test_engine_never_sees_the_coding() -> None:
    """Same verdicts whatever the coders wrote: compare hands the engine blind copies."""
    books = load_rulebooks(RULEBOOKS, with_examples=False)
    evaluator = Evaluator(books.packages, books.profiles)
    for incident in import_eurepoc(DATA / "coded.csv").incidents:
        blind = incident.model_copy(update={"annotations": {}})
        assert evaluator.outcomes(incident) == evaluator.outcomes(blind)
        assert as_foreign_state_act(incident).annotations == {}


def test_only_breach_questions_are_compared() -> None:
    kept, left = breach_questions(QUESTIONS, {"il.sovereignty": "permission"})
    assert "il.sovereignty" not in [q.rule for q in kept]
    assert len(kept) == len(QUESTIONS) - 1
    assert "permission question" in left[0].reason
    report = _report([])
    columns = [n.column for n in report.not_compared]
    assert "state_responsibility_indicator" in columns and "legal_response_indicator" in columns
    assert all("per-state verdicts not compared" in s for s in report.state_level)


def test_engine_answer_aggregates_subjects() -> None:
    V, NV, UN, NA = (
        Outcome.VIOLATION,
        Outcome.NO_VIOLATION,
        Outcome.UNDETERMINED,
        Outcome.NOT_APPLICABLE,
    )
    assert engine_answer([NV, V, UN]) is Y
    assert engine_answer([NV, NA]) is N
    assert engine_answer([NV, UN]) is U
    assert engine_answer([NA, NA]) is A
    assert engine_answer([]) is A


outcomes = st.lists(st.sampled_from(list(Outcome)), max_size=6)


@given(outcomes)
def test_not_applicable_never_turns_into_no(found: list[Outcome]) -> None:
    with_na = engine_answer([*found, Outcome.NOT_APPLICABLE])
    assert with_na is engine_answer(found)
    assert (engine_answer(found) is N) == (
        Outcome.NO_VIOLATION in found
        and Outcome.VIOLATION not in found
        and Outcome.UNDETERMINED not in found
    )


pairs = st.lists(st.tuples(st.booleans(), st.sampled_from(list(Answer))), max_size=40)


def _row(items: list[tuple[bool, Answer]]) -> Row:
    return Row(QUESTIONS[0], "restatement", [Pair(f"i{n}", c, e) for n, (c, e) in enumerate(items)])


@given(pairs, pairs)
def test_undecided_pairs_change_no_kappa(
    decided: list[tuple[bool, Answer]], extra: list[tuple[bool, Answer]]
) -> None:
    """Undetermined and not_applicable answers are counted, never scored."""
    base = [(c, e) for c, e in decided if e in (Y, N)]
    undecided = [(c, e) for c, e in extra if e in (U, A)]
    one, two = _row(base), _row(base + undecided)
    assert one.kappa == two.kappa and one.agreement == two.agreement
    doc = two.to_json()
    assert sum(doc["engine"].values()) == doc["coded"] == len(base) + len(undecided)
    assert sum(doc["confusion"].values()) == doc["coded"]
    assert doc["both_decided"] == len(base)
    assert doc["kappa"] is None or -1 <= doc["kappa"] <= 1


@given(st.lists(st.booleans(), min_size=1, max_size=40))
def test_identical_codings_give_kappa_one(labels: list[bool]) -> None:
    row = _row([(c, Y if c else N) for c in labels])
    assert row.agreement == 1.0
    assert row.kappa is None if len(set(labels)) == 1 else row.kappa == pytest.approx(1.0)


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=40))
def test_kappa_symmetric_between_coders_and_engine(items: list[tuple[bool, bool]]) -> None:
    forward = _row([(c, Y if e else N) for c, e in items])
    backward = _row([(e, Y if c else N) for c, e in items])
    assert (forward.kappa is None) == (backward.kappa is None)
    if forward.kappa is not None:
        assert forward.kappa == pytest.approx(backward.kappa)


def _cli(*extra: str) -> object:
    return CliRunner().invoke(
        app,
        [
            "agreement",
            str(DATA / "coded.csv"),
            "--rulebooks",
            str(RULEBOOKS),
            "--no-shipped",
            *extra,
        ],
    )


def test_cli_json_is_stable() -> None:
    result = _cli("--position", "gbr", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc) == [
        "file",
        "import",
        "positions",
        "incidents_compared",
        "question",
        "rows",
        "state_level",
        "not_compared",
    ]
    assert doc["import"]["rows"] == 5 and doc["import"]["imported"] == 5
    assert doc["positions"] == ["GBR"]
    first = doc["rows"][0]
    assert list(first) == [
        "question",
        "title",
        "rule",
        "basis",
        "level",
        "coder_columns",
        "coded",
        "coder",
        "engine",
        "both_decided",
        "observed_agreement",
        "kappa",
        "confusion",
    ]
    assert first["level"] == "act" and first["coder_columns"] == ["IL_breach_indicator"]
    assert first["engine"] == {"yes": 1, "no": 2, "undetermined": 0, "not_applicable": 0}
    assert first["confusion"]["coder_yes_engine_yes"] == 1
    assert first["confusion"]["coder_yes_engine_no"] == 1
    dd = next(r for r in doc["rows"] if r["question"] == "due_diligence")
    assert dd["kappa"] == 0.0 and dd["observed_agreement"] == 0.5


def test_disagreements_in_every_format(tmp_path: Path) -> None:
    """Every pair where the engine did not give the coders' answer, with its evidence."""
    as_json = _cli("--disagreements", "--format", "json")
    assert as_json.exit_code == 0, as_json.stderr
    listed = json.loads(as_json.stdout)["disagreements"]
    keys = {(d["incident"], d["question"]) for d in listed}
    assert keys == {
        ("eurepoc:2", "sovereignty"),
        ("eurepoc:2", "non_intervention"),
        ("eurepoc:3", "use_of_force"),
        ("eurepoc:1", "due_diligence"),
        ("eurepoc:3", "due_diligence"),
    }
    sov = next(d for d in listed if d["question"] == "sovereignty")
    assert sov["name"] == "Proxy leak" and sov["coder"] == "yes" and sov["engine"] == "no"
    assert sov["coder_cells"] == {"IL_breach_indicator": "Sovereignty"}
    assert sov["verdicts"] == [{"subject": "ATA", "outcome": "no_violation", "missing": []}]
    assert sov["facts"]["effects.disruption"] == "none"
    assert sov["sources"]["effects.disruption"]["field"] == "disruption"
    assert sov["sources"]["attribution.level"]["source"] == "agreement"
    undetermined = next(d for d in listed if d["incident"] == "eurepoc:1")
    assert undetermined["engine"] == "undetermined" and undetermined["missing"] == [
        "territory_used"
    ]

    out_file = tmp_path / "d.csv"
    as_csv = _cli("--disagreements", "--format", "csv", "--output", str(out_file))
    assert as_csv.exit_code == 0, as_csv.stderr
    import csv

    with out_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(listed)
    first = next(r for r in rows if r["question"] == "sovereignty")
    assert first["incident"] == "eurepoc:2" and first["engine"] == "no"
    assert "effects.disruption <- disruption=none" in first["source_cells"]

    table = _cli("--disagreements")
    assert table.exit_code == 0, table.stderr
    assert "eurepoc:2  Proxy leak" in table.stdout
    assert "effects.disruption = none  <- disruption: none" in table.stdout


def test_report_as_csv() -> None:
    result = _cli("--format", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "question,rule,basis,coded,coder yes/no,engine yes,engine no,undet.,n.a."
    )
    assert len(lines) == 1 + len(QUESTIONS)


def test_cli_table_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        app, ["agreement", str(DATA / "coded.csv"), "--rulebooks", str(RULEBOOKS), "--no-shipped"]
    )
    assert ok.exit_code == 0, ok.stderr
    assert "Sovereignty" in ok.stdout and "n.a." in ok.stdout
    assert "Not compared: state_responsibility_indicator" in ok.stdout
    assert "3 incidents carry coder judgement" in ok.stderr
    absent = runner.invoke(
        app, ["agreement", str(tmp_path / "x.csv"), "--rulebooks", str(RULEBOOKS), "--no-shipped"]
    )
    assert absent.exit_code == 1 and "no such file" in absent.stderr
    bad_pos = runner.invoke(
        app,
        [
            "agreement",
            str(DATA / "coded.csv"),
            "--rulebooks",
            str(RULEBOOKS),
            "--no-shipped",
            "--position",
            "FRA",
        ],
    )
    assert bad_pos.exit_code == 1 and "no position of 'FRA'" in bad_pos.stderr
    lang = Path(__file__).resolve().parents[1] / "data" / "lang"
    no_rules = runner.invoke(
        app, ["agreement", str(DATA / "coded.csv"), "--rulebooks", str(lang), "--no-shipped"]
    )
    assert no_rules.exit_code == 1 and "il.sovereignty" in no_rules.stderr
