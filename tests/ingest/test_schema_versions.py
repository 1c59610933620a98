"""Fact schema v2 and v1 files: what loads, what is mapped, what is refused (docs/fact-schema.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from engine.strategies import incidents_v2
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError
from typer.testing import CliRunner

from cybernorms.cli.app import app
from cybernorms.ingest.files import read_incident_file
from cybernorms.model.documents import DocumentError
from cybernorms.model.facts import SCHEMA_VERSION, Incident
from cybernorms.model.schema_versions import unknown_in_v1, v2_fields

REPO = Path(__file__).resolve().parents[2]

V1 = """\
id: old
attribution: {state: RUS, level: direct}
requests:
  - {from_state: EST, to_state: RUS, kind: criminal_cooperation, answered: false,
     about_critical_infrastructure: true}
  - {from_state: EST, to_state: FIN, kind: assistance, answered: true}
"""

V2 = """\
schema: cybernorms.incident/2
id: new
attribution:
  state: RUS
  level: indirect
  link: directed_or_controlled
  claims:
    - {by_state: GBR, by_actor_type: government, attributed_state: RUS, date: 2022-04-14,
       basis: [intelligence], confidence: high, legal_claim: false}
targets:
  - {country: UKR, location: FRA, sector: telecom, owner: private, cert_id: null}
requests:
  - {from_state: EST, to_state: RUS, kind: mla, channel: mla_authority, date: 2007-05-10,
     about_ci: true, appropriate: true, answer: refused, answer_date: 2007-06-01,
     refusal_ground: other}
knowledge: [{state: RUS, kind: actual, date: 2007-05-10, source: victim_notice}]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(DocumentError) as info:
        read_incident_file(path)
    return [str(p) for p in info.value.problems]


def test_a_v2_file_loads_every_v2_fact_and_no_note(tmp_path: Path) -> None:
    read = read_incident_file(write(tmp_path, "v2.yaml", V2))
    assert read.notes == []
    (inc,) = read.incidents
    assert inc.attribution.link == "directed_or_controlled"
    assert inc.attribution.claims is not None and inc.attribution.claims[0].by_state == "GBR"
    assert inc.targets is not None and inc.targets[0].location == "FRA"
    assert inc.requests is not None and inc.requests[0].answer == "refused"
    assert inc.requested_states == ["RUS"]  # derived: the receivers, usable as a rule subject
    assert inc.knowledge is not None and inc.knowledge[0].kind == "actual"


def test_a_v1_file_is_mapped_and_its_note_names_the_unknown_v2_facts(tmp_path: Path) -> None:
    read = read_incident_file(write(tmp_path, "v1.yaml", V1))
    (inc,) = read.incidents
    assert inc.requests is not None
    first, second = inc.requests
    assert (first.answer, first.about_ci) == ("none", True)
    # v1 "answered: true" only says a reply came: the weakest reply, never "acted"
    assert second.answer == "acknowledged"
    assert inc.provenance["requests[1].answer"].value == "true"
    (note,) = read.notes
    assert "1 incident(s) in fact schema v1" in note
    for name in ("intent", "knowledge", "attribution.link", "targets[*].location", "responses"):
        assert re.search(rf"(: |, ){re.escape(name)}(,|;| \()", note), name
    assert "1 request(s) with v1 'answered: true' read as answer 'acknowledged'" in note


