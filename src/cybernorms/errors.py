"""The one base of every refusal the project makes.

Why one base: a front end (the CLI's error boundary, the coming HTTP API) must tell an input
it refused, on purpose and with a reason, from a bug. Every module's own error types (a
document that does not parse, a signature that does not verify, a registry that refuses a
rollback) derive from ``CybernormsError``; anything else that escapes is a bug. The fuzzing
suite holds every parser and verifier to that: each input is accepted or refused with a
``CybernormsError``, never another exception.

``refusal`` is the short name shown to users (``refused (RollbackAttempt): ...``): the class
name unless a subclass says otherwise.
"""

from __future__ import annotations


class CybernormsError(Exception):
    """Base of every deliberate refusal: bad input, untrusted document, a limit hit."""

    @property
    def refusal(self) -> str:
        return type(self).__name__


class LimitExceeded(CybernormsError):
    """An input is larger, deeper or more numerous than a limit in ``cybernorms.limits``.

    The message names the limit (its field name in ``Limits``), the value allowed and, where
    known, the file and place."""

    def __init__(self, limit: str, allowed: int, where: str = "", detail: str = "") -> None:
        self.limit = limit
        self.allowed = allowed
        self.where = where
        place = f"{where}: " if where else ""
        more = f" ({detail})" if detail else ""
        super().__init__(f"{place}limit {limit} = {allowed} exceeded{more}")
