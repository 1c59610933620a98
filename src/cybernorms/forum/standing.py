"""What the engine gains from the record: which package versions bind whom, on what basis.

Two pure functions over a ``ForumState`` (itself a fold of a log prefix), for the engine and
store integration that follows:

- ``packages_as_of(record, on, state)``: the package versions a forum adopted that are in
  force for ``state`` on ``on``, each with the forum and the log index of the decision
  (a verdict's trace cites it), and the state's disassociations or reservations;
- ``basis_of(record, content_hash, declared)``: ``consensus`` only when that exact content
  hash has a decision adopting it without a vote on the log; otherwise the package's own
  declared non-consensus basis (a package that declares ``consensus`` without a decision is
  a ``proposal``). ``basis: consensus`` in a YAML file is thereby a claim, never a fact;
- ``consents_of(record, package, content_hash)``: for a treaty version, each state's
  consent with the dates it binds and its reservations (what ``semantics.parties`` reads).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cybernorms.forum.acts import Outcome
from cybernorms.forum.entities import Adoption, PackageRecord
from cybernorms.forum.state import ForumState
from cybernorms.model.verdict import CONSENSUS
from cybernorms.semantics.parties import Consent

#: What a package that claims consensus without a decision on the log evaluates as.
UNADOPTED = "proposal"


@dataclass(frozen=True)
class InForce:
    """One package version binding a state on a date, and why."""

    package: str
    content_hash: str
    kind: str  # norms | treaty
    forum: str
    decision_log_index: int
    outcome: Outcome
    adopted_on: date
    in_force_from: date
    basis: str
    decision_attribution: str  # e.g. "secretariat of oewg (recorded from public sources ...)"
    disassociated: tuple[str, ...] = ()  # paragraphs the state disassociated from
    reserved: tuple[str, ...] = ()  # norm ids the state made reservations to


@dataclass(frozen=True)
class Basis:
    """A package version's basis, and the adoption that earns it (None: declared only)."""

    label: str
    adoption: Adoption | None

    @property
    def decision_log_index(self) -> int | None:
        return None if self.adoption is None else self.adoption.log_index


def adoption_basis(adoption: Adoption) -> str:
    """``consensus`` for adoption without a vote; ``vote:<forum>`` for adoption by vote (a
    decision, but not consensus)."""
    return CONSENSUS if adoption.outcome == "adopted_without_vote" else f"vote:{adoption.forum}"


def basis_of(record: ForumState, content_hash: str, declared: str) -> Basis:
    """The basis a verdict of this package version may show (see the module docstring)."""
    adoption = record.adoption_of(content_hash)
    if adoption is not None:
        return Basis(adoption_basis(adoption), adoption)
    return Basis(UNADOPTED if declared == CONSENSUS else declared, None)


def packages_as_of(record: ForumState, on: date, state: str) -> tuple[InForce, ...]:
    """Package versions in force for ``state`` on ``on``, ordered by package id then version
    adoption.

    A ``norms`` package: its latest version adopted on or before ``on`` (an amendment
    replaces the earlier version for everyone), unless withdrawn since; it is a political
    commitment and applies to every state, with that state's disassociations attached. A
    ``treaty``: every adopted version the state consented to and that is in force for it on
    ``on`` (an amendment binds only those who consent to it), until its denunciation takes
    effect, with its reservations attached.
    """
    found: list[InForce] = []
    for package_id in sorted(record.packages):
        package = record.packages[package_id]
        if package.terms.kind == "norms":
            current = _current_version(package, on)
            if current is not None:
                found.append(_in_force(package, current, current.adopted_on, state, reserved=()))
            continue
        for adoption in package.adoptions:
            if adoption.adopted_on > on or _withdrawn(package, adoption, on):
                continue
            since = record.in_force_for(package_id, adoption.content_hash, state)
            denounced = package.denunciations.get(state)
            if since is None or since > on:
                continue
            if denounced is not None and denounced.effective_on <= on:
                continue
            reserved = sorted(
                {
                    norm
                    for r in package.reservations
                    if r.state == state and r.content_hash == adoption.content_hash
                    for norm in r.norms
                }
            )
            found.append(_in_force(package, adoption, since, state, reserved=tuple(reserved)))
    return tuple(found)


def _current_version(package: PackageRecord, on: date) -> Adoption | None:
    adopted = [a for a in package.adoptions if a.adopted_on <= on]
    if not adopted:
        return None
    current = max(adopted, key=lambda a: (a.adopted_on, a.log_index))
    return None if _withdrawn(package, current, on) else current


def _withdrawn(package: PackageRecord, adoption: Adoption, on: date) -> bool:
    return any(
        w.content_hash == adoption.content_hash
        and w.withdrawn_on <= on
        and w.log_index > adoption.log_index
        for w in package.withdrawals
    )


def _in_force(
    package: PackageRecord,
    adoption: Adoption,
    since: date,
    state: str,
    *,
    reserved: tuple[str, ...],
) -> InForce:
    return InForce(
        package=package.id,
        content_hash=adoption.content_hash,
        kind=package.terms.kind,
        forum=adoption.forum,
        decision_log_index=adoption.log_index,
        outcome=adoption.outcome,
        adopted_on=adoption.adopted_on,
        in_force_from=since,
        basis=adoption_basis(adoption),
        decision_attribution=adoption.attribution,
        disassociated=adoption.disassociations.get(state, ()),
        reserved=reserved,
    )


def consents_of(record: ForumState, package_id: str, content_hash: str) -> dict[str, Consent]:
    """Each state's consent to this treaty version as the record makes it: the day the
    treaty enters into force for it (``ForumState.in_force_for``), the day its denunciation
    takes effect, and the rules it reserved. States whose consent has not (yet) put the
    treaty in force for them on any date are left out; so is every state of a package that
    is no treaty or not on the record. The engine reads these on the evaluation date
    (``semantics.parties``)."""
    package = record.packages.get(package_id)
    if package is None or package.terms.kind != "treaty" or package.adoption(content_hash) is None:
        return {}
    found: dict[str, Consent] = {}
    for deposit in package.deposits.get(content_hash, []):
        since = record.in_force_for(package_id, content_hash, deposit.state)
        if since is None:
            continue
        denounced = package.denunciations.get(deposit.state)
        reserved = frozenset(
            norm
            for r in package.reservations
            if r.state == deposit.state and r.content_hash == content_hash
            for norm in r.norms
        )
        found[deposit.state] = Consent(
            since, denounced.effective_on if denounced is not None else None, reserved
        )
    return found
