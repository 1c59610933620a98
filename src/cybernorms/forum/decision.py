"""Decision rules applied to a call's record: the outcome, and what the call still needs.

The rules are data (``acts.ConsensusRule``, ``acts.VotingRule``); this module is the one place
that reads them. Both functions take a ``Tally``, itself computed from the call's log, so an
outcome and its explanation in words are pure functions of the log prefix (invariant 7), and
``close`` is refused when it records anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cybernorms.forum.acts import ConsensusRule, Counts, Outcome, VotingRule


@dataclass(frozen=True)
class Tally:
    """What a call's log says so far, per member of the frozen electorate.

    ``objections``: members whose latest position is ``object``; ``open_concerns``: (name,
    state) of concerns raised and not resolved; ``disassociations``: member -> paragraphs;
    ``counts``: the votes cast (voting rules only)."""

    electorate: int
    objections: tuple[str, ...] = ()
    open_concerns: tuple[tuple[str, str], ...] = ()
    disassociations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    counts: Counts = field(default_factory=lambda: Counts(yes=0, no=0, abstain=0))


def outcome(rule: ConsensusRule | VotingRule, tally: Tally) -> Outcome:
    """The outcome if the call closed on this tally.

    Consensus: adopted without a vote iff no objection and no open concern; otherwise no
    decision (a consensus body that cannot agree decides nothing). Voting: no decision below
    quorum; adopted by vote when ``majority`` (yes > no) or ``two_thirds`` (yes >= 2 x no, at
    least one member voting yes or no) holds; abstentions are not votes; otherwise rejected.
    """
    if isinstance(rule, ConsensusRule):
        blocked = tally.objections or tally.open_concerns
        return "no_decision" if blocked else "adopted_without_vote"
    if _short_of_quorum(rule, tally) > 0:
        return "no_decision"
    return "adopted_by_vote" if _yes_short(rule, tally.counts) == 0 else "rejected"


def still_needs(rule: ConsensusRule | VotingRule, tally: Tally) -> str:
    """What an open call still needs to be adopted, in words (DataTracker's "Needs a YES")."""
    if isinstance(rule, ConsensusRule):
        blockers = [f"objection by {state}" for state in tally.objections]
        blockers += [f"concern '{name}' by {state} is open" for name, state in tally.open_concerns]
        if blockers:
            return "Consensus blocked: " + "; ".join(blockers)
        return "Nothing blocks consensus: adopted without a vote if nothing blocks by the close"
    needs: list[str] = []
    quorum_short = _short_of_quorum(rule, tally)
    if quorum_short:
        needs.append(
            f"{quorum_short} more member{'s' if quorum_short != 1 else ''} voting "
            f"(yes, no or abstain) for the quorum of {rule.quorum.of(tally.electorate)} "
            f"of {tally.electorate}"
        )
    yes_short = _yes_short(rule, tally.counts)
    if yes_short:
        which = "a majority" if rule.rule == "majority" else "two thirds"
        needs.append(
            f"{yes_short} more yes vote{'s' if yes_short != 1 else ''} for {which} of members "
            f"present and voting"
        )
    counts = tally.counts
    standing = f"{counts.yes} yes, {counts.no} no, {counts.abstain} abstaining"
    if needs:
        return "Needs " + " and ".join(needs) + f" ({standing})"
    return f"Adopted by vote if it closes as it stands ({standing})"


def _short_of_quorum(rule: VotingRule, tally: Tally) -> int:
    counts = tally.counts
    present = counts.yes + counts.no + counts.abstain
    return max(0, rule.quorum.of(tally.electorate) - present)


def _yes_short(rule: VotingRule, counts: Counts) -> int:
    """How many more yes votes (with nothing else changing) the rule needs."""
    if rule.rule == "majority":
        return max(0, counts.no + 1 - counts.yes)
    return max(0, 2 * counts.no - counts.yes, 1 - counts.yes - counts.no)
