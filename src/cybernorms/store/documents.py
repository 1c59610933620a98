"""One mechanism for every kind of signed document the registry accepts.

In the style of python-tuf's ``Metadata[T]``: one envelope type (``trust.envelope.Envelope``)
generic over its payload, and dispatch on the payload type. Each kind of document is ONE entry
of ``DOCUMENT_KINDS``: its payload type, its log entry kind and record table, whose root must
sign it (``holder``, read from the payload before any signature is checked, only to pick that
root) and its ONE acceptance check (``accept``), which verifies the signatures and the content
against what the registry holds and says what to log and store. ``Registry.publish`` does the
rest, the same way for every kind: lock the log head, find the holder's current root, run the
check, append the entry, insert the record, all in one transaction.

Adding a kind of signed document is therefore one payload type and one check here (plus its
table). Roots, profiles, packages, positions and forum acts are the kinds today.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, select

from cybernorms.forum.signed import ACT_PAYLOAD_TYPE, parse_signed_act
from cybernorms.store import records
from cybernorms.store.checks import (
    check_act,
    check_package,
    check_position,
    check_profile,
    check_root,
    claimed_field,
)
from cybernorms.store.entries import parse_timestamp, timestamp
from cybernorms.store.errors import AlreadyPublished, StoreError
from cybernorms.store.schema import (
    ActRow,
    PackageRow,
    PositionRow,
    ProfileRow,
    RecordRow,
    RootRow,
)
from cybernorms.trust.envelope import (
    PACKAGE_PAYLOAD_TYPE,
    POSITION_PAYLOAD_TYPE,
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    Envelope,
)
from cybernorms.trust.errors import MalformedDocument
from cybernorms.trust.root import Root


class UnsupportedDocument(StoreError):
    """A signed document whose payload type is not one the registry accepts."""


@dataclass(frozen=True)
class Context:
    """What a check may consult: the locked transaction, the log's clock, the index the entry
    will get, and (packages only) the publisher named by the caller."""

    conn: Connection
    now: datetime
    next_index: int
    digest: str
    publisher: str | None = None


@dataclass(frozen=True)
class Accepted:
    """What a check accepted: the log entry's ``state`` (the root holder), ``version`` and
    extra fields, and the record's columns beyond ``digest``, ``envelope``, ``log_index``."""

    state: str
    version: int | str | None
    row: Mapping[str, object]
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    payload_type: str
    table: type[RecordRow]
    holder: Callable[[Envelope, str | None], str]
    accept: Callable[[Envelope, Root | None, Context], Accepted]
    #: Only a root may be published by a holder without a root (its first, self-signed one).
    needs_root: bool = True


# --- the checks, one per kind ----------------------------------------------------------------


def _accept_root(envelope: Envelope, trusted: Root | None, ctx: Context) -> Accepted:
    root = check_root(envelope, trusted, ctx.now)
    row = {"state": root.state, "version": root.version, "expires": timestamp(root.expires)}
    return Accepted(root.state, root.version, {**row, "threshold": root.threshold})


def _accept_profile(envelope: Envelope, root: Root | None, ctx: Context) -> Accepted:
    assert root is not None  # noqa: S101 - needs_root guarantees it
    floor = records.highest_profile_version(ctx.conn, root.state) or 0
    profile = check_profile(envelope, root, floor, ctx.now)
    row = {
        "state": profile.state,
        "version": profile.version,
        "effective_from": profile.effective_from,
        "expires": profile.expires,
        "root_version": root.version,
    }
    return Accepted(profile.state, profile.version, row)


def _accept_package(envelope: Envelope, root: Root | None, ctx: Context) -> Accepted:
    assert root is not None  # noqa: S101 - needs_root guarantees it
    info = check_package(envelope, root, ctx.now)
    _refuse_known_package(ctx.conn, info.name, info.version, ctx.digest)
    row = {
        "name": info.name,
        "version": info.version,
        "publisher": root.state,
        "root_version": root.version,
    }
    return Accepted(root.state, info.version, row, {"name": info.name})


