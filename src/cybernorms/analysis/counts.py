"""How often a position departs from its package on real incidents.

The solver shows that a position and its package can disagree (with a minimal witness); a
reader also wants to know how often they do on the incidents at hand, e.g. the 1,643 EuRepoC
incidents. That is plain evaluation, not solving: both readings are evaluated with the fast
path and compared verdict by verdict (rule, subject).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from cybernorms.analysis.findings import Finding
from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.readers import is_reading_basis
from cybernorms.rules.package import Package, Position


def disagreements(
    packages: Sequence[Package],
    positions: Sequence[Position],
    profiles: Iterable[Profile],
    incidents: Sequence[Incident],
) -> dict[tuple[str, str], int]:
    """(position basis, rule id) -> number of incidents on which some verdict of the rule under
    the position has another outcome than under the package, for the same subject."""
    evaluator = Evaluator(packages, profiles, positions)
    package_basis = {r.id: p.basis for p in packages for r in p.rules}
    found: dict[tuple[str, str], int] = defaultdict(int)
    for incident in incidents:
        base: dict[tuple[str, str | None], int] = {}
        lens: dict[tuple[str, str], dict[tuple[str, str | None], int]] = defaultdict(dict)
        for basis, rule, subject, code in evaluator.outcomes(incident):
            if is_reading_basis(basis):
                lens[(basis, rule)][(rule, subject)] = code
            elif package_basis.get(rule) == basis:
                base[(rule, subject)] = code
        for key, verdicts in lens.items():
            if any(base.get(k) != code for k, code in verdicts.items()):
                found[key] += 1
    return dict(found)


def add_counts(findings: Iterable[Finding], counts: dict[tuple[str, str], int], total: int) -> None:
    """Fill ``count`` of every position-diff finding: "N of TOTAL incidents"."""
    for finding in findings:
        if finding.kind != "position_diff":
            continue
        basis = finding.scope.rsplit(" + ", 1)[-1]
        for rule in finding.rules:
            finding.count = (
                f"outcome differs on {counts.get((basis, rule), 0)} of {total} incidents"
            )
