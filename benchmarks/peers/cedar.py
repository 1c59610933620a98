"""Cedar (through cedarpy) as a peer: requests built from incidents, batch evaluation.

Why the requests look like this: Cedar decides one (principal, action, resource, context)
request at a time, so one request is one decision - principal = the subject (the state
judged), action = the rule, resource = the incident. Unknown facts are absent context
attributes (``engine.cedar`` guards every read with ``has``). Cedar cannot quantify over a
list of records, so the per-target facts are flattened into sets here, outside the timed
region; that flattening is work our engine does inside its timed region, so it counts in
Cedar's favour.

Everything that does not depend on the evaluation - the policy set, the entity holding the
defaults' critical sectors, the requests with their context already serialised to JSON - is
prepared once; ``decide`` times only ``cedarpy.is_authorized_batch`` (which includes the
binding's own decoding of each answer from JSON) and the mapping of its answer to an outcome.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import cedarpy

from benchmarks.peers import HERE, OUTCOMES, RULE_IDS
from cybernorms.model.facts import Incident

POLICY_FILE = HERE / "engine.cedar"


def context_of(incident: Incident) -> dict[str, Any]:
    """The facts the benchmark rules read, as Cedar context attributes (absent = unknown)."""
    ctx: dict[str, Any] = {}
    a, e = incident.attribution, incident.effects
    if a.state is not None:
        ctx["subject"] = a.state
    if a.level is not None:
        ctx["level"] = a.level
    if e.physical is not None:
        ctx["physical"] = e.physical
    if e.disruption is not None:
        ctx["disruption"] = e.disruption
    if e.casualties is not None:
        ctx["casualties"] = e.casualties
    if e.loss_of_function is not None:
        ctx["loss_of_function"] = e.loss_of_function
    targets = incident.targets
    if targets is not None:
        countries = [t.country for t in targets]
        ctx["n_targets"] = len(targets)
        ctx["target_countries"] = sorted({c for c in countries if c is not None})
        ctx["countries_complete"] = None not in countries
        ctx["ci_sectors"] = sorted(
            {t.sector for t in targets if t.country is not None and t.sector is not None}
        )
        ctx["sectors_complete"] = all(
            t.country is not None and t.sector is not None for t in targets
        )
    return ctx


class CedarPeer:
    """The policy set of ``engine.cedar``, parsed once, with the defaults as an entity."""

    def __init__(self, critical_sectors: Iterable[str]) -> None:
        text = POLICY_FILE.read_text(encoding="utf-8")
        self.policies = cedarpy.PolicySet.from_str(text)
        parsed = json.loads(cedarpy.policies_to_json_str(text))["staticPolicies"]
        # Cedar names policies policy0, policy1, ...; the @id annotation says RULE/OUTCOME.
        self.outcome_of: dict[str, tuple[str, int]] = {}
        for policy_id, policy in parsed.items():
            rule, _, outcome = policy["annotations"]["id"].partition("/")
            self.outcome_of[policy_id] = (rule, OUTCOMES[outcome])
        profile = {
            "uid": {"type": "Profile", "id": "default"},
            "attrs": {"critical_sectors": sorted(critical_sectors)},
            "parents": [],
        }
        self.entities = cedarpy.Entities.from_json_str(json.dumps([profile]))

    @staticmethod
    def requests(
        incidents: Sequence[Incident], rules: Sequence[str] = RULE_IDS
    ) -> list[dict[str, Any]]:
        """One request per (incident, rule), in that order; the context is pre-serialised."""
        out: list[dict[str, Any]] = []
        for incident in incidents:
            subject = incident.attribution.state
            principal = f'State::"{subject}"' if subject else 'Unknown::"subject"'
            resource = f"Incident::{json.dumps(incident.id)}"
            context = json.dumps(context_of(incident))
            for rule in rules:
                out.append(
                    {
                        "principal": principal,
                        "action": f'Action::"{rule}"',
                        "resource": resource,
                        "context": context,
                    }
                )
        return out

    def decide(self, requests: list[dict[str, Any]]) -> list[int]:
        """Outcome codes, one per request (``-1`` where no or several outcome policies fire)."""
        results = cedarpy.is_authorized_batch(requests, self.policies, self.entities)
        outcome_of = self.outcome_of
        codes: list[int] = []
        for result in results:
            reasons = result.diagnostics.reasons
            codes.append(outcome_of[reasons[0]][1] if len(reasons) == 1 else -1)
        return codes
