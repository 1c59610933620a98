"""Every incident where the coders and the engine differ, with what decided the engine.

A disagreement is a pair of a table row (``compare.Row``) where the engine did not give the
coders' answer: it said the opposite, or it is undetermined, or the rule is not applicable. For
each, the engine's verdicts on the act-level hypothesis (``compare.as_foreign_state_act``) are
evaluated again with their traces, and the listing shows what a reader needs to check the case
without running anything: the coders' cells, the engine's outcome per subject, the facts the
verdicts read with their values, the facts whose absence left them open (``missing``), and the
source cells the importer kept for those facts (provenance)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cybernorms.agreement.coding import coding_of
from cybernorms.agreement.compare import Answer, Report, agrees, as_foreign_state_act
from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Verdict

SUBJECT_FACT = "subject"


@dataclass(frozen=True)
class Disagreement:
    """One incident on one question and basis where the engine did not give the coders'
    answer."""

    incident: str
    name: str | None
    question: str
    rule: str
    basis: str
    coder: bool
    coder_cells: dict[str, str]
    engine: Answer
    verdicts: list[dict[str, Any]]  # {subject, outcome, missing} per subject
    facts: dict[str, Any]  # fact path -> value read
    missing: list[str]
    sources: dict[str, dict[str, str]]  # fact path -> {source, field, value}

    def to_json(self) -> dict[str, Any]:
        return {
            "incident": self.incident,
            "name": self.name,
            "question": self.question,
            "rule": self.rule,
            "basis": self.basis,
            "coder": "yes" if self.coder else "no",
            "coder_cells": self.coder_cells,
            "engine": self.engine.value,
            "verdicts": self.verdicts,
            "facts": self.facts,
            "missing": self.missing,
            "sources": self.sources,
        }


def disagreements(
    report: Report,
    incidents: Iterable[Incident],
    evaluator: Evaluator,
    *,
    as_of: dt.date | None = None,
) -> list[Disagreement]:
    """The disagreements of ``report``, in table order then incident order, explained from the
    traced verdicts of the same evaluator (on the same hypothesis) that gave the report."""
    by_id = {i.id: i for i in incidents}
    traced: dict[str, list[Verdict]] = {}
    out: list[Disagreement] = []
    for row in report.rows:
        q = row.question
        for pair in row.pairs:
            if agrees(pair.coder, pair.engine):
                continue
            incident = by_id[pair.incident]
            if incident.id not in traced:
                traced[incident.id] = evaluator.verdicts(as_foreign_state_act(incident), as_of)
            found = [v for v in traced[incident.id] if v.rule == q.rule and v.basis == row.basis]
            coding = coding_of(incident.annotations)
            facts, sources = _read(found)
            out.append(
                Disagreement(
                    incident=incident.id,
                    name=incident.name,
                    question=q.key,
                    rule=q.rule,
                    basis=row.basis,
                    coder=pair.coder,
                    coder_cells={c: coding.get(c, "") for c in q.columns},
                    engine=pair.engine,
                    verdicts=[
                        {
                            "subject": v.subject,
                            "outcome": v.outcome.label,
                            "missing": list(v.missing),
                        }
                        for v in found
                    ],
                    facts=facts,
                    missing=sorted({m for v in found for m in v.missing}),
                    sources=sources,
                )
            )
    return out


def _read(verdicts: Iterable[Verdict]) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """The facts the verdicts' traces read (path -> value; the rule's subject left out, it is
    shown per verdict) and the source cells kept for them."""
    facts: dict[str, Any] = {}
    sources: dict[str, dict[str, str]] = {}
    for verdict in verdicts:
        trace = verdict.to_json(with_trace=True).get("trace")
        for node in _nodes(trace):
            fact = node.get("fact")
            if not isinstance(fact, str) or fact == SUBJECT_FACT:
                continue
            facts.setdefault(fact, node.get("value"))
            source = node.get("source")
            if isinstance(source, Mapping):
                sources.setdefault(fact, {str(k): str(v) for k, v in source.items()})
    return facts, sources


def _nodes(trace: object) -> Iterator[Mapping[str, Any]]:
    stack = [trace]
    while stack:
        node = stack.pop()
        if not isinstance(node, Mapping):
            continue
        yield node
        children = node.get("children")
        if isinstance(children, list):
            stack.extend(reversed(children))


def value_text(value: object) -> str:
    """A fact value on one line (lists and records as compact JSON)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
