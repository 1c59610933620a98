"""Rego (through regorus, a Rust engine) as a peer: one ``eval_rule`` per decision.

Why per request: that is how a policy engine is called from an application (set the input,
ask for a rule), and the issue asks for it. The input is the incident itself in fact schema
v1, serialised to JSON once outside the timed region with unknown facts left out (Rego's
undefined is our unknown). Per incident the benchmark times one ``set_input_json`` and one
``eval_rule`` per rule; the input cost is shared by the incident's decisions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

import regorus

from benchmarks.peers import HERE, OUTCOMES, RULE_IDS
from cybernorms.model.facts import Incident

POLICY_FILE = HERE / "engine.rego"
PACKAGE = "data.cybernorms.bench"
# rule id -> the Rego rule that returns its outcome label
QUERIES: dict[str, str] = {
    "il.state_responsibility": f"{PACKAGE}.outcome_state_responsibility",
    "il.use_of_force": f"{PACKAGE}.outcome_use_of_force",
}


def input_json(incident: Incident) -> str:
    """The incident as Rego input: fact schema v1 JSON with unknown facts absent."""
    return json.dumps(incident.model_dump(mode="json", exclude_none=True))


class RegoPeer:
    """A regorus engine with ``engine.rego`` loaded and the defaults as data."""

    def __init__(
        self,
        critical_sectors: Iterable[str],
        profiles: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.engine = regorus.Engine()
        self.engine.add_policy(str(POLICY_FILE), POLICY_FILE.read_text(encoding="utf-8"))
        data = {
            "defaults": {"critical_sectors": sorted(critical_sectors)},
            "profiles": {s: {"critical_sectors": list(v)} for s, v in (profiles or {}).items()},
        }
        self.engine.add_data_json(json.dumps(data))

    @staticmethod
    def inputs(incidents: Sequence[Incident]) -> list[str]:
        return [input_json(i) for i in incidents]

    def decide(self, inputs: Sequence[str], rules: Sequence[str] = RULE_IDS) -> list[int]:
        """Outcome codes per (input, rule), in that order."""
        engine = self.engine
        set_input = engine.set_input_json
        eval_rule = engine.eval_rule
        queries = [QUERIES[r] for r in rules]
        codes: list[int] = []
        append = codes.append
        for text in inputs:
            set_input(text)
            for query in queries:
                append(OUTCOMES.get(eval_rule(query), -1))
        return codes
