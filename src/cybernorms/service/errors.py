"""The refusals of the application layer itself: a name asked for that is not loaded, or a
request that contradicts itself.

Why their own types: a front end shows every ``CybernormsError`` as a refusal with its reason
(``refused (UnknownName): no position of 'ZZZ' (loaded: EST)``), and the coming HTTP API maps
them to problem documents; a bare ``KeyError`` or ``ValueError`` would read as a bug.
"""

from __future__ import annotations

from cybernorms.errors import CybernormsError


class ServiceError(CybernormsError):
    """Base of the refusals raised by ``cybernorms.service``."""


class UnknownName(ServiceError):
    """A package, position, rule, incident or subject asked for is not among those loaded."""


class BadRequest(ServiceError):
    """Options that contradict each other, or a value that does not parse (a date)."""
