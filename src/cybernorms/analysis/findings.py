"""What the analyses report: findings, each with the incident that demonstrates it.

A finding is a claim about a rulebook. Claims of existence ("these two rules contradict") carry
a witness incident that the interpreter was run on and gave exactly the claimed verdicts
(``expect``); claims of absence ("this rule can never be violated") rest on the solver's proof
of unsatisfiability within the documented bounds, and say so (``proof: unsat``). A solver that
ran out of budget yields a finding of kind ``unknown``, never a claim either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.verdict import Outcome, word

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Claim:
    """One verdict the witness must produce under the interpreter."""

    basis: str
    rule: str
    subject: str | None
    outcome: str  # the engine's outcome label, as the interpreter is checked against
    version: str = ""  # which rulebook version (``diff``: "old" or "new"); "" otherwise
    question: str = "breach"  # what the rule answers: how ``outcome`` reads (``word``)

    @property
    def word(self) -> str:
        """The outcome in the words of the rule's question (``attributable``, never
        ``violation``, for an attribution rule): what every report shows."""
        return word(self.question, Outcome.parse(self.outcome))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "basis": self.basis,
            "rule": self.rule,
            "subject": self.subject,
            "outcome": self.word,
        }
        if self.version:
            out["version"] = self.version
        return out


@dataclass
class Finding:
    kind: str
    severity: Severity
    scope: str  # "il-core@1.0.0" or "il-core@1.0.0 + position:GBR"
    rules: tuple[str, ...]
    message: str
    proof: Literal["witness", "unsat", "none"] = "none"
    witness: Incident | None = None
    expect: tuple[Claim, ...] = ()
    profiles: list[Profile] = field(default_factory=list)  # free-profile witnesses only
    count: str | None = None  # e.g. "37 of 1643 incidents" for a position diff

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "severity": self.severity,
            "scope": self.scope,
            "rules": list(self.rules),
            "message": self.message,
            "proof": self.proof,
        }
        if self.witness is not None:
            out["witness"] = self.witness.model_dump(
                mode="json", exclude_none=True, exclude_defaults=True
            )
            out["expect"] = [c.to_json() for c in self.expect]
        if self.profiles:
            out["profiles"] = [p.model_dump(mode="json", exclude_none=True) for p in self.profiles]
        if self.count is not None:
            out["count"] = self.count
        return out


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    solver_calls: int = 0
    seconds: float = 0.0

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.scope, f.rules))

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [f.to_json() for f in self.sorted()],
            "solver_calls": self.solver_calls,
            "seconds": round(self.seconds, 3),
            "errors": sum(f.severity == "error" for f in self.findings),
        }
