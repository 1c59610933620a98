"""Trust layer: canonical JSON, Ed25519 keys, signed envelopes, per-state roots of trust.

Pure library code (no database, no CLI): the store and the CLI call these functions, and an
offline auditor can run the same checks with nothing but the envelopes and a trusted root.
"""

from cybernorms.trust.canonical import (
    MAX_SAFE_INTEGER,
    canonical_json,
    canonicalize_any,
    parse_canonical_object,
)
from cybernorms.trust.envelope import (
    PACKAGE_PAYLOAD_TYPE,
    PAYLOAD_TYPES,
    POSITION_PAYLOAD_TYPE,
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    Envelope,
    Signature,
    add_signatures,
    pae,
    sign_document,
)
from cybernorms.trust.errors import (
    BadSignature,
    Expired,
    KeyFileError,
    MalformedDocument,
    RollbackAttempt,
    ThresholdNotMet,
    TrustError,
    UnknownKey,
    VersionGap,
    WrongPayloadType,
    WrongState,
)
from cybernorms.trust.keys import PRIVATE_KEY_TYPE, PublicKey, SigningKey, keyid_of
from cybernorms.trust.root import (
    Root,
    signers,
    verify_root,
    verify_root_chain,
    verify_signed,
)

__all__ = [
    "MAX_SAFE_INTEGER",
    "PACKAGE_PAYLOAD_TYPE",
    "PAYLOAD_TYPES",
    "POSITION_PAYLOAD_TYPE",
    "PRIVATE_KEY_TYPE",
    "PROFILE_PAYLOAD_TYPE",
    "ROOT_PAYLOAD_TYPE",
    "BadSignature",
    "Envelope",
    "Expired",
    "KeyFileError",
    "MalformedDocument",
    "PublicKey",
    "RollbackAttempt",
    "Root",
    "Signature",
    "SigningKey",
    "ThresholdNotMet",
    "TrustError",
    "UnknownKey",
    "VersionGap",
    "WrongPayloadType",
    "WrongState",
    "add_signatures",
    "canonical_json",
    "canonicalize_any",
    "keyid_of",
    "pae",
    "parse_canonical_object",
    "sign_document",
    "signers",
    "verify_root",
    "verify_root_chain",
    "verify_signed",
]
