"""Per-state roots of trust and the pure verifiers built on them (design of The Update Framework).

A state's root lists its public keys and how many of them must sign (the threshold). Only that
threshold can publish the state's documents, and only the threshold of the current root *and*
of the next one can rotate to new keys: that is digital sovereignty, enforced.

The verifiers are pure functions (no I/O, no clock: ``now`` is an argument) so that the store,
the CLI and an offline auditor run exactly the same checks; what they trust between calls (the
last root, the highest version seen as a rollback floor) is the caller's state, passed in.
``python-tuf``'s ``trusted_metadata_set.py`` is the model, including checking signatures before
acting on the content, and the order of checks stated in each docstring.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from cybernorms.model.readers import GROUP_ID
from cybernorms.model.states import iso3_codes
from cybernorms.trust.envelope import ROOT_PAYLOAD_TYPE, Envelope
from cybernorms.trust.errors import (
    BadSignature,
    Expired,
    MalformedDocument,
    RollbackAttempt,
    ThresholdNotMet,
    UnknownKey,
    VersionGap,
    WrongPayloadType,
    WrongState,
)
from cybernorms.trust.keys import PublicKey
from cybernorms.trust.strict_json import is_json_int

ROOT_TYPE = "root"
#: Who else than a state holds a root (issue 9): a forum's secretariat (``forum:<id>``), a
#: treaty's depositary (``depositary:<id>``) and whoever records acts from public sources
#: (``recorder:<id>``); and a group of states whose common reading is published as one
#: position (``group:AU``, ``cybernorms.model.readers``), never under a member's root. A root's
#: ``state`` field holds an ISO3 code or one of these.
IDENTITY = re.compile(
    r"(forum|depositary|recorder):[a-z][a-z0-9]*(-[a-z0-9]+)*|" + GROUP_ID.pattern
)


def is_root_holder(name: str) -> bool:
    """A state (ISO 3166-1 alpha-3) or a non-state identity (``IDENTITY``, at most 120 chars)."""
    return name in iso3_codes() or (len(name) <= 120 and IDENTITY.fullmatch(name) is not None)


_ROOT_FIELDS = frozenset({"type", "state", "version", "expires", "keys", "threshold"})
_ROOT_EXPIRES = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, eq=True)
class Root:
    """One version of a state's root of trust: its keys (by key id) and threshold.

    Its keys are distinct *as points*: each ``PublicKey`` is the canonical encoding of a point
    of the prime-order subgroup (small-order, mixed-order and second encodings are refused when
    the key is read), so distinct key ids are distinct points and no key is listed twice under
    another spelling; listing one key twice is refused by ``create``.
    """

    state: str
    version: int
    expires: datetime
    keys: dict[str, PublicKey]
    threshold: int

    def __post_init__(self) -> None:
        if not is_root_holder(self.state):
            raise MalformedDocument(
                f"root.state: {self.state!r} is neither an ISO 3166-1 alpha-3 code nor an "
                f"identity such as 'forum:oewg', 'depositary:un-sg', 'recorder:maintainers'"
            )
        if not is_json_int(self.version) or self.version < 1:
            raise MalformedDocument(f"root.version: must be an integer >= 1, not {self.version!r}")
        if self.expires.tzinfo is None or self.expires.microsecond:
            raise MalformedDocument(
                "root.expires: must be a timezone-aware datetime in whole seconds"
            )
        if not self.keys:
            raise MalformedDocument("root.keys: a root needs at least one key")
        for keyid, key in self.keys.items():
            if keyid != key.keyid:
                raise MalformedDocument(
                    f"root.keys: key id {keyid} is not the SHA-256 of its key ({key.keyid})"
                )
        if not is_json_int(self.threshold) or not 1 <= self.threshold <= len(self.keys):
            raise MalformedDocument(
                f"root.threshold: must be an integer from 1 to the number of keys "
                f"({len(self.keys)}), not {self.threshold!r}"
            )

    @classmethod
    def create(
        cls,
        state: str,
        version: int,
        expires: datetime,
        keys: Sequence[PublicKey],
        threshold: int,
    ) -> Root:
        """Build a root from a list of keys (duplicates refused); ``expires`` is cut to seconds."""
        by_id = {key.keyid: key for key in keys}
        if len(by_id) != len(keys):
            raise MalformedDocument("root.keys: the same key is listed twice")
        if expires.tzinfo is None:
            raise MalformedDocument("root.expires: must be timezone-aware")
        return cls(state, version, expires.astimezone(UTC).replace(microsecond=0), by_id, threshold)

    @property
    def label(self) -> str:
        """``STATE root vN``, as messages cite it."""
        return f"{self.state} root v{self.version}"

    def to_document(self) -> dict[str, Any]:
        """The JSON document that is signed (payload type ``ROOT_PAYLOAD_TYPE``)."""
        return {
            "type": ROOT_TYPE,
            "state": self.state,
            "version": self.version,
            "expires": self.expires.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "keys": {keyid: key.to_json() for keyid, key in self.keys.items()},
            "threshold": self.threshold,
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Root:
        """Parse and validate a root document; ``MalformedDocument`` names the field."""
        extra = set(document) - _ROOT_FIELDS
        if extra:
            raise MalformedDocument(f"root: unexpected field(s) {sorted(extra)}")
        missing = sorted(_ROOT_FIELDS - set(document))
        if missing:
            raise MalformedDocument(f"root: missing field(s) {missing}")
        if document["type"] != ROOT_TYPE:
            raise MalformedDocument(f"root.type: must be {ROOT_TYPE!r}, not {document['type']!r}")
        state = document["state"]
        if not isinstance(state, str):
            raise MalformedDocument(f"root.state: must be a string, not {state!r}")
        expires = document["expires"]
        if not isinstance(expires, str) or not _ROOT_EXPIRES.fullmatch(expires):
            raise MalformedDocument(f"root.expires: must be YYYY-MM-DDTHH:MM:SSZ, not {expires!r}")
        try:
            expires_at = datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError as exc:
            raise MalformedDocument(f"root.expires: {exc}") from exc
        raw_keys = document["keys"]
        if not isinstance(raw_keys, Mapping):
            raise MalformedDocument("root.keys: must be an object {keyid: key}")
        keys = {
            keyid: PublicKey.from_json(value, f"root.keys.{keyid}")
            for keyid, value in raw_keys.items()
        }
        return cls(state, document["version"], expires_at, keys, document["threshold"])


def signers(envelope: Envelope, root: Root) -> frozenset[str]:
    """Key ids of the root's keys that validly signed ``envelope``, each counted once.

    Counting key ids counts distinct *points*: every ``PublicKey`` is the one canonical
    encoding of a point of the prime-order subgroup (``keys.point_problem``), so two key ids
    never name one point, and no small-order key can lend a threshold a second signer.
    Signatures by keys outside the root are ignored (they may be another party's, or a new
    root's keys); a signature by one of the root's keys that does not verify raises
    ``BadSignature``, because it is a forgery or corruption that should never be silenced.
    """
    message = envelope.signed_bytes()
    valid: set[str] = set()
    checked: set[tuple[str, bytes]] = set()
    for signature in envelope.signatures:
        key = root.keys.get(signature.keyid)
        if key is None or (signature.keyid, signature.sig) in checked:
            continue  # a repeated signature is verified once: copies cost no time
        checked.add((signature.keyid, signature.sig))
        try:
            key.verify(signature.sig, message)
        except BadSignature as exc:
            raise BadSignature(f"{root.label}: {exc}") from None
        valid.add(signature.keyid)
    return frozenset(valid)


def verify_root(envelope: Envelope, trusted: Root | None, now: datetime) -> Root:
    """Accept a state's first root (``trusted`` None) or its next root; return it.

    Order of checks (each failure is final):

    1. ``now`` is timezone-aware (``ValueError`` otherwise: a programming error).
    2. The envelope's payload type is the root type (``WrongPayloadType``).
    3. Rotation only: the threshold of the *trusted* root signed it (``ThresholdNotMet``
       naming the old root; ``BadSignature`` for a failed signature by one of its keys).
       Checked before the content is read: nothing unsigned is acted upon.
    4. The payload is a well-formed root document (``MalformedDocument``).
    5. Rotation only: same state (``WrongState``); version exactly trusted + 1 (lower or
       equal: ``RollbackAttempt``; higher: ``VersionGap``).
    6. The threshold of the *new* root signed it (``ThresholdNotMet`` naming the new root):
       for a first root this is the self-signature.
    7. The new root has not expired at ``now`` (``Expired``).

    Where the caller walks several versions at once, ``verify_root_chain`` lets intermediate
    roots be expired, as TUF does: expiry protects the final state, not history.
    """
    return _verify_root(envelope, trusted, now, check_expiry=True)


def verify_root_chain(envelopes: Sequence[Envelope], trusted: Root | None, now: datetime) -> Root:
    """Apply ``verify_root`` to consecutive root versions and return the last.

    Every step is checked as in ``verify_root`` except expiry, which applies only to the final
    root (an old root that expired before its successor was fetched is still a valid step).
    With no envelopes, ``trusted`` itself must be present and unexpired.
    """
    _require_aware(now)
    current = trusted
    for envelope in envelopes:
        current = _verify_root(envelope, current, now, check_expiry=False)
    if current is None:
        raise ValueError("verify_root_chain needs a trusted root or at least one envelope")
    _check_root_expiry(current, now)
    return current


def verify_signed(
    envelope: Envelope,
    root: Root,
    *,
    state: str,
    payload_type: str,
    version_floor: int | None,
    now: datetime,
    require_expires: bool = True,
) -> dict[str, Any]:
    """Return the document in ``envelope`` if ``root``'s threshold validly published it.

    Order of checks (each failure is final):

    1. ``now`` is timezone-aware (``ValueError`` otherwise).
    2. ``root`` is the root of ``state`` (``WrongState``): the caller picked the wrong root.
    3. ``root`` has not expired (``Expired``).
    4. The envelope's payload type is ``payload_type`` (``WrongPayloadType``).
    5. Signatures, counting distinct keys of ``root`` only: none by a key of the root
       (``UnknownKey``); a failed signature by a key of the root (``BadSignature``); fewer
       valid than the threshold (``ThresholdNotMet``). Nothing is read from the payload before
       this point.
    6. The payload is one canonical JSON object (``MalformedDocument``).
    7. Its ``state`` is the root's state (``WrongState``): a state's keys publish only for it.
    8. With a ``version_floor`` (the highest version the caller accepted before): ``version``
       is an integer above it (below: ``RollbackAttempt``, rollback; equal: ``RollbackAttempt``,
       replay). With ``None`` nothing is known yet and ``version`` is not read (packages use
       semantic version strings; their ordering is the caller's).
    9. ``expires`` (``YYYY-MM-DD``, meaning from 00:00 UTC that day, or an ISO 8601 datetime
       with zone) is after ``now`` (``Expired``); absent: ``MalformedDocument`` unless
       ``require_expires`` is false.
    """
    _require_aware(now)
    if root.state != state:
        raise WrongState(f"verifying a document of {state} with the root of {root.state}")
    _check_root_expiry(root, now)
    if envelope.payload_type != payload_type:
        raise WrongPayloadType(
            f"expected payload type {payload_type!r}, the envelope carries "
            f"{envelope.payload_type!r}"
        )
    valid = _signers_or_unknown(envelope, root)
    if len(valid) < root.threshold:
        raise ThresholdNotMet(
            f"{root.label} requires {root.threshold} distinct key(s), "
            f"{len(valid)} signed validly ({_ids(valid)})"
        )
    document = envelope.document()
    doc_state = document.get("state")
    if doc_state is None:
        raise MalformedDocument("payload: missing field 'state'")
    if doc_state != root.state:
        raise WrongState(
            f"document names state {doc_state!r} but was signed under {root.label}; "
            f"a state's keys publish only its own documents"
        )
    if version_floor is not None:
        _check_version_floor(document, version_floor)
    if "expires" in document:
        expires = _parse_expires(document["expires"], "payload.expires")
        if now >= expires:
            raise Expired(
                f"document of {root.state} version {document.get('version')!r} expired at "
                f"{_show(expires)}; now is {_show(now)}"
            )
    elif require_expires:
        raise MalformedDocument("payload: missing field 'expires'")
    return document


def _verify_root(
    envelope: Envelope, trusted: Root | None, now: datetime, *, check_expiry: bool
) -> Root:
    _require_aware(now)
    if envelope.payload_type != ROOT_PAYLOAD_TYPE:
        raise WrongPayloadType(
            f"expected a root ({ROOT_PAYLOAD_TYPE!r}), the envelope carries "
            f"{envelope.payload_type!r}"
        )
    if trusted is not None:
        old = signers(envelope, trusted)
        if len(old) < trusted.threshold:
            raise ThresholdNotMet(
                f"new root not signed by the threshold of the trusted (old) {trusted.label}: "
                f"{len(old)} of {trusted.threshold} required ({_ids(old)})"
            )
    new = Root.from_document(envelope.document())
    if trusted is not None:
        if new.state != trusted.state:
            raise WrongState(
                f"new root is for {new.state}, the trusted root is for {trusted.state}"
            )
        if new.version <= trusted.version:
            kind = "replay" if new.version == trusted.version else "rollback"
            raise RollbackAttempt(
                f"{kind}: new {new.state} root has version {new.version}, "
                f"the trusted root is version {trusted.version}; expected {trusted.version + 1}"
            )
        if new.version != trusted.version + 1:
            raise VersionGap(
                f"new {new.state} root has version {new.version}, expected exactly "
                f"{trusted.version + 1} (each rotation step must be verified)"
            )
    own = signers(envelope, new)
    if len(own) < new.threshold:
        which = "self-signed first" if trusted is None else "new"
        raise ThresholdNotMet(
            f"{which} {new.label} not signed by its own threshold: "
            f"{len(own)} of {new.threshold} required ({_ids(own)})"
        )
    if check_expiry:
        _check_root_expiry(new, now)
    return new


def _signers_or_unknown(envelope: Envelope, root: Root) -> frozenset[str]:
    if envelope.signatures and not any(s.keyid in root.keys for s in envelope.signatures):
        listed = ", ".join(sorted({s.keyid for s in envelope.signatures}))
        raise UnknownKey(f"no signature is by a key of {root.label}; signed by {listed}")
    return signers(envelope, root)


def _check_version_floor(document: Mapping[str, Any], floor: int) -> None:
    version = document.get("version")
    if not is_json_int(version) or version < 1:
        raise MalformedDocument(f"payload.version: must be an integer >= 1, not {version!r}")
    if version < floor:
        raise RollbackAttempt(
            f"rollback: version {version} is below the highest version already accepted ({floor})"
        )
    if version == floor:
        raise RollbackAttempt(
            f"replay: version {version} equals the highest version already accepted ({floor})"
        )


def _check_root_expiry(root: Root, now: datetime) -> None:
    if now >= root.expires:
        raise Expired(f"{root.label} expired at {_show(root.expires)}; now is {_show(now)}")


def _parse_expires(value: object, where: str) -> datetime:
    if not isinstance(value, str):
        raise MalformedDocument(f"{where}: must be a date or datetime string, not {value!r}")
    try:
        if _DATE.fullmatch(value):
            return datetime.combine(date.fromisoformat(value), time(0, 0), tzinfo=UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise MalformedDocument(f"{where}: {value!r} is not a date or datetime ({exc})") from exc
    if parsed.tzinfo is None:
        raise MalformedDocument(f"{where}: datetime {value!r} needs a zone (Z or +HH:MM)")
    return parsed


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime (use datetime.now(UTC))")


def _show(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ids(keyids: frozenset[str]) -> str:
    return "valid: " + (", ".join(sorted(keyids)) if keyids else "none")
