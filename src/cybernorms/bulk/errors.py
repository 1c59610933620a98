"""The refusals of bulk evaluation, each a ``CybernormsError`` with a message a user can act on."""

from __future__ import annotations

from cybernorms.errors import CybernormsError
from cybernorms.rules.package import Rule


class BulkError(CybernormsError):
    """Bulk evaluation cannot run as asked (an engine missing, bad input)."""


class UnsupportedConstruct(BulkError):
    """A rule construct the SQL back end cannot express: refused at compile time, never run
    with another meaning."""

    def __init__(self, rule: Rule, construct: str) -> None:
        self.rule = rule
        self.construct = construct
        super().__init__(
            f"rule {rule.package}:{rule.id} ({rule.defined_at}): the SQL back end cannot "
            f"express {construct}"
        )


class EngineUnavailable(BulkError):
    """The requested engine cannot start here (a Python package or Java is missing, or a
    Spark master is unreachable); the message says what to install."""
