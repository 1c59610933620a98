"""Why the registry refuses, one exception type per reason, beside the trust layer's own.

A refusal by a trust check (forged signature, rollback, expiry, ...) surfaces as the
``cybernorms.trust.errors`` exception itself, unchanged, so callers and tests see one vocabulary
for "this document is not trustworthy". The types here cover what only a registry can know:
whether it exists, what it already holds, and whether its own record is intact.
"""

from __future__ import annotations

from cybernorms.errors import CybernormsError


class StoreError(CybernormsError):
    """Base of every refusal by the store that is not a trust-check failure."""


class NotInitialised(StoreError):
    """The database has no registry yet (run ``cybernorms init``) or an older schema."""


class NoRootOfTrust(StoreError):
    """A document names a state that has published no root of trust here."""


class AlreadyPublished(StoreError):
    """The same content (same SHA-256) or the same name and version is already recorded."""


class NotFound(StoreError):
    """No record matches the query (state, version, entry index, checkpoint size)."""


class LogIntegrityError(StoreError):
    """The stored log or a stored record does not match what was signed and logged.

    Raised by ``verify_log`` and by reads that re-check what they return: it means the
    database was altered outside the registry (or is corrupt), never a user mistake.
    """
