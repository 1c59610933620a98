"""Fact schema v2 in every back end: the new lists of records (knowledge, measures, claims...),
nested lists inside them (``attribution.claims[*].basis``), and the derived subject list
``requested_states`` give the same verdicts and ``missing`` lists in the interpreter, the
generated Python and DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.strategies import incidents_v2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulk.agreement import assert_agree
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import Rulebooks, load_rulebooks

BATCHES = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

V2_PACKAGE = """\
package: v2facts
version: 1.0.0
title: Rules over the fact schema v2 lists (test)
forum: test
rules:
  - id: v2.claimed
    title: a government claimed the subject did it on technical grounds
    kind: norm
    subject: attribution.state
    source: test
    text: (test) nested lists of records inside a group, and a list inside each record
    violated_when: >-
      any(c.attributed_state == subject and c.by_actor_type == "government"
          and any(b == "technical" for b in c.basis)
          for c in attribution.claims)
  - id: v2.requested
    title: the requested state knew and took no reasonable measure
    kind: norm
    subject: requested_states
    source: test
    text: (test) the derived subject list and three top-level lists of records
    applies_when: any(r.to_state == subject and r.answer != "acted" for r in requests)
    violated_when: >-
      any(k.state == subject and k.kind == "actual" for k in knowledge)
      and not any(m.state == subject and m.reasonable == True for m in measures)
      and count(vulnerabilities) >= 0
  - id: v2.location
    title: a target located elsewhere than its owner's state
    kind: norm
    subject: attribution.state
    source: test
    text: (test) target location beside country, effects and intent v2
    violated_when: >-
      any(t.location != t.country and t.owner == "private" for t in targets)
      and (effects.loss_of_function in {"repair", "permanent"} or intent.damage_ci == True)
"""


def _books(tmp_path: Path) -> Rulebooks:
    pkg = tmp_path / "v2facts"
    pkg.mkdir()
    (pkg / "package.yaml").write_text(V2_PACKAGE, encoding="utf-8")
    return load_rulebooks(tmp_path)


def _numbered(raws: list[dict[str, Any]]) -> list[Incident]:
    return [Incident.model_validate({**raw, "id": f"v2-{n}"}) for n, raw in enumerate(raws)]


def test_nested_lists_of_records_in_any(tmp_path: Path) -> None:
    books = _books(tmp_path)
    claimed = Incident.model_validate(
        {
            "id": "claims",
            "attribution": {
                "state": "RUS",
                "claims": [
                    {"by_state": "GBR", "by_actor_type": "government", "attributed_state": "RUS",
                     "basis": ["intelligence", "technical"]},
                ],
            },
            "requests": [{"from_state": "EST", "to_state": "RUS", "answer": "refused"}],
            "knowledge": [{"state": "RUS", "kind": "actual"}],
            "measures": [],
            "vulnerabilities": [],
        }
    )  # fmt: skip
    assert_agree(books, [claimed])
    from cybernorms.engine import Evaluator

    got = {
        (v.rule, v.subject): v.outcome.label for v in Evaluator(books.packages).verdicts(claimed)
    }
    assert got[("v2.claimed", "RUS")] == "violation"
    assert got[("v2.requested", "RUS")] == "violation"


@BATCHES
@given(raws=st.lists(incidents_v2(), min_size=1, max_size=20))
def test_duckdb_agrees_on_generated_v2_incidents(
    tmp_path_factory: Any, raws: list[dict[str, Any]]
) -> None:
    books = _books(tmp_path_factory.mktemp("v2"))
    assert_agree(books, _numbered(raws))


# The shipped rulebooks with every position make one large query per batch (seconds to
# compile whatever the number of rows; each row costs little): two large batches.
SHIPPED_BATCHES = settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SHIPPED_BATCHES
@given(raws=st.lists(incidents_v2(), min_size=1, max_size=120))
def test_duckdb_agrees_on_generated_v2_incidents_shipped_rules(
    shipped: Rulebooks, raws: list[dict[str, Any]]
) -> None:
    assert_agree(shipped, _numbered(raws), positions=shipped.positions)
