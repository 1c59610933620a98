"""The acceptance checks for each kind of document, pure (no database, ``now`` passed in).

Why one place and no I/O: the registry runs these when a document is published (``now`` = the
clock), and runs them again, unchanged, when it audits itself or re-reads a record (``now`` =
the time the log recorded the act). An audit is then a replay of the very decisions the
registry made, not a second, subtly different implementation of them.

Roots and profiles go through ``cybernorms.trust.root`` (``verify_root``, ``verify_signed``).
Packages and positions carry no ``state`` field (a package belongs to a forum, a position names
its state under ``position``), so their threshold check is done here with the same primitives
(``signers``) and the same exception types, in the same order: root expiry, payload type,
signatures, and only then the content.

Publisher of a package, and why: the threshold of a *state's* root (``publisher``, an ISO3
code). Roots of trust are per state in this version; a forum's secretariat publishes through a
state that hosts it until forums get roots of their own (the ``forum`` module). The package
document itself is unchanged by this choice, so its content hash stays its identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from cybernorms.forum.signed import ACT_PAYLOAD_TYPE, SignedAct, parse_signed_act
from cybernorms.model.profile import Profile
from cybernorms.trust.envelope import (
    PACKAGE_PAYLOAD_TYPE,
    POSITION_PAYLOAD_TYPE,
    PROFILE_PAYLOAD_TYPE,
    Envelope,
)
from cybernorms.trust.errors import (
    Expired,
    MalformedDocument,
    ThresholdNotMet,
    UnknownKey,
    WrongPayloadType,
)
from cybernorms.trust.root import Root, signers, verify_root, verify_signed


@dataclass(frozen=True)
class PackageInfo:
    name: str
    version: str


@dataclass(frozen=True)
class PositionInfo:
    state: str
    package: str


def claimed_field(envelope: Envelope, name: str) -> str:
    """Read one string field of an envelope's payload *before* its signatures are checked.

    Only to find which root to check the signatures with (a profile names its state, a
    position its ``position``); nothing else is acted upon until the signatures verify.
    """
    value = envelope.document().get(name)
    if not isinstance(value, str) or not value:
        raise MalformedDocument(f"payload.{name}: must be a non-empty string, not {value!r}")
    return value


def check_root(envelope: Envelope, trusted: Root | None, now: datetime) -> Root:
    """A state's first root (``trusted`` None, self-signed) or its next one (rotation)."""
    return verify_root(envelope, trusted, now)


def check_profile(
    envelope: Envelope, root: Root, version_floor: int | None, now: datetime
) -> Profile:
    """A profile published by ``root``'s threshold, above ``version_floor``, not expired.

    ``expires`` is optional for profiles (the model allows an open-ended profile); freeze
    protection then comes from the root's own expiry, which is always checked.
    """
    document = verify_signed(
        envelope,
        root,
        state=root.state,
        payload_type=PROFILE_PAYLOAD_TYPE,
        version_floor=version_floor,
        now=now,
        require_expires=False,
    )
    return profile_from_document(document)


def profile_from_document(document: Mapping[str, Any]) -> Profile:
    """Validate a profile document with the ``Profile`` model; errors name the field."""
    try:
        profile = Profile.model_validate(document)
    except ValidationError as exc:
        problems = "; ".join(
            f"profile.{'.'.join(str(p) for p in err['loc']) or '(document)'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        )
        raise MalformedDocument(problems) from None
    if profile.expires is not None and profile.expires <= profile.effective_from:
        raise MalformedDocument(
            f"profile.expires: {profile.expires} is not after effective_from "
            f"{profile.effective_from}"
        )
    return profile


def check_package(envelope: Envelope, root: Root, now: datetime) -> PackageInfo:
    """A package signed by the threshold of its publisher's root; needs ``package``, ``version``."""
    require_threshold(envelope, root, PACKAGE_PAYLOAD_TYPE, now)
    return package_info(envelope)


def package_info(envelope: Envelope) -> PackageInfo:
    """Name and version of a package, read from its signed payload (no signature check)."""
    document = envelope.document()
    name, version = document.get("package"), document.get("version")
    if not isinstance(name, str) or not name:
        raise MalformedDocument(f"package.package: must be a non-empty string, not {name!r}")
    if not isinstance(version, str) or not version:
        raise MalformedDocument(
            f"package.version: must be a version string such as '1.0.0', not {version!r}"
        )
    return PackageInfo(name, version)


def check_position(envelope: Envelope, root: Root, now: datetime) -> PositionInfo:
    """A national position signed by the threshold of the root of the state it names."""
    require_threshold(envelope, root, POSITION_PAYLOAD_TYPE, now)
    document = envelope.document()
    state, package = document.get("position"), document.get("package")
    if state != root.state:
        raise MalformedDocument(
            f"position.position: names {state!r} but was checked under {root.label}"
        )
    if not isinstance(package, str) or not package:
        raise MalformedDocument(f"position.package: must be a package id, not {package!r}")
    return PositionInfo(root.state, package)


def require_threshold(envelope: Envelope, root: Root, payload_type: str, now: datetime) -> None:
    """Root unexpired, right payload type, ``root.threshold`` distinct valid signatures.

    The same order and exception types as ``verify_signed`` (see its docstring).
    """
    if now >= root.expires:
        raise Expired(f"{root.label} expired at {root.expires:%Y-%m-%dT%H:%M:%SZ}")
    if envelope.payload_type != payload_type:
        raise WrongPayloadType(
            f"expected payload type {payload_type!r}, the envelope carries "
            f"{envelope.payload_type!r}"
        )
    if envelope.signatures and not any(s.keyid in root.keys for s in envelope.signatures):
        listed = ", ".join(sorted({s.keyid for s in envelope.signatures}))
        raise UnknownKey(f"no signature is by a key of {root.label}; signed by {listed}")
    valid = signers(envelope, root)
    if len(valid) < root.threshold:
        raise ThresholdNotMet(
            f"{root.label} requires {root.threshold} distinct key(s), {len(valid)} signed validly"
        )


def check_act(envelope: Envelope, root: Root, now: datetime) -> SignedAct:
    """A forum or treaty act signed by the threshold of its signer's root: the state itself,
    the forum's secretariat, the depositary, or the recorder of public sources
    (``forum.signed.signer_identity``). Signatures first; only then is the act read."""
    require_threshold(envelope, root, ACT_PAYLOAD_TYPE, now)
    signed = parse_signed_act(envelope.payload)
    if signed.signer != root.state:
        raise MalformedDocument(
            f"act.author: signed under {root.label}, but its author is signed for by "
            f"{signed.signer!r}"
        )
    return signed
