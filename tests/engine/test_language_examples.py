"""The language's meaning, specified by examples (tests/data/lang/lang/examples.yaml)."""

from __future__ import annotations

import json

from cybernorms.engine import Evaluator
from cybernorms.engine.examples import run_examples
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Outcome, Verdict
from cybernorms.rules.catalog import Rulebooks, load_rulebooks


def test_every_language_example_holds(lang_books: Rulebooks) -> None:
    results = run_examples(lang_books)
    assert len(results) >= 20
    failures = [f"{r.where} {r.example}: {r.problem}" for r in results if not r.ok]
    assert failures == []


def test_every_stance_example_holds(lang_books: Rulebooks) -> None:
    """Position LVA's agrees / holds_open / no_rule / open_when, by example
    (tests/data/stances)."""
    books = load_rulebooks([lang_books.root, lang_books.root.parent / "stances"])
    results = [r for r in run_examples(books) if r.owner == "position:LVA"]
    assert len(results) == 16
    assert [f"{r.where} {r.example}: {r.problem}" for r in results if not r.ok] == []


def _ci_verdict(books: Rulebooks, country: str, *, assume: bool) -> Verdict:
    incident = Incident.model_validate(
        {
            "id": "x",
            "attribution": {"state": "RUS", "level": "direct"},
            "targets": [{"country": country, "sector": "energy"}],
            "effects": {"disruption": "long"},
        }
    )
    verdicts = Evaluator(books.packages, books.profiles, assume_defaults=assume).verdicts(incident)
    return next(v for v in verdicts if v.rule == "lang.ci")


def test_an_unpublished_parameter_is_unknown_and_named(lang_books: Rulebooks) -> None:
    verdict = _ci_verdict(lang_books, "MDA", assume=False)
    assert verdict.outcome is Outcome.UNDETERMINED
    assert verdict.missing == ("profile(MDA).critical_sectors",)
    assert verdict.profiles == ("MDA@unpublished",)
    assert verdict.basis == "consensus"
    assert '"profile": "MDA@unpublished"' in json.dumps(verdict.to_json()["trace"])


def test_defaults_decide_only_when_assumed_and_say_so(lang_books: Rulebooks) -> None:
    verdict = _ci_verdict(lang_books, "MDA", assume=True)
    assert verdict.outcome is Outcome.VIOLATION
    assert verdict.basis == "consensus+assumed:defaults"
    assert verdict.profiles == ("MDA@assumed:defaults",)
    assert '"profile": "MDA@assumed:defaults"' in json.dumps(verdict.to_json()["trace"])
    # the state's own profile decides as before: the assumption neither applies nor is named
    own = _ci_verdict(lang_books, "UKR", assume=True)
    assert (own.outcome, own.basis, own.profiles) == (Outcome.VIOLATION, "consensus", ("UKR@1",))
