"""The registry: persistence of signed acts on a transparency log (SQLAlchemy 2).

SQLite by default (a file, WAL mode), PostgreSQL by URL. The registry holds every version of
each state's root of trust and profile, signed packages and positions (content-addressed),
the Merkle log of every act with its perfect-subtree nodes, and signed checkpoints. Writes go
through ``Registry``; the evaluation core reads profiles through ``profiles_as_of``; offline
verification of a receipt needs only ``verify_receipt`` and the log's verifier key.
"""

from cybernorms.store.audit import AuditReport
from cybernorms.store.engine import DB_ENV_VAR, DEFAULT_DB_URL, resolve_url
from cybernorms.store.entries import Entry, payload_digest
from cybernorms.store.errors import (
    AlreadyPublished,
    LogIntegrityError,
    NoRootOfTrust,
    NotFound,
    NotInitialised,
    StoreError,
)
from cybernorms.store.logdb import Head, StoredCheckpoint
from cybernorms.store.logkey import LOG_KEY_ENV_VAR, LogKeyUnavailable
from cybernorms.store.profiles import profiles_as_of
from cybernorms.store.receipt import Receipt, ReceiptError, VerifiedReceipt, verify_receipt
from cybernorms.store.records import StoredPackage, StoredProfile, StoredRoot
from cybernorms.store.registry import DEFAULT_ORIGIN, Consistency, Published, Registry

__all__ = [
    "DB_ENV_VAR",
    "DEFAULT_DB_URL",
    "DEFAULT_ORIGIN",
    "LOG_KEY_ENV_VAR",
    "AlreadyPublished",
    "AuditReport",
    "Consistency",
    "Entry",
    "Head",
    "LogIntegrityError",
    "LogKeyUnavailable",
    "NoRootOfTrust",
    "NotFound",
    "NotInitialised",
    "Published",
    "Receipt",
    "ReceiptError",
    "Registry",
    "StoreError",
    "StoredCheckpoint",
    "StoredPackage",
    "StoredProfile",
    "StoredRoot",
    "VerifiedReceipt",
    "payload_digest",
    "profiles_as_of",
    "resolve_url",
    "verify_receipt",
]
