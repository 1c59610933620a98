"""Witness incidents: solver models turned into valid incidents, checked by the interpreter.

Why check: the SMT encoding is a second implementation of the language. A finding is reported
only if the engine's own interpreter, run on the witness, gives exactly the claimed verdicts;
otherwise the finding is withheld and reported as an internal disagreement (a bug to fix, never
a false claim). Why minimise: a model sets every fact to something; a person reads a witness
best when only the facts that matter are known, so facts are made unknown one by one as long as
the interpreter still gives the claimed verdicts.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from cybernorms.analysis.findings import Claim
from cybernorms.engine import Evaluator
from cybernorms.model.facts import DERIVED_FIELDS, Incident

# Makes one evaluator per version tag ("" for the rulebooks analysed, "old"/"new" for diff).
Evaluators = Mapping[str, Evaluator]


def claims_hold(
    evaluators: Evaluators,
    incident: Incident,
    claims: Sequence[Claim],
    as_of: dt.date | None,
    extra: Callable[[Incident], bool] | None = None,
) -> bool:
    """Whether the interpreter gives every claimed verdict on the incident."""
    by_version: dict[str, set[tuple[str, str, str | None, str]]] = {}
    for claim in claims:
        version = claim.version
        if version not in by_version:
            verdicts = evaluators[version].verdicts(incident, as_of)
            by_version[version] = {(v.basis, v.rule, v.subject, v.outcome.label) for v in verdicts}
        if (claim.basis, claim.rule, claim.subject, claim.outcome) not in by_version[version]:
            return False
    return extra(incident) if extra is not None else True


def _paths(raw: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Places that can be made unknown, lists (and their members) before scalars."""
    lists: list[tuple[Any, ...]] = []
    scalars: list[tuple[Any, ...]] = []
    for key, value in raw.items():
        if key in ("id", "schema"):  # names, not facts
            continue
        if isinstance(value, dict):
            scalars += [(key, k) for k, v in value.items() if v is not None]
        elif isinstance(value, list):
            lists.append((key,))
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    scalars += [(key, i, k) for k, v in item.items() if v is not None]
        elif value is not None:
            scalars.append((key,))
    return lists + scalars


def _without(raw: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    out = copy.deepcopy(raw)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = None
    return out


def build_witness(
    raw: dict[str, Any],
    evaluators: Evaluators,
    claims: Sequence[Claim],
    as_of: dt.date | None,
    *,
    minimize: bool,
    witness_id: str,
    extra: Callable[[Incident], bool] | None = None,
) -> Incident | None:
    """The checked (and, if asked, minimised) witness, or ``None`` if the interpreter disagrees."""
    # derived facts are recomputed by the model (and must follow what minimising removes)
    raw = {**{k: v for k, v in raw.items() if k not in DERIVED_FIELDS}, "id": witness_id}
    try:
        incident = Incident.model_validate(raw)
    except ValidationError:
        return None
    if not claims_hold(evaluators, incident, claims, as_of, extra):
        return None
    if not minimize:
        return incident
    for path in _paths(raw):
        try:
            trial = _without(raw, path)
        except (KeyError, IndexError, TypeError):
            continue
        try:
            candidate = Incident.model_validate(trial)
        except ValidationError:
            continue
        if claims_hold(evaluators, candidate, claims, as_of, extra):
            raw, incident = trial, candidate
    # shorter lists read better: drop members that do not matter
    for key in ("targets", "requests", "territory_used"):
        items = raw.get(key)
        if not isinstance(items, list):
            continue
        i = len(items) - 1
        while i >= 0:
            trial = {**raw, key: items[:i] + items[i + 1 :]}
            try:
                candidate = Incident.model_validate(trial)
            except ValidationError:
                i -= 1
                continue
            if claims_hold(evaluators, candidate, claims, as_of, extra):
                raw, incident, items = trial, candidate, trial[key]
            i -= 1
    return incident
