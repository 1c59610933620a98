"""One exception type per way a trust check can fail.

Why one type per failure (the python-tuf model): a caller reacts differently to a forged
signature (alarm), a replayed old version (ignore, keep what we have) and an expired document
(ask the publisher for a fresh one), and tests assert the exact refusal rather than "something
failed". Every message names what failed: the key id, the version against the floor, the dates.
"""

from __future__ import annotations

from cybernorms.errors import CybernormsError, LimitExceeded


class TrustError(CybernormsError):
    """Base of every refusal by the trust layer; catch this to refuse any untrusted document."""


class MalformedDocument(TrustError):
    """The input is not a well-formed document or envelope (the message names the field)."""


class BadSignature(TrustError):
    """A signature by a key we know does not verify: forgery or corruption, never ignored."""


class UnknownKey(TrustError):
    """None of the signatures is by a key of the root used for verification."""


class ThresholdNotMet(TrustError):
    """Fewer distinct keys of the root signed validly than its threshold requires."""


class RollbackAttempt(TrustError):
    """The version is not above the verifier's floor: lower is a rollback, equal a replay."""


class VersionGap(TrustError):
    """A root skips versions: rotation must go N -> N+1 so every step is checked."""


class Expired(TrustError):
    """A document or the root verifying it has passed its expiry (freeze protection)."""


class WrongState(TrustError):
    """A document or root names another state than the one it is verified for."""


class WrongPayloadType(TrustError):
    """An envelope carries another kind of document than the caller asked for."""


class KeyFileError(TrustError):
    """A private-key file cannot be read, is malformed, or is readable by other users."""


class InvalidKey(MalformedDocument):
    """A public key is not the canonical encoding of a point of Ed25519's prime-order subgroup.

    Why refuse rather than merely fail to verify: with a small-order key, a key with a
    small-order component (A + T) or a second encoding of one point, one private key (or none,
    for the identity) meets a threshold meant for several (TRUST.md, issue 14 finding 1). A
    ``MalformedDocument`` so that every caller that refuses a malformed root or key file refuses
    this too; its own refusal name says which check failed to the user.
    """


class KeyLocked(KeyFileError):
    """A private-key file is encrypted and no passphrase was given to unlock it."""


class BadPassphrase(KeyFileError):
    """The passphrase given does not decrypt the private-key file."""


class TrustLimitExceeded(LimitExceeded, MalformedDocument):
    """A trust document is larger or deeper than ``cybernorms.limits.LIMITS`` allows.

    Both a ``LimitExceeded`` (it names the limit, like every limit hit) and a
    ``MalformedDocument`` (so the store and the auditor, which refuse any malformed trust input
    they read, refuse this one too rather than let it escape); shown as ``LimitExceeded``.
    """

    @property
    def refusal(self) -> str:
        return "LimitExceeded"
