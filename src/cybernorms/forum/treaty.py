"""Treaty mechanics on dates: entry into force as a rule, and the status table's rows.

The rule is data (``acts.EntryIntoForceRule``: the Nth instrument of the counted kinds, a
delay, and the delay for a state consenting later); these functions are the one place that
reads it. They take the instruments already ordered as the log holds them, so an
entry-into-force date is a pure function of the log prefix (invariant 7), and an
``entry_into_force`` notice stating another date is refused.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from cybernorms.forum.acts import DaysAfter, EntryIntoForceRule, FirstOfMonthAfter


@dataclass(frozen=True)
class Deposit:
    """One instrument of consent to be bound, as the depositary recorded it."""

    state: str
    instrument: str
    deposited_on: date
    log_index: int


def add_delay(start: date, delay: DaysAfter | FirstOfMonthAfter) -> date:
    """``start`` moved by the delay: ``days`` later, or the first day of the month after
    ``months`` months have passed."""
    if isinstance(delay, DaysAfter):
        return start + timedelta(days=delay.days)
    month_index = start.month - 1 + delay.months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    after = date(year, month, day)
    return date(after.year + (after.month == 12), after.month % 12 + 1, 1)


def counting_deposit(rule: EntryIntoForceRule, deposits: Sequence[Deposit]) -> Deposit | None:
    """The instrument whose deposit completes the number the rule requires, if any."""
    counted = [d for d in deposits if d.instrument in rule.counted]
    return counted[rule.instruments - 1] if len(counted) >= rule.instruments else None


def general_entry_into_force(rule: EntryIntoForceRule, deposits: Sequence[Deposit]) -> date | None:
    """When the treaty version enters into force generally, or None while too few consented."""
    nth = counting_deposit(rule, deposits)
    return None if nth is None else add_delay(nth.deposited_on, rule.general)


def entry_into_force_for(
    rule: EntryIntoForceRule, deposits: Sequence[Deposit], state: str
) -> date | None:
    """When the treaty version enters into force for ``state``, or None (no consent, or not
    yet in force generally). A state whose instrument came no later (in log order) than the
    one completing the number is bound from the general date; a later one ``later`` after its
    own deposit, and not before the general date unless the rule says otherwise."""
    own = next((d for d in deposits if d.state == state), None)
    nth = counting_deposit(rule, deposits)
    if own is None or nth is None:
        return None
    general = add_delay(nth.deposited_on, rule.general)
    if own.log_index <= nth.log_index:
        return general
    later = add_delay(own.deposited_on, rule.later)
    return max(later, general) if rule.later_not_before_general else later


#: UN Treaty Collection marks beside the consent date: accession (a), succession (d).
CONSENT_MARKS = {"accession": "a", "succession": "d"}
CONSENT_COLUMN = "Ratification, Acceptance, Approval, Accession (a), Succession (d)"


@dataclass(frozen=True)
class StatusRow:
    """One participant's line in a treaty's status table, in the UN Treaty Collection's
    shape (treaties.un.org, "status of multilateral treaties", introduction): participant,
    date of signature, date of deposit of the instrument of consent, marked (a) for accession
    and (d) for succession; a participant that denounced appears between brackets and the
    date of its notification is given (the Collection puts it in a footnote; here a column).
    The last column, when the treaty is in force for it, is derived from the log."""

    participant: str
    signature: date | None
    consent: date | None
    consent_instrument: str | None
    denunciation: date | None
    denunciation_effective: date | None
    in_force_from: date | None
    recorded_from_public_sources: bool

    @property
    def consent_mark(self) -> str:
        return CONSENT_MARKS.get(self.consent_instrument or "", "")

    def cells(self) -> dict[str, str]:
        """The row as the Collection prints it (``24 Sep 2003 a``; a participant that
        denounced between brackets)."""
        consent = _show(self.consent)
        if consent and self.consent_mark:
            consent = f"{consent} {self.consent_mark}"
        participant = f"[{self.participant}]" if self.denunciation else self.participant
        return {
            "Participant": participant,
            "Signature": _show(self.signature),
            CONSENT_COLUMN: consent,
            "Denunciation notified": _show(self.denunciation),
            "In force for it from": _show(self.in_force_from),
        }


def _show(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""
