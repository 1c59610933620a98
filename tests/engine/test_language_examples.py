"""The language's meaning, specified by examples (tests/data/lang/lang/examples.yaml)."""

from __future__ import annotations

from cybernorms.engine.examples import run_examples
from cybernorms.rules.catalog import Rulebooks


def test_every_language_example_holds(lang_books: Rulebooks) -> None:
    results = run_examples(lang_books)
    assert len(results) >= 20
    failures = [f"{r.where} {r.example}: {r.problem}" for r in results if not r.ok]
    assert failures == []


def test_defaults_are_traced_as_defaults(lang_books: Rulebooks) -> None:
    from cybernorms.engine import Evaluator
    from cybernorms.model.facts import Incident

    incident = Incident.model_validate(
        {
            "id": "x",
            "attribution": {"state": "RUS", "level": "direct"},
            "targets": [{"country": "UKR", "sector": "energy"}],
            "effects": {"disruption": "long"},
        }
    )
    verdict = next(
        v for v in Evaluator(lang_books.packages).verdicts(incident) if v.rule == "lang.ci"
    )
    assert verdict.profiles == ("UKR@default",)
    trace = verdict.to_json()["trace"]
    assert '"profile": "UKR@default"' in __import__("json").dumps(trace)