def test_the_v1_note_is_shown_by_check_and_evaluate(tmp_path: Path) -> None:
    path = write(tmp_path, "v1.yaml", V1)
    checked = CliRunner().invoke(app, ["check", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "in fact schema v1" in checked.output and "intent" in checked.output
    evaluated = CliRunner().invoke(app, ["evaluate", str(path), "-f", "json"])
    assert evaluated.exit_code == 0, evaluated.output
    assert "in fact schema v1" in evaluated.stderr
    json.loads(evaluated.stdout)  # the note never spoils the machine-readable output


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (V2.replace("answer: refused", "answered: true"), "requests[0].answered",
         "a fact schema v1 name in a cybernorms.incident/2 file (v2 says answer)"),
        (V2.replace("about_ci: true", "about_critical_infrastructure: true"),
         "requests[0].about_critical_infrastructure", "v2 says about_ci"),
        (V1 + "intent: {purpose: espionage}\n", "intent",
         "a fact schema v2 field in a v1 file: add 'schema: cybernorms.incident/2'"),
        (V1.replace("answered: false", "answer: none"), "requests[0].answer",
         "a fact schema v2 field in a v1 file"),
        (V1.replace("level: direct}", "level: direct, link: organ}"), "attribution.link",
         "a fact schema v2 field in a v1 file"),
    ],
)  # fmt: skip
def test_a_file_mixing_v1_and_v2_is_refused_naming_the_field(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    (problem,) = problems(write(tmp_path, "mixed.yaml", text))
    assert f": {where}: " in problem and message in problem
    assert re.match(rf"{re.escape(str(tmp_path))}/mixed.yaml:\d+:\d+: ", problem), problem


def test_an_unknown_schema_is_refused(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, "s.yaml", V2.replace("incident/2", "incident/9")))
    assert "schema: 'cybernorms.incident/9' is not a fact schema" in problem


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end_date": "2020-01-01", "start_date": "2021-01-01"}, "end_date 2020-01-01 is before start_date"),
        ({"effects": {"casualties": -1}}, "effects.casualties: Input should be greater than or equal to 0"),
        ({"effects": {"loss_of_function": "broken"}}, "effects.loss_of_function: Input should be"),
        ({"targets": [{"location": "XXX"}]}, "targets.0.location: Value error, unknown state code 'XXX'"),
        ({"requests": [{"from_state": "EST", "to_state": "EST"}]},
         "requests.0: Value error, to_state: EST cannot send a request to itself"),
        ({"requests": [{"date": "2020-02-01", "answer_date": "2020-01-01"}]},
         "requests.0: Value error, answer_date: 2020-01-01 is before the request's date"),
        ({"territory_used": ["RUS"], "territory_roles": [{"state": "CHN", "role": "transit"}]},
         "territory_roles[0].state: CHN is not in territory_used"),
        ({"targets": [{"country": "BEL", "org": "EU"}]}, "targets[0].org: a target is a state's"),
        ({"start_date": "2021-01-01", "responses": [{"by_state": "USA", "date": "2020-01-01"}]},
         "responses[0].date: 2020-01-01 is before start_date 2021-01-01"),
        ({"effects": {"economic_loss_currency": "XYZ"}}, "unknown currency code 'XYZ'"),
        ({"requests": [{"to_state": "RUS"}], "requested_states": ["USA"]},
         "requested_states: ['USA'] differs from the receivers of requests[*].to_state"),
    ],
)  # fmt: skip
def test_each_validation_rule_names_its_field(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Incident.model_validate({"id": "x", **change})
    shown = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in info.value.errors()]
    assert any(message in line for line in shown), shown


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=incidents_v2())
def test_a_v2_incident_round_trips_through_json(raw: dict[str, object]) -> None:
    incident = Incident.model_validate(raw)
    again = Incident.model_validate_json(incident.model_dump_json())
    assert again == incident
    document = {"schema": SCHEMA_VERSION, **json.loads(incident.model_dump_json())}
    assert Incident.model_validate(document) == incident


def test_docs_fact_schema_names_every_field() -> None:
    """docs/fact-schema.md is the schema's reference: every field path is in it (no drift)."""
    text = (REPO / "docs" / "fact-schema.md").read_text(encoding="utf-8")
    absent = [p for p in v2_fields() if f"`{p}`" not in text]
    assert absent == [], f"docs/fact-schema.md does not document {absent}"
    for path in unknown_in_v1():
        assert path in text


def test_the_shipped_curated_incidents_are_v2() -> None:
    for f in sorted((REPO / "examples" / "incidents").glob("*.yaml")):
        assert read_incident_file(f).notes == [], f
