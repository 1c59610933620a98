"""The registry's acts as plain functions: keys, roots, profiles, packages, the log, receipts.

Why here and not in the CLI: the command line, the coming HTTP API and tests perform the same
acts, and each act must make the same checks in the same order (read inputs strictly, check
every output path, then sign or publish in one transaction). Each function takes paths and
values, returns what happened, and raises a ``CybernormsError`` subclass for every refusal;
none prints. Database failures surface as ``DatabaseUnavailable``.

Files it reads (all through ``cybernorms.service.inputs``: regular files only, size-capped,
strict JSON) and writes:

* private key: JSON written by ``SigningKey.save`` (mode 0600, refused if others can read it);
* public key (``.pub``): ``{"type": "cybernorms.public-key/1", "state", "keyid", "keytype",
  "public"}``: what a root lists, safe to share;
* root document (``new_root``): the unsigned JSON a state's key holders review, then sign;
* signed document: the DSSE-style envelope JSON (``payloadType``, ``payload``, ``signatures``);
* receipt: ``cybernorms.receipt/1`` JSON (``cybernorms.store.receipt``), checked offline by
  ``verify_receipt_file`` with the log's verifier key.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from cybernorms.errors import CybernormsError
from cybernorms.log.note import NoteVerifier
from cybernorms.model.documents import DocumentError, Problem
from cybernorms.model.profile import Profile
from cybernorms.model.readers import is_group, reader_id
from cybernorms.model.states import parse_state
from cybernorms.service.inputs import (
    check_output,
    read_bytes,
    read_json,
    read_text,
    read_yaml,
    write_text,
)
from cybernorms.service.publishing import (
    validate_package_for_publication,
    validate_position_for_publication,
)
from cybernorms.store import (
    DEFAULT_ORIGIN,
    AuditReport,
    Consistency,
    NotFound,
    Published,
    Receipt,
    Registry,
    StoredCheckpoint,
    StoredProfile,
    StoredRoot,
    StoreError,
    VerifiedReceipt,
    verify_receipt,
)
from cybernorms.trust.canonical import canonical_json, json_ready
from cybernorms.trust.envelope import (
    PACKAGE_PAYLOAD_TYPE,
    POSITION_PAYLOAD_TYPE,
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    Envelope,
    add_signatures,
    sign_document,
)
from cybernorms.trust.errors import KeyFileError, MalformedDocument
from cybernorms.trust.keys import PUBLIC_KEY_TYPE, Passphrase, PublicKey, SigningKey
from cybernorms.trust.keys import load_public_key as _read_public_key
from cybernorms.trust.root import IDENTITY, Root

#: Where the passphrase of an encrypted private key comes from, per key file (a front end's
#: environment lookup or prompt, ``cli.passphrase.unlocking``); ``None``: unencrypted keys only.
Unlock = Callable[[Path], Passphrase] | None


class InvalidRequest(CybernormsError):
    """An argument of a registry act is not valid: a state code, a date, a file name."""


class DatabaseUnavailable(StoreError):
    """The database refused or failed a statement (unreachable server, locked file, ...)."""


@contextmanager
def _database_errors() -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        first = str(exc.__cause__ or exc).splitlines()[0] if str(exc.__cause__ or exc) else ""
        raise DatabaseUnavailable(f"database: {first or type(exc).__name__}") from exc


@contextmanager
def _registry(db: str | None, log_key_file: Path | None = None) -> Iterator[Registry]:
    with _database_errors(), Registry.open(db, log_key_file=log_key_file) as registry:
        yield registry


# -- arguments --------------------------------------------------------------------------------


def state_code(value: str, what: str = "state") -> str:
    """An ISO 3166-1 alpha-3 code, as written or from a known name; ``InvalidRequest``."""
    try:
        code = parse_state(value)
    except ValueError as exc:
        raise InvalidRequest(f"{what}: {exc}") from None
    if code is None:
        raise InvalidRequest(f"{what}: a state code (ISO 3166-1 alpha-3) is required")
    return code


def holder_code(value: str, what: str = "state") -> str:
    """Who may hold a root: a state (as ``state_code`` reads it) or an identity such as
    ``forum:oewg``, ``depositary:un-sg``, ``recorder:maintainers`` or a group ``group:AU``
    (``trust.root.IDENTITY``; a group's name in any case, as ``model.readers`` reads it)."""
    if IDENTITY.fullmatch(value):
        return value
    if is_group(reader_id(value)):
        return reader_id(value)
    return state_code(value, what)


def parse_day(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from None


def parse_moment(text: str, what: str) -> datetime:
    """A date (meaning 00:00 UTC that day) or an ISO 8601 datetime with zone."""
    try:
        if len(text) == 10:
            return datetime.combine(dt.date.fromisoformat(text), dt.time(0, 0), tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(
            f"{what}: {text!r} is not a date (YYYY-MM-DD) or a datetime with zone"
        ) from None
    if moment.tzinfo is None:
        raise InvalidRequest(f"{what}: {text!r} needs a zone (Z or +HH:MM)")
    return moment


# -- keys and documents -----------------------------------------------------------------------


def load_signing_keys(paths: Sequence[Path], unlock: Unlock = None) -> list[SigningKey]:
    """Private key files (each a regular file, mode 0600; encrypted ones opened with
    ``unlock(path)``), no key twice."""
    keys: list[SigningKey] = []
    seen: set[str] = set()
    for path in paths:
        read_bytes(path, "private key")  # a regular file of bounded size, before the key reader
        key = SigningKey.load(path, unlock(path) if unlock else None)
        if key.keyid in seen:
            raise InvalidRequest(f"--key {path}: the same key is given twice")
        seen.add(key.keyid)
        keys.append(key)
    return keys


def load_public_key(path: Path) -> PublicKey:
    """A public key file, or a private key file (whose public half is taken, even locked)."""
    read_bytes(path, "key file")  # a regular file of bounded size, before the key reader
    return _read_public_key(path)


def load_envelope(path: Path) -> Envelope:
    """A signed document file, read strictly (duplicate keys, floats, depth refused)."""
    return Envelope.from_json(read_json(path, "signed document"))


def load_trusted_root(path: Path) -> Root:
    """A root the verifier trusts: a signed root file or an unsigned root document."""
    data = read_json(path, "root")
    if isinstance(data, dict) and "payloadType" in data:
        return Root.from_document(Envelope.from_json(data).document())
    if not isinstance(data, dict):
        raise MalformedDocument(f"{path}: a root document is a JSON object")
    return Root.from_document(data)


def _check_key_states(keys: Sequence[SigningKey], state: str, paths: Sequence[Path]) -> None:
    for key, path in zip(keys, paths, strict=True):
        if key.state != state:
            raise InvalidRequest(
                f"--key {path}: this key is labelled for {key.state}, the document is {state}'s"
            )


def _signable(value: Any, source: Path) -> Any:
    """``value`` as JSON, refused if it holds what a signed document cannot (a float such as
    ``version: 11.0``, which a model would otherwise read as 11 and sign as 11)."""
    data = json_ready(value)
    try:
        canonical_json(data)
    except MalformedDocument as exc:
        raise MalformedDocument(f"{source}: {exc}") from None
    return data


def _write_json(path: Path, data: Any, what: str) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", what)


# -- acts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Initialised:
    url: str
    origin: str
    size: int
    vkey: str
    key_path: Path | None


def init_registry(
    db: str | None, origin: str = DEFAULT_ORIGIN, log_key_file: Path | None = None
) -> Initialised:
    """Create (or upgrade) the registry; on first use generate the log key into its file."""
    with _database_errors(), Registry.init(db, origin=origin, log_key_file=log_key_file) as reg:
        head = reg.head()
        return Initialised(reg.display_url, head.origin, head.size, reg.log_vkey(), reg.key_path)


def verify_receipt_file(
    receipt_file: Path, log_key: str, trusted_root: Path | None = None
) -> VerifiedReceipt:
    """Check a receipt OFFLINE: document, log entry, inclusion proof, signed checkpoint."""
    verifier = NoteVerifier.from_vkey(_vkey_text(log_key))
    pin = load_trusted_root(trusted_root) if trusted_root else None
    receipt = Receipt.loads(read_bytes(receipt_file, "receipt"))
    return verify_receipt(receipt, verifier, trusted_root=pin)


def _vkey_text(value: str) -> str:
    """``--log-key``: a file holding the verifier key, or the key text itself."""
    path = Path(value)
    if "\x00" not in value and path.exists():
        return read_text(path, "log verifier key").strip()
    if "+" in value:
        return value.strip()
    raise InvalidRequest(f"--log-key: {value!r} is neither a verifier key (name+id+key) nor a file")


@dataclass(frozen=True)
class NewKey:
    keyid: str
    private: Path
    public: Path


def new_key(
    state: str, out_dir: Path, name: str | None = None, passphrase: bytes | None = None
) -> NewKey:
    """Generate a signing key: NAME.key (private, mode 0600; encrypted with ``passphrase``
    when given) and NAME.pub."""
    code = holder_code(state, "--state")
    if name is not None and (not name or "/" in name or name.startswith(".")):
        raise InvalidRequest(f"--name: {name!r} must be a plain file name stem")
    out_dir.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate(code)
    stem = name or f"{code}-{key.keyid[:12]}"
    private, public = out_dir / f"{stem}.key", out_dir / f"{stem}.pub"
    for path in (private, public):
        if path.exists():
            raise KeyFileError(f"{path} already exists; refusing to overwrite a key")
    check_output(public, "public key")
    key.save(private, passphrase)
    _write_json(
        public,
        {"type": PUBLIC_KEY_TYPE, "state": code, "keyid": key.keyid, **key.public.to_json()},
        "public key",
    )
    return NewKey(key.keyid, private, public)


def new_root(
    state: str,
    key_files: Sequence[Path],
    threshold: int,
    expires: str,
    version: int,
    out: Path,
) -> Root:
    """Write an (unsigned) root document: the state's keys and threshold."""
    code = holder_code(state, "--state")
    moment = parse_moment(expires, "--expires")
    check_output(out, "root document")
    root = Root.create(code, version, moment, [load_public_key(p) for p in key_files], threshold)
    _write_json(out, root.to_document(), "root document")
    return root


@dataclass(frozen=True)
class Signed:
    label: str
    signatures: int
    signers: int


def sign_root(
    root_file: Path, key_files: Sequence[Path], out: Path, unlock: Unlock = None
) -> Signed:
    """Sign a root document, or add signatures to a signed one (old keys in a rotation)."""
    check_output(out, "signed root")
    keys = load_signing_keys(key_files, unlock)
    data = read_json(root_file, "root")
    if isinstance(data, dict) and "payloadType" in data:
        envelope = Envelope.from_json(data)
        root = Root.from_document(envelope.document())
        signed = add_signatures(envelope, keys)
    else:
        if not isinstance(data, dict):
            raise MalformedDocument(f"{root_file}: a root document is a JSON object")
        root = Root.from_document(data)
        signed = sign_document(ROOT_PAYLOAD_TYPE, root.to_document(), keys)
    _write_json(out, signed.to_json(), "signed root")
    return Signed(root.label, len(signed.signatures), len(keys))


def sign_profile(
    profile_file: Path, key_files: Sequence[Path], out: Path, unlock: Unlock = None
) -> Signed:
    """Validate a profile with the Profile model, then sign it with the state's keys."""
    check_output(out, "signed profile")
    document = read_yaml(profile_file, "profile")
    if not isinstance(document.value, dict):
        raise DocumentError(
            [Problem(str(profile_file), "a profile is a mapping (one version per file)")]
        )
    _signable(document.value, profile_file)
    profile: Profile = document.validate(Profile)
    code = state_code(profile.state, f"{profile_file}: state")
    if code != profile.state:
        raise InvalidRequest(f"{profile_file}: state must be written as the ISO3 code {code!r}")
    keys = load_signing_keys(key_files, unlock)
    _check_key_states(keys, code, key_files)
    payload = profile.model_dump(mode="json", exclude_none=True)
    signed = sign_document(PROFILE_PAYLOAD_TYPE, payload, keys)
    _write_json(out, signed.to_json(), "signed profile")
    return Signed(profile.label, len(signed.signatures), len(keys))


@dataclass(frozen=True)
class ReceiptWritten:
    path: Path
    index: int
    checkpoint_size: int


@dataclass(frozen=True)
class Publication:
    published: Published
    origin: str
    receipt: ReceiptWritten | None = None


def _publish(
    db: str | None,
    log_key_file: Path | None,
    receipt: Path | None,
    act: Any,
) -> Publication:
    """Open the registry, make sure a receipt can be written (path and log key) BEFORE the
    act commits, run ``act(registry)``, then write the receipt."""
    if receipt is not None:
        check_output(receipt, "receipt")
    with _registry(db, log_key_file) as registry:
        if receipt is not None:
            registry.require_signer()
        published: Published = act(registry)
        written = None
        if receipt is not None:
            proof = registry.receipt(published.log_index)
            write_text(receipt, proof.dumps(), "receipt")
            written = ReceiptWritten(receipt, published.log_index, proof.checkpoint_size)
        return Publication(published, registry.head().origin, written)


def publish_root(
    signed_root: Path, db: str | None, log_key_file: Path | None = None
) -> Publication:
    """Publish a state's first root (self-signed) or a rotation (old AND new thresholds)."""
    envelope = load_envelope(signed_root)
    return _publish(db, log_key_file, None, lambda r: r.publish_root(envelope))


def publish_profile(
    signed_profile: Path,
    db: str | None,
    receipt: Path | None = None,
    log_key_file: Path | None = None,
) -> Publication:
    """Publish a profile version: its state's threshold, a version above every earlier one."""
    envelope = load_envelope(signed_profile)
    return _publish(db, log_key_file, receipt, lambda r: r.publish_profile(envelope))


@dataclass(frozen=True)
class PackagePublication:
    publication: Publication
    examples_checked: int


def publish_package(
    package_file: Path,
    key_files: Sequence[Path],
    publisher: str | None,
    db: str | None,
    receipt: Path | None = None,
    log_key_file: Path | None = None,
    unlock: Unlock = None,
) -> PackagePublication:
    """Validate a package as ``check`` does (``validate_package_for_publication``), then sign
    and publish it; its SHA-256 (canonical JSON) is its identity. Nothing is signed or logged
    unless every check passes."""
    if receipt is not None:
        check_output(receipt, "receipt")
    validated = validate_package_for_publication(package_file)
    document = _signable(validated.document, package_file)
    keys = load_signing_keys(key_files, unlock)
    code = state_code(publisher or keys[0].state, "--publisher")
    _check_key_states(keys, code, key_files)
    envelope = sign_document(PACKAGE_PAYLOAD_TYPE, document, keys)
    publication = _publish(db, log_key_file, receipt, lambda r: r.publish_package(envelope, code))
    return PackagePublication(publication, validated.examples_checked)


@dataclass(frozen=True)
class PositionPublication:
    publication: Publication
    examples_checked: int


def publish_position(
    position_file: Path,
    key_files: Sequence[Path],
    db: str | None,
    receipt: Path | None = None,
    log_key_file: Path | None = None,
    unlock: Unlock = None,
) -> PositionPublication:
    """Check a national position as ``check`` does (``validate_position_for_publication``),
    then sign it with the keys of the state it names and publish it. Nothing is signed or
    logged unless every check passes."""
    if receipt is not None:
        check_output(receipt, "receipt")
    validated = validate_position_for_publication(position_file)
    document = _signable(validated.document, position_file)
    keys = load_signing_keys(key_files, unlock)
    _check_key_states(keys, validated.state, key_files)
    envelope = sign_document(POSITION_PAYLOAD_TYPE, document, keys)
    publication = _publish(db, log_key_file, receipt, lambda r: r.publish_position(envelope))
    return PositionPublication(publication, validated.examples_checked)


@dataclass(frozen=True)
class PackageListing:
    name: str
    version: str
    publisher: str
    digest: str
    log_index: int
    logged_at: str


def list_packages(db: str | None, name: str | None = None) -> list[PackageListing]:
    """The signed packages in the registry (name, version, publisher, identity, log entry)."""
    with _registry(db) as registry:
        return [
            PackageListing(
                p.info.name, p.info.version, p.publisher, p.digest, p.log_index, p.logged_at
            )
            for p in registry.packages(name)
        ]


def show_package(db: str | None, name: str, version: str | None = None) -> dict[str, Any]:
    """One signed package's document (default: its last published version); ``NotFound``."""
    with _registry(db) as registry:
        found = [p for p in registry.packages(name) if version is None or p.info.version == version]
    if not found:
        which = f"version {version}" if version else "any version"
        raise NotFound(f"no package {name} ({which}) in the registry")
    return found[-1].envelope.document()


# -- reads ------------------------------------------------------------------------------------


def root_history(state: str, db: str | None) -> list[StoredRoot]:
    """Every root version of a state, re-verified as a chain; ``NotFound`` if none."""
    code = holder_code(state, "STATE")
    with _registry(db) as registry:
        chain = registry.roots(code)
    if not chain:
        raise NotFound(f"{code} has no root of trust in this registry")
    return chain


def show_profile(
    state: str, db: str | None, version: int | None = None, as_of: str | None = None
) -> StoredProfile:
    """One profile version (default: the latest), or the one in force on ``as_of``, chosen
    on the verified signed documents."""
    code = state_code(state, "STATE")
    if version is not None and as_of is not None:
        raise InvalidRequest("give --version or --as-of, not both")
    day = parse_day(as_of, "--as-of") if as_of is not None else None
    with _registry(db) as registry:
        if day is None:
            return registry.profile(code, version)
        found = registry.profiles_as_of(day, code).get(code)
    if found is None:
        raise NotFound(f"no profile of {code} in force on {day}")
    return found


def profile_history(state: str, db: str | None) -> list[StoredProfile]:
    code = state_code(state, "STATE")
    with _registry(db) as registry:
        history = registry.profile_history(code)
    if not history:
        raise NotFound(f"no profile of {code} in the registry")
    return history


# -- the log ----------------------------------------------------------------------------------


def log_vkey(db: str | None, out: Path | None = None) -> str:
    """The log's verifier key (written to ``out`` when given)."""
    if out is not None:
        check_output(out, "verifier key")
    with _registry(db) as registry:
        vkey = registry.log_vkey()
    if out is not None:
        write_text(out, vkey + "\n", "verifier key")
    return vkey


def sign_checkpoint(
    db: str | None, out: Path | None = None, log_key_file: Path | None = None
) -> StoredCheckpoint:
    """Sign (or return) the checkpoint of the log at its current size."""
    if out is not None:
        check_output(out, "checkpoint")
    with _registry(db, log_key_file) as registry:
        stored = registry.checkpoint()
    if out is not None:
        write_text(out, stored.note, "checkpoint")
    return stored


def prove_entry(
    entry: int,
    db: str | None,
    size: int | None = None,
    out: Path | None = None,
    log_key_file: Path | None = None,
) -> Receipt:
    """A receipt for one log entry (written to ``out`` when given)."""
    if out is not None:
        check_output(out, "receipt")
    with _registry(db, log_key_file) as registry:
        receipt = registry.receipt(entry, size=size)
    if out is not None:
        write_text(out, receipt.dumps(), "receipt")
    return receipt


def verify_log(db: str | None, log_key_file: Path | None = None) -> AuditReport:
    """The full audit (``Registry.verify_log``); the report lists every problem found."""
    with _registry(db, log_key_file) as registry:
        return registry.verify_log()


def check_consistency(
    old_checkpoint: Path, db: str | None, log_key_file: Path | None = None
) -> Consistency:
    """Prove that the log today extends an older checkpoint (it was never rewritten)."""
    note = read_text(old_checkpoint, "checkpoint")
    with _registry(db, log_key_file) as registry:
        return registry.consistency(note)
