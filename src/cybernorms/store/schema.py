"""The registry's tables (SQLAlchemy 2 typed declarative models).

Every record table (roots, profiles, packages, positions, acts, decisions) keeps the exact
signed envelope bytes and points at the log entry that published it (``log_index``, a foreign
key, unique):
the database itself refuses a record without its log entry. The reverse direction (no entry
without its record) holds because both are written in one transaction, and ``verify_log``
checks it.

The tree keeps only perfect-subtree hashes keyed ``(level, index)``: they never change once
written, so the table is append-only and any proof reads O(log n) rows by primary key.
On SQLite that table is ``WITHOUT ROWID`` (the primary key *is* the storage order).

Timestamps are stored as the same ``YYYY-MM-DDTHH:MM:SSZ`` text that appears in the signed
log entries, so a record and its entry compare byte for byte; dates are real ``DATE`` columns
because queries compare them (``effective_from <= as_of``).

The migrations in ``cybernorms/store/migrations/versions`` create exactly these tables; a test
compares the two, so a change here without a migration fails.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Names for constraints, so migrations on SQLite and PostgreSQL name them the same way.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A log index: 64-bit on PostgreSQL; on SQLite plain INTEGER, which is 64-bit anyway and makes
# ``log_entries.idx`` an alias of the rowid (the fastest key SQLite has).
LogIndex = BigInteger().with_variant(Integer(), "sqlite")

KINDS = ("root", "profile", "package", "position", "act", "decision")
#: Who holds a root: an ISO3 state or an identity such as ``forum:oewg`` (``trust.root``).
HOLDER_LENGTH = 120
HEAD_ID = 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class LogHead(Base):
    """The one row every write transaction locks first; ``size`` is the number of entries."""

    __tablename__ = "log_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    origin: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(LogIndex)


class LogKey(Base):
    """The log's checkpoint verifier key; the private key is in a file (``store.logkey``)."""

    __tablename__ = "log_key"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    vkey: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[str] = mapped_column(String(20))


class LogEntry(Base):
    """One logged act: the exact entry bytes (canonical JSON) and their RFC 9162 leaf hash.

    ``kind``, ``state``, ``version`` and ``digest`` repeat fields of the entry for queries.
    """

    __tablename__ = "log_entries"
    __table_args__ = (CheckConstraint(f"kind IN {KINDS!r}", name="kind"),)

    idx: Mapped[int] = mapped_column(LogIndex, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str | None] = mapped_column(String(HOLDER_LENGTH))
    version: Mapped[str | None] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64), index=True)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary)
    entry: Mapped[bytes] = mapped_column(LargeBinary)
    logged_at: Mapped[str] = mapped_column(String(20))


class TreeNode(Base):
    """A perfect subtree's hash: covers leaves ``[idx * 2**level, (idx + 1) * 2**level)``."""

    __tablename__ = "tree_nodes"
    __table_args__ = ({"sqlite_with_rowid": False},)

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(LogIndex, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class CheckpointRow(Base):
    """A signed checkpoint (C2SP signed note); one per tree size, never replaced."""

    __tablename__ = "checkpoints"

    size: Mapped[int] = mapped_column(LogIndex, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(20))


class RootRow(Base):
    """Every version of every state's root of trust."""

    __tablename__ = "roots"

    state: Mapped[str] = mapped_column(String(HOLDER_LENGTH), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    digest: Mapped[str] = mapped_column(String(64))
    envelope: Mapped[bytes] = mapped_column(LargeBinary)
    expires: Mapped[str] = mapped_column(String(20))
    threshold: Mapped[int] = mapped_column(Integer)
    log_index: Mapped[int] = mapped_column(LogIndex, ForeignKey("log_entries.idx"), unique=True)


class ProfileRow(Base):
    """Every version of every state's profile, with the root version that accepted it."""

    __tablename__ = "profiles"
    __table_args__ = (
        ForeignKeyConstraint(
            ["state", "root_version"],
            ["roots.state", "roots.version"],
            name="fk_profiles_root",
        ),
    )

    state: Mapped[str] = mapped_column(String(3), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    digest: Mapped[str] = mapped_column(String(64))
    envelope: Mapped[bytes] = mapped_column(LargeBinary)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    expires: Mapped[dt.date | None] = mapped_column(Date)
    root_version: Mapped[int] = mapped_column(Integer)
    log_index: Mapped[int] = mapped_column(LogIndex, ForeignKey("log_entries.idx"), unique=True)


class PackageRow(Base):
    """A signed package, identified by the SHA-256 of its canonical form."""

    __tablename__ = "packages"
    __table_args__ = (
        UniqueConstraint("name", "version", name="uq_packages_name_version"),
        ForeignKeyConstraint(
            ["publisher", "root_version"],
            ["roots.state", "roots.version"],
            name="fk_packages_root",
        ),
    )

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(64))
    publisher: Mapped[str] = mapped_column(String(3))
    root_version: Mapped[int] = mapped_column(Integer)
    envelope: Mapped[bytes] = mapped_column(LargeBinary)
    log_index: Mapped[int] = mapped_column(LogIndex, ForeignKey("log_entries.idx"), unique=True)


class PositionRow(Base):
    """A signed national position, identified by the SHA-256 of its canonical form."""

    __tablename__ = "positions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["state", "root_version"],
            ["roots.state", "roots.version"],
            name="fk_positions_root",
        ),
    )

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    # ISO3, or group:NAME for a group's common reading (r0005)
    state: Mapped[str] = mapped_column(String(HOLDER_LENGTH))
    package: Mapped[str] = mapped_column(String(200))
    root_version: Mapped[int] = mapped_column(Integer)
    envelope: Mapped[bytes] = mapped_column(LargeBinary)
    log_index: Mapped[int] = mapped_column(LogIndex, ForeignKey("log_entries.idx"), unique=True)


class ActRow(Base):
    """A signed forum or treaty act (``cybernorms.forum``), under the root of its signer: a
    state, a forum's secretariat, a depositary or a recorder of public sources. ``act``,
    ``forum`` and ``package`` repeat fields of the signed act for queries; the forum state is
    the fold of these rows in log order, never read from the columns."""

    __tablename__ = "acts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["signer", "root_version"],
            ["roots.state", "roots.version"],
            name="fk_acts_root",
        ),
    )

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    signer: Mapped[str] = mapped_column(String(HOLDER_LENGTH))
    root_version: Mapped[int] = mapped_column(Integer)
    act: Mapped[str] = mapped_column(String(32))
    forum: Mapped[str | None] = mapped_column(String(100))
    package: Mapped[str | None] = mapped_column(String(200))
    envelope: Mapped[bytes] = mapped_column(LargeBinary)
    log_index: Mapped[int] = mapped_column(LogIndex, ForeignKey("log_entries.idx"), unique=True)


class DecisionRow(Base):
    """An evaluation's decision put on the log (issue 10): the hashes of its request and of
    its verdicts under its ``decision_id``, signed by the log's own key."""

    __tablename__ = "decisions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    decision_id: Mapped[str] = mapped_column(String(64), unique=True)
    envelope: Mapped[bytes] = mapped_column(LargeBinary)
    log_index: Mapped[int] = mapped_column(LogIndex, ForeignKey("log_entries.idx"), unique=True)


RecordRow = RootRow | ProfileRow | PackageRow | PositionRow | ActRow | DecisionRow
RECORD_TABLES: dict[str, type[RecordRow]] = {
    "root": RootRow,
    "profile": ProfileRow,
    "package": PackageRow,
    "position": PositionRow,
    "act": ActRow,
    "decision": DecisionRow,
}