def _accept_position(envelope: Envelope, root: Root | None, ctx: Context) -> Accepted:
    assert root is not None  # noqa: S101 - needs_root guarantees it
    info = check_position(envelope, root, ctx.now)
    _refuse_known(ctx, PositionRow, f"this position of {root.state}")
    row = {"state": root.state, "package": info.package, "root_version": root.version}
    return Accepted(root.state, None, row, {"package": info.package})


def _accept_act(envelope: Envelope, root: Root | None, ctx: Context) -> Accepted:
    """A forum or treaty act: signed by its signer's threshold (``check_act``), then accepted
    only if the fold of the log's acts accepts it (``ForumState.apply``; its refusal is the
    fold's named exception and nothing is written)."""
    assert root is not None  # noqa: S101 - needs_root guarantees it
    from cybernorms.forum.authors import Record

    signed = check_act(envelope, root, ctx.now)
    state = records.forum_state(ctx.conn)
    logged_at = parse_timestamp(timestamp(ctx.now))
    state.apply(Record(signed.act, signed.author, ctx.next_index, logged_at))
    act = signed.act
    row = {
        "signer": root.state,
        "root_version": root.version,
        "act": act.kind,
        "forum": getattr(act, "forum", None),
        "package": getattr(act, "package", None),
    }
    return Accepted(root.state, None, row, {"act": act.kind})


def _refuse_known(ctx: Context, table: type[PositionRow], what: str) -> None:
    existing = ctx.conn.execute(
        select(table.log_index).where(table.digest == ctx.digest)
    ).scalar_one_or_none()
    if existing is not None:
        raise AlreadyPublished(
            f"{what} (sha256 {ctx.digest}) is already published (log entry {existing})"
        )


def _refuse_known_package(conn: Connection, name: str, version: str, digest: str) -> None:
    same = conn.execute(
        select(PackageRow.log_index).where(PackageRow.digest == digest)
    ).scalar_one_or_none()
    if same is not None:
        raise AlreadyPublished(
            f"package {name} {version} is already published with this content "
            f"(sha256 {digest}, log entry {same})"
        )
    other = conn.execute(
        select(PackageRow.digest, PackageRow.log_index).where(
            PackageRow.name == name, PackageRow.version == version
        )
    ).first()
    if other is not None:
        raise AlreadyPublished(
            f"package {name} {version} is already published with different content "
            f"(sha256 {other.digest}, log entry {other.log_index}); publish a new version"
        )


# --- whose root signs, read before the signatures ---------------------------------------------


def _claimed(name: str) -> Callable[[Envelope, str | None], str]:
    def holder(envelope: Envelope, _publisher: str | None) -> str:
        return claimed_field(envelope, name)

    return holder


def _publisher(_envelope: Envelope, publisher: str | None) -> str:
    if publisher is None:
        raise MalformedDocument("a package names its publisher (the state whose root signs it)")
    return publisher


def _act_signer(envelope: Envelope, _publisher: str | None) -> str:
    return parse_signed_act(envelope.payload).signer


DOCUMENT_KINDS: dict[str, DocumentKind] = {
    kind.payload_type: kind
    for kind in (
        DocumentKind("root", ROOT_PAYLOAD_TYPE, RootRow, _claimed("state"), _accept_root, False),
        DocumentKind(
            "profile", PROFILE_PAYLOAD_TYPE, ProfileRow, _claimed("state"), _accept_profile
        ),
        DocumentKind("package", PACKAGE_PAYLOAD_TYPE, PackageRow, _publisher, _accept_package),
        DocumentKind(
            "position", POSITION_PAYLOAD_TYPE, PositionRow, _claimed("position"), _accept_position
        ),
        DocumentKind("act", ACT_PAYLOAD_TYPE, ActRow, _act_signer, _accept_act),
    )
}
KIND_BY_NAME: dict[str, DocumentKind] = {k.kind: k for k in DOCUMENT_KINDS.values()}


def document_kind(envelope: Envelope) -> DocumentKind:
    """The kind of a signed document, by its payload type (``UnsupportedDocument``)."""
    found = DOCUMENT_KINDS.get(envelope.payload_type)
    if found is None:
        names = ", ".join(k.kind for k in DOCUMENT_KINDS.values())
        raise UnsupportedDocument(
            f"payloadType {envelope.payload_type[:80]!r} is not a document this registry "
            f"accepts ({names})"
        )
    return found
