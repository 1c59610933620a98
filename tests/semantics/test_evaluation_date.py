"""The evaluation date is a parameter of each evaluation, never frozen when the evaluator is
built: one evaluator (a long-running service) gives answers for the date it is asked about,
and, asked about no date, for the day of the call."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import Rulebooks

from .conftest import QUANTIFIERS

LATE = """
  - id: q.recent
    title: the incident began within a year of the evaluation date
    kind: norm
    subject: attribution.state
    source: test
    text: (test) as_of
    violated_when: days_between(start_date, as_of) <= 365
"""


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Rulebooks:
    from cybernorms.rules.catalog import load_rulebooks

    root = tmp_path_factory.mktemp("dated")
    (root / "quant").mkdir()
    (root / "quant" / "package.yaml").write_text(QUANTIFIERS + LATE)
    return load_rulebooks(root, with_examples=False)


engine_module = importlib.import_module("cybernorms.engine.evaluate")

INCIDENT = Incident.model_validate(
    {"id": "dated", "start_date": "2024-03-01", "attribution": {"state": "RUS"}}
)


def _recent(ev: Evaluator, as_of: dt.date | None) -> tuple[str, int]:
    traced = next(v for v in ev.verdicts(INCIDENT, as_of) if v.rule == "q.recent")
    code = next(c for _, rule, _, c in ev.outcomes(INCIDENT, as_of) if rule == "q.recent")
    return traced.outcome.label, code


@pytest.mark.parametrize("reference", [False, True])
def test_one_evaluator_answers_for_the_date_it_is_asked_about(
    dated: Rulebooks, reference: bool
) -> None:
    ev = Evaluator(dated.packages, reference=reference)
    assert _recent(ev, dt.date(2024, 12, 1)) == ("violation", 3)
    assert _recent(ev, dt.date(2026, 1, 1)) == ("no_violation", 1)
    assert _recent(ev, dt.date(2024, 12, 1)) == ("violation", 3)


class _Clock:
    """Stands in for ``datetime`` in ``engine.evaluate``: a ``date.today()`` we can move."""

    def __init__(self, today: dt.date) -> None:
        self.today_is = today
        clock = self

        class _Date(dt.date):
            @classmethod
            def today(cls) -> dt.date:
                return clock.today_is

        self.date = _Date


def test_without_a_date_each_call_reads_the_day_of_the_call(
    dated: Rulebooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = _Clock(dt.date(2024, 6, 1))
    monkeypatch.setattr(engine_module, "dt", clock)
    ev = Evaluator(dated.packages)  # built "in 2024"
    assert _recent(ev, None) == ("violation", 3)
    clock.today_is = dt.date(2030, 6, 1)  # the same evaluator, years later
    assert _recent(ev, None) == ("no_violation", 1)
