"""The comparison on our hand-made CSV (tests/data/agreement), with answers worked out by hand.

coded.csv has five invented incidents; the stand-in package il-test has simple criteria. Per
question, the coder answer and the engine answer of incidents 1-4 (5 has no coding):

| question             | 1 (RUS direct)  | 2 (CHN indirect) | 3 (TUR group) | 4 (unknown)     |
|----------------------|-----------------|------------------|---------------|-----------------|
| state responsibility | yes / yes       | yes / yes        | no / no       | - (not avail.)  |
| sovereignty          | yes / yes       | yes / no         | no / no (n/a) | -               |
| non-intervention     | no / no         | no / yes         | no / no       | -               |
| use of force         | yes / yes       | no / no          | no / no       | -               |
| due diligence        | no / undet.     | no / no          | yes / no      | -               |
| legal response       | yes / yes       | yes / no         | no / no       | no / no         |

Under the test position GBR (misuse counts against sovereignty), incident 2 becomes yes for
sovereignty and, through breached(), for countermeasures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybernorms.agreement import coded_incidents, compare
from cybernorms.agreement.compare import engine_answer
from cybernorms.cli.app import app
from cybernorms.engine import Evaluator
from cybernorms.ingest.eurepoc import import_eurepoc
from cybernorms.model.verdict import Outcome
from cybernorms.rules.catalog import load_rulebooks

DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"
RULEBOOKS = DATA / "rulebooks"

# question -> (coded, engine yes, no, undetermined, both, (yy, yn, ny, nn), agreement, kappa)
EXPECTED = {
    ("state_responsibility", "restatement"): (3, 2, 1, 0, 3, (2, 0, 0, 1), 1.0, 1.0),
    ("sovereignty", "restatement"): (3, 1, 2, 0, 3, (1, 1, 0, 1), 2 / 3, 0.4),
    ("sovereignty", "position:GBR"): (3, 2, 1, 0, 3, (2, 0, 0, 1), 1.0, 1.0),
    ("non_intervention", "restatement"): (3, 1, 2, 0, 3, (0, 0, 1, 2), 2 / 3, 0.0),
    ("use_of_force", "restatement"): (3, 1, 2, 0, 3, (1, 0, 0, 2), 1.0, 1.0),
    ("due_diligence", "restatement"): (3, 0, 2, 1, 2, (0, 1, 0, 1), 0.5, 0.0),
    ("legal_response", "restatement"): (4, 1, 3, 0, 4, (1, 1, 0, 2), 0.75, 0.5),
    ("legal_response", "position:GBR"): (4, 2, 2, 0, 4, (2, 0, 0, 2), 1.0, 1.0),
}


def test_table_matches_hand_computation() -> None:
    books = load_rulebooks(RULEBOOKS, with_examples=False)
    evaluator = Evaluator(books.packages, books.profiles, [books.position("GBR")])
    incidents = import_eurepoc(DATA / "coded.csv").incidents
    coded = coded_incidents(incidents)
    assert [i.id for i in coded] == ["eurepoc:1", "eurepoc:2", "eurepoc:3", "eurepoc:4"]
    basis = {r.id: "restatement" for p in books.packages for r in p.rules}
    report = compare(coded, evaluator, basis, ["GBR"])
    assert report.incidents == 4
    got = {(r.question, r.basis): r for r in report.rows}
    assert list(got) == list(EXPECTED)  # order: question, then package before positions
    for key, (coded_n, yes, no, und, both, conf, agree, kappa) in EXPECTED.items():
        r = got[key]
        c = r.confusion
        assert (r.coded, r.engine_yes, r.engine_no, r.engine_undetermined) == (
            coded_n,
            yes,
            no,
            und,
        ), key
        assert r.both_decided == both
        assert (c.yes_yes, c.yes_no, c.no_yes, c.no_no) == conf, key
        assert r.agreement == pytest.approx(agree), key
        assert r.kappa == pytest.approx(kappa), key


def test_engine_never_sees_the_coding() -> None:
    """Same verdicts whatever the coders wrote: compare hands the engine blind copies."""
    books = load_rulebooks(RULEBOOKS, with_examples=False)
    evaluator = Evaluator(books.packages, books.profiles)
    for incident in import_eurepoc(DATA / "coded.csv").incidents:
        blind = incident.model_copy(update={"annotations": {}})
        assert evaluator.outcomes(incident) == evaluator.outcomes(blind)


def test_engine_answer_aggregates_subjects() -> None:
    V, N, U, A = (
        Outcome.VIOLATION,
        Outcome.NO_VIOLATION,
        Outcome.UNDETERMINED,
        Outcome.NOT_APPLICABLE,
    )
    assert engine_answer([N, V, U]) is True
    assert engine_answer([N, A]) is False
    assert engine_answer([N, U]) is None
    assert engine_answer([]) is None


def test_cli_json_is_stable() -> None:
    result = CliRunner().invoke(
        app,
        [
            "agreement",
            str(DATA / "coded.csv"),
            "--rulebooks",
            str(RULEBOOKS),
            "--no-shipped",
            "--position",
            "gbr",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc) == ["file", "import", "positions", "incidents_compared", "rows"]
    assert doc["import"]["rows"] == 5 and doc["import"]["imported"] == 5
    assert doc["positions"] == ["GBR"]
    first = doc["rows"][0]
    assert list(first) == [
        "question",
        "title",
        "rule",
        "basis",
        "coded",
        "coder",
        "engine",
        "both_decided",
        "observed_agreement",
        "kappa",
        "confusion",
    ]
    assert first["engine"] == {"yes": 2, "no": 1, "undetermined": 0}
    assert first["confusion"] == {
        "coder_yes_engine_yes": 2,
        "coder_yes_engine_no": 0,
        "coder_no_engine_yes": 0,
        "coder_no_engine_no": 1,
    }
    dd = next(r for r in doc["rows"] if r["question"] == "due_diligence")
    assert dd["kappa"] == 0.0 and dd["observed_agreement"] == 0.5


def test_cli_table_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["agreement", str(DATA / "coded.csv"), "--rulebooks", str(RULEBOOKS), "--no-shipped"])
    assert ok.exit_code == 0, ok.stderr
    assert "Sovereignty" in ok.stdout and "il.countermeasures" in ok.stdout
    assert "4 incidents carry coder judgement" in ok.stderr
    absent = runner.invoke(
        app, ["agreement", str(tmp_path / "x.csv"), "--rulebooks", str(RULEBOOKS), "--no-shipped"]
    )
    assert absent.exit_code == 1 and "no such file" in absent.stderr
    bad_pos = runner.invoke(
        app,
        ["agreement", str(DATA / "coded.csv"), "--rulebooks", str(RULEBOOKS), "--no-shipped", "--position", "FRA"],
    )
    assert bad_pos.exit_code == 1 and "no position of 'FRA'" in bad_pos.stderr
    lang = Path(__file__).resolve().parents[1] / "data" / "lang"
    no_rules = runner.invoke(app, ["agreement", str(DATA / "coded.csv"), "--rulebooks", str(lang), "--no-shipped"])
    assert no_rules.exit_code == 1 and "il.sovereignty" in no_rules.stderr
