"""Subcommands of the registry: keys, roots, profiles, packages, the log, offline verification.

The CLI is a thin shell over ``cybernorms.trust`` (keys, signing) and ``cybernorms.store``
(the registry): it reads files, calls one function, prints the outcome. Every refusal prints
``refused (Reason): what exactly`` on stderr and exits 1; since each act is one transaction,
a refused command leaves the registry as it was.

Files it reads and writes:

* private key: JSON written by ``SigningKey.save`` (mode 0600, refused if others can read it);
* public key (``.pub``): ``{"type": "cybernorms.public-key/1", "state", "keyid", "keytype",
  "public"}``: what a root lists, safe to share;
* root document (``root new``): the unsigned JSON a state's key holders review, then sign;
* signed document: the DSSE-style envelope JSON (``payloadType``, ``payload``, ``signatures``);
* receipt: ``cybernorms.receipt/1`` JSON (``cybernorms.store.receipt``), checked offline by
  ``cybernorms verify`` with the log's verifier key (``cybernorms log key``).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from cybernorms.cli.passphrase import new_key_passphrase, unlocking
from cybernorms.log.note import NoteError, NoteVerifier
from cybernorms.log.proofs import ProofError
from cybernorms.model.documents import DocumentError, load_file
from cybernorms.model.profile import Profile
from cybernorms.model.states import parse_state
from cybernorms.store import (
    DEFAULT_DB_URL,
    DEFAULT_ORIGIN,
    Published,
    Receipt,
    ReceiptError,
    Registry,
    StoredProfile,
    StoreError,
    verify_receipt,
)
from cybernorms.trust.envelope import (
    PACKAGE_PAYLOAD_TYPE,
    PROFILE_PAYLOAD_TYPE,
    ROOT_PAYLOAD_TYPE,
    Envelope,
    add_signatures,
    sign_document,
)
from cybernorms.trust.errors import MalformedDocument, TrustError
from cybernorms.trust.keys import PUBLIC_KEY_TYPE, PublicKey, SigningKey, load_public_key
from cybernorms.trust.root import Root
from cybernorms.trust.strict_json import load_json

out = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one refusal, one line

DB_OPTION_HELP = f"Registry database URL (default: $CYBERNORMS_DB, else {DEFAULT_DB_URL})."


def _db_option() -> Any:
    return typer.Option(None, "--db", envvar="CYBERNORMS_DB", help=DB_OPTION_HELP)


def _keys_option(help_text: str) -> Any:
    return typer.Option(..., "--key", "-k", help=help_text)


def fail(message: str) -> NoReturn:
    err.print(f"error: {escape(message)}")
    raise typer.Exit(1)


@contextmanager
def refusals() -> Iterator[None]:
    """Turn every expected failure into one line on stderr and exit status 1."""
    try:
        yield
    except TrustError as exc:
        err.print(f"refused ({type(exc).__name__}): {escape(str(exc))}")
        raise typer.Exit(1) from None
    except (StoreError, ReceiptError) as exc:
        err.print(f"refused ({type(exc).__name__}): {escape(str(exc))}")
        raise typer.Exit(1) from None
    except (NoteError, ProofError) as exc:
        err.print(f"refused ({type(exc).__name__}): {escape(str(exc))}")
        raise typer.Exit(1) from None
    except DocumentError as exc:
        for problem in exc.problems:
            err.print(f"error: {escape(str(problem))}")
        raise typer.Exit(1) from None
    except SQLAlchemyError as exc:
        err.print(f"error: database: {escape(str(exc.__cause__ or exc).splitlines()[0])}")
        raise typer.Exit(1) from None
    except OSError as exc:
        err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(1) from None


# -- reading and writing files ---------------------------------------------------------------


def _state(value: str, option: str = "--state") -> str:
    try:
        code = parse_state(value)
    except ValueError as exc:
        fail(f"{option}: {exc}")
    if code is None:
        fail(f"{option}: a state code (ISO 3166-1 alpha-3) is required")
    return code


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date (YYYY-MM-DD)")


def _moment(text: str, option: str) -> datetime:
    """A date (meaning 00:00 UTC that day) or an ISO 8601 datetime with zone."""
    try:
        if len(text) == 10:
            return datetime.combine(dt.date.fromisoformat(text), dt.time(0, 0), tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date (YYYY-MM-DD) or a datetime with zone")
    if moment.tzinfo is None:
        fail(f"{option}: {text!r} needs a zone (Z or +HH:MM)")
    return moment


def _read_json(path: Path, what: str) -> Any:
    """Strictly (duplicate keys, floats, depth, size refused): what is signed is what is read."""
    return load_json(path.read_bytes(), f"{path} ({what})")


def _write(path: Path | None, text: str) -> None:
    """Write ``text`` to ``path`` (or stdout); never replaces a file with a partial one."""
    if path is None:
        sys.stdout.write(text)
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _write_json(path: Path | None, data: Any) -> None:
    _write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _load_signing_keys(paths: Sequence[Path]) -> list[SigningKey]:
    keys = [SigningKey.load(p, unlocking(p)) for p in paths]
    seen: set[str] = set()
    for path, key in zip(paths, keys, strict=True):
        if key.keyid in seen:
            fail(f"--key {path}: the same key is given twice")
        seen.add(key.keyid)
    return keys


def _load_public_key(path: Path) -> PublicKey:
    """A public key file, or a private key file (whose public half is taken, even if locked)."""
    return load_public_key(path)


def _load_envelope(path: Path) -> Envelope:
    return Envelope.from_json(path.read_bytes())


def _check_key_states(keys: Sequence[SigningKey], state: str, paths: Sequence[Path]) -> None:
    for key, path in zip(keys, paths, strict=True):
        if key.state != state:
            fail(f"--key {path}: this key is labelled for {key.state}, the document is {state}'s")


def _jsonable(value: Any, path: str = "$") -> Any:
    """YAML values as JSON values: dates become ISO strings; anything else non-JSON is refused
    by canonicalisation, which names the path."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def _print_published(published: Published, registry: Registry) -> None:
    out.print(
        f"accepted: {published.label} (sha256 {published.entry.digest}) "
        f"as log entry {published.log_index} of {registry.head().origin}"
    )


def _write_receipt(registry: Registry, index: int, path: Path) -> None:
    receipt = registry.receipt(index)
    _write(path, receipt.dumps())
    out.print(
        f"receipt: {path} (entry {index} under the checkpoint of size {receipt.checkpoint_size})"
    )


# -- commands ---------------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    """Add init, verify and the keys, root, profile, package and log groups to the root."""
    keys_app = typer.Typer(help="Signing keys of a state.", no_args_is_help=True)
    root_app = typer.Typer(
        help="A state's root of trust: its keys and threshold.", no_args_is_help=True
    )
    profile_app = typer.Typer(
        help="A state's signed profile, version by version.", no_args_is_help=True
    )
    package_app = typer.Typer(help="Signed, content-addressed packages.", no_args_is_help=True)
    log_app = typer.Typer(
        help="The transparency log: checkpoints, proofs, audits.", no_args_is_help=True
    )
    app.add_typer(keys_app, name="keys")
    app.add_typer(root_app, name="root")
    app.add_typer(profile_app, name="profile")
    app.add_typer(package_app, name="package")
    app.add_typer(log_app, name="log")

    @app.command("init")
    def init(
        db: str | None = _db_option(),
        origin: str = typer.Option(
            DEFAULT_ORIGIN, "--origin", help="The log's name (first line of its checkpoints)."
        ),
    ) -> None:
        """Create the registry (or upgrade its schema); generate the log's checkpoint key."""
        with refusals(), Registry.init(db, origin=origin) as registry:
            head = registry.head()
            out.print(f"registry ready: {registry.display_url}")
            out.print(f"log: {head.origin}, {head.size} entries")
            out.print(f"log verifier key: {registry.log_vkey()}")

    @app.command("verify")
    def verify(
        receipt_file: Path = typer.Argument(
            ..., help="Receipt file (from `log prove` or `--receipt`)."
        ),
        log_key: str = typer.Option(
            ...,
            "--log-key",
            envvar="CYBERNORMS_LOG_KEY",
            help="The log's verifier key (name+id+key text) or a file holding it.",
        ),
        trusted_root: Path | None = typer.Option(
            None, "--root", help="A root you trust for the publisher (pins the root chain)."
        ),
    ) -> None:
        """Check a receipt OFFLINE: document, log entry, inclusion proof, signed checkpoint."""
        with refusals():
            verifier = NoteVerifier.from_vkey(_vkey_text(log_key))
            pin = _load_trusted_root(trusted_root) if trusted_root else None
            receipt = Receipt.loads(receipt_file.read_bytes())
            result = verify_receipt(receipt, verifier, trusted_root=pin)
        entry = result.entry
        version = "" if entry.version is None else f" v{entry.version}"
        name = entry.extra.get("name", "")
        out.print(
            f"OK: {entry.kind} {name + ' ' if name else ''}{entry.state}{version} "
            f"(sha256 {entry.digest})"
        )
        out.print(
            f"  is entry {result.index} of {result.checkpoint.origin}, included under its "
            f"signed checkpoint of size {result.checkpoint.size}"
        )
        vouched = result.root.label if result.root else "its own keys (first root)"
        out.print(f"  signed by the threshold of {vouched}; valid when logged at {entry.logged_at}")
        if not result.pinned:
            out.print(
                "  note: the root chain was taken from the receipt (trust on first use); "
                "pin a root you obtained independently with --root"
            )

    # -- keys ------------------------------------------------------------------------------

    @keys_app.command("new")
    def keys_new(
        state: str = typer.Option(..., "--state", help="ISO 3166-1 alpha-3 code of the state."),
        out_dir: Path = typer.Option(..., "--out", help="Directory for the key files."),
        name: str | None = typer.Option(
            None, "--name", help="File name stem (default: STATE-<start of key id>)."
        ),
        passphrase_env: str | None = typer.Option(
            None,
            "--passphrase-env",
            metavar="VAR",
            help="Encrypt the private key with the passphrase in environment variable VAR.",
        ),
        passphrase_prompt: bool = typer.Option(
            False, "--passphrase", help="Encrypt the private key with a passphrase asked twice."
        ),
    ) -> None:
        """Generate a signing key: NAME.key (private, mode 0600) and NAME.pub; print the key id.

        With --passphrase or --passphrase-env the private key is stored encrypted (PKCS#8);
        commands that sign read its passphrase from $CYBERNORMS_KEY_PASSPHRASE, or ask for it.
        """
        code = _state(state)
        passphrase = new_key_passphrase(passphrase_env, passphrase_prompt)
        if name is not None and (not name or "/" in name or name.startswith(".")):
            fail(f"--name: {name!r} must be a plain file name stem")
        with refusals():
            out_dir.mkdir(parents=True, exist_ok=True)
            key = SigningKey.generate(code)
            stem = name or f"{code}-{key.keyid[:12]}"
            if (out_dir / f"{stem}.pub").exists():
                fail(f"{out_dir / (stem + '.pub')} already exists; refusing to overwrite a key")
            private, public = out_dir / f"{stem}.key", out_dir / f"{stem}.pub"
            key.save(private, passphrase)
            _write_json(
                public,
                {
                    "type": PUBLIC_KEY_TYPE,
                    "state": code,
                    "keyid": key.keyid,
                    **key.public.to_json(),
                },
            )
        out.print(f"key id: {key.keyid}")
        sealed = ", encrypted with your passphrase" if passphrase else ""
        out.print(f"private key: {private} (mode 0600{sealed}; keep it secret)")
        out.print(f"public key: {public}")

    # -- roots -----------------------------------------------------------------------------

    @root_app.command("new")
    def root_new(
        state: str = typer.Option(..., "--state", help="ISO3 code of the state."),
        key: list[Path] = _keys_option("Public (.pub) or private key file of a root key; repeat."),
        threshold: int = typer.Option(..., "--threshold", help="How many keys must sign."),
        expires: str = typer.Option(
            ..., "--expires", help="Expiry: YYYY-MM-DD (00:00 UTC) or datetime."
        ),
        version: int = typer.Option(1, "--version", help="Root version (1, then +1 per rotation)."),
        out_file: Path = typer.Option(
            ..., "--out", help="Where to write the unsigned root document."
        ),
    ) -> None:
        """Write an (unsigned) root document: the state's keys and threshold."""
        code = _state(state)
        moment = _moment(expires, "--expires")
        with refusals():
            root = Root.create(code, version, moment, [_load_public_key(p) for p in key], threshold)
            _write_json(out_file, root.to_document())
        out.print(
            f"wrote {out_file}: {root.label}, {root.threshold} of {len(root.keys)} keys, "
            f"expires {root.expires:%Y-%m-%dT%H:%M:%SZ}; sign it with `cybernorms root sign`"
        )

    @root_app.command("sign")
    def root_sign(
        root_file: Path = typer.Argument(..., help="Root document, or a signed root to co-sign."),
        key: list[Path] = _keys_option("Private key file; repeat for each signer."),
        out_file: Path = typer.Option(..., "--out", help="Where to write the signed root."),
    ) -> None:
        """Sign a root document (or add signatures to a signed one, e.g. old keys in a rotation)."""
        with refusals():
            keys = _load_signing_keys(key)
            data = _read_json(root_file, "root")
            if isinstance(data, dict) and "payloadType" in data:
                envelope = Envelope.from_json(data)
                root = Root.from_document(envelope.document())
                signed = add_signatures(envelope, keys)
            else:
                if not isinstance(data, dict):
                    raise MalformedDocument(f"{root_file}: a root document is a JSON object")
                root = Root.from_document(data)
                signed = sign_document(ROOT_PAYLOAD_TYPE, root.to_document(), keys)
            _write_json(out_file, signed.to_json())
        out.print(f"wrote {out_file}: {root.label} with {len(signed.signatures)} signature(s)")

    @root_app.command("publish")
    def root_publish(
        signed_root: Path = typer.Argument(..., help="Signed root (from `root sign`)."),
        db: str | None = _db_option(),
    ) -> None:
        """Publish a state's first root (self-signed) or a rotation (old AND new thresholds)."""
        with refusals(), Registry.open(db) as registry:
            _print_published(registry.publish_root(_load_envelope(signed_root)), registry)

    @root_app.command("history")
    def root_history(
        state: str = typer.Argument(..., help="ISO3 code of the state."),
        db: str | None = _db_option(),
    ) -> None:
        """Every root version of a state: keys, threshold, expiry, log entry."""
        code = _state(state, "STATE")
        with refusals(), Registry.open(db) as registry:
            chain = registry.roots(code)
        if not chain:
            fail(f"{code} has no root of trust in this registry")
        table = Table("version", "threshold", "keys", "expires", "logged at", "log entry")
        for stored in chain:
            r = stored.root
            ids = "\n".join(k[:16] + "…" for k in sorted(r.keys))
            table.add_row(
                str(r.version),
                f"{r.threshold} of {len(r.keys)}",
                ids,
                f"{r.expires:%Y-%m-%dT%H:%M:%SZ}",
                stored.logged_at,
                str(stored.log_index),
            )
        out.print(table)

    # -- profiles --------------------------------------------------------------------------

    @profile_app.command("sign")
    def profile_sign(
        profile_file: Path = typer.Argument(..., help="Profile YAML or JSON (one version)."),
        key: list[Path] = _keys_option("Private key file of the state; repeat for each signer."),
        out_file: Path = typer.Option(..., "--out", help="Where to write the signed profile."),
    ) -> None:
        """Validate a profile with the Profile model, then sign it with the state's keys."""
        with refusals():
            document = load_file(profile_file)
            if not isinstance(document.value, dict):
                fail(f"{profile_file}: a profile is a mapping (one version per file)")
            profile = document.validate(Profile)
            code = _state(profile.state, f"{profile_file}: state")
            if code != profile.state:
                fail(f"{profile_file}: state must be written as the ISO3 code {code!r}")
            keys = _load_signing_keys(key)
            _check_key_states(keys, code, key)
            payload = profile.model_dump(mode="json", exclude_none=True)
            signed = sign_document(PROFILE_PAYLOAD_TYPE, payload, keys)
            _write_json(out_file, signed.to_json())
        out.print(
            f"wrote {out_file}: {profile.label} signed by {len(keys)} key(s); "
            f"publish it with `cybernorms profile publish`"
        )

    @profile_app.command("publish")
    def profile_publish(
        signed_profile: Path = typer.Argument(..., help="Signed profile (from `profile sign`)."),
        db: str | None = _db_option(),
        receipt: Path | None = typer.Option(
            None, "--receipt", help="Also write an offline-verifiable receipt here."
        ),
    ) -> None:
        """Publish a profile version: its state's threshold, a version above every earlier one."""
        with refusals(), Registry.open(db) as registry:
            published = registry.publish_profile(_load_envelope(signed_profile))
            _print_published(published, registry)
            if receipt is not None:
                _write_receipt(registry, published.log_index, receipt)

    @profile_app.command("show")
    def profile_show(
        state: str = typer.Argument(..., help="ISO3 code of the state."),
        version: int | None = typer.Option(None, "--version", help="This version."),
        as_of: str | None = typer.Option(None, "--as-of", help="The version in force that day."),
        as_json: bool = typer.Option(False, "--json", help="Print only the signed document."),
        db: str | None = _db_option(),
    ) -> None:
        """Show one profile version (default: the latest), verified against the log."""
        code = _state(state, "STATE")
        if version is not None and as_of is not None:
            fail("give --version or --as-of, not both")
        with refusals(), Registry.open(db) as registry:
            if as_of is not None:
                day = _date(as_of, "--as-of")
                found = registry.profiles_as_of(day, code).get(code)
                if found is None:
                    fail(f"no profile of {code} in force on {day}")
                stored = found
            else:
                stored = registry.profile(code, version)
        _print_profile(stored, as_json)

    @profile_app.command("history")
    def profile_history(
        state: str = typer.Argument(..., help="ISO3 code of the state."),
        db: str | None = _db_option(),
    ) -> None:
        """Every profile version of a state, with dates, root and log entry."""
        code = _state(state, "STATE")
        with refusals(), Registry.open(db) as registry:
            history = registry.profile_history(code)
        if not history:
            fail(f"no profile of {code} in the registry")
        table = Table(
            "version", "effective from", "expires", "root", "logged at", "log entry", "sha256"
        )
        for stored in history:
            p = stored.profile
            table.add_row(
                str(p.version),
                str(p.effective_from),
                str(p.expires or "-"),
                f"v{stored.root_version}",
                stored.logged_at,
                str(stored.log_index),
                stored.digest[:16] + "…",
            )
        out.print(table)

    # -- packages --------------------------------------------------------------------------

    @package_app.command("publish")
    def package_publish(
        package_file: Path = typer.Argument(..., help="Package YAML or JSON."),
        key: list[Path] = _keys_option("Private key file of the publisher; repeat."),
        publisher: str | None = typer.Option(
            None,
            "--publisher",
            help="ISO3 code of the state whose root signs it (default: the keys' state).",
        ),
        db: str | None = _db_option(),
        receipt: Path | None = typer.Option(
            None, "--receipt", help="Also write an offline-verifiable receipt here."
        ),
    ) -> None:
        """Sign and publish a package; its SHA-256 (canonical JSON) is its identity."""
        with refusals():
            document = load_file(package_file)
            if not isinstance(document.value, dict):
                fail(f"{package_file}: a package is a mapping with 'package:' and 'version:'")
            keys = _load_signing_keys(key)
            code = _state(publisher or keys[0].state, "--publisher")
            _check_key_states(keys, code, key)
            envelope = sign_document(PACKAGE_PAYLOAD_TYPE, _jsonable(document.value), keys)
            with Registry.open(db) as registry:
                published = registry.publish_package(envelope, code)
                _print_published(published, registry)
                if receipt is not None:
                    _write_receipt(registry, published.log_index, receipt)

    # -- the log ---------------------------------------------------------------------------

    @log_app.command("key")
    def log_key_cmd(
        db: str | None = _db_option(),
        out_file: Path | None = typer.Option(None, "--out", help="Write the key to this file."),
    ) -> None:
        """Print the log's verifier key, which offline verifiers need (`verify --log-key`)."""
        with refusals(), Registry.open(db) as registry:
            vkey = registry.log_vkey()
            _write(out_file, vkey + "\n")
        if out_file is not None:
            out.print(f"wrote {out_file}")

    @log_app.command("checkpoint")
    def log_checkpoint(
        db: str | None = _db_option(),
        out_file: Path | None = typer.Option(None, "--out", help="Write the signed note here."),
    ) -> None:
        """Sign a checkpoint of the log at its current size and print it (C2SP signed note)."""
        with refusals(), Registry.open(db) as registry:
            stored = registry.checkpoint()
            _write(out_file, stored.note)
        if out_file is not None:
            out.print(f"wrote {out_file}: checkpoint of size {stored.checkpoint.size}")

    @log_app.command("prove")
    def log_prove(
        entry_id: int = typer.Argument(..., help="Log entry index (0-based)."),
        size: int | None = typer.Option(
            None, "--size", help="Prove under the existing checkpoint of this size."
        ),
        out_file: Path | None = typer.Option(None, "--out", help="Write the receipt here."),
        db: str | None = _db_option(),
    ) -> None:
        """Write a receipt for one entry: document, entry, inclusion proof, signed checkpoint."""
        with refusals(), Registry.open(db) as registry:
            receipt = registry.receipt(entry_id, size=size)
            _write(out_file, receipt.dumps())
        if out_file is not None:
            out.print(
                f"wrote {out_file}: entry {entry_id} under the checkpoint of size "
                f"{receipt.checkpoint_size}"
            )

    @log_app.command("verify")
    def log_verify(db: str | None = _db_option()) -> None:
        """Recompute the whole tree from the entries; check nodes, checkpoints and records."""
        with refusals(), Registry.open(db) as registry:
            report = registry.verify_log()
        if not report.ok:
            for problem in report.problems:
                err.print(f"problem: {escape(problem)}")
            err.print(
                f"refused (LogIntegrityError): the log failed {len(report.problems)} check(s)"
            )
            raise typer.Exit(1)
        counts = ", ".join(f"{n} {kind}(s)" for kind, n in report.records.items())
        out.print(
            f"OK: {report.size} entries, tree and {report.checkpoints} checkpoint(s) consistent; "
            f"{counts} re-verified"
        )

    @log_app.command("consistency")
    def log_consistency(
        old_checkpoint: Path = typer.Argument(..., help="A checkpoint (signed note) seen earlier."),
        db: str | None = _db_option(),
    ) -> None:
        """Prove that the log today extends an older checkpoint (it was never rewritten)."""
        with refusals(), Registry.open(db) as registry:
            result = registry.consistency(old_checkpoint.read_text(encoding="utf-8"))
        new = result.new.checkpoint
        out.print(
            f"OK: the log at size {new.size} is consistent with the checkpoint at size "
            f"{result.old_size} ({len(result.proof)} proof hashes)"
        )
        out.print(result.new.note, end="")


def _print_profile(stored: StoredProfile, as_json: bool) -> None:
    document = stored.envelope.document()
    if as_json:
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    p = stored.profile
    out.print(
        f"{p.label}  in force from {p.effective_from}"
        + (f" until {p.expires}" if p.expires else "")
    )
    out.print(
        f"  signed under {p.state} root v{stored.root_version} by "
        f"{len(stored.envelope.signatures)} key(s); log entry {stored.log_index}, "
        f"logged at {stored.logged_at}; sha256 {stored.digest}"
    )
    if p.illustrative:
        out.print("  illustrative: not the state's own text")
    out.print(json.dumps(document, indent=2, ensure_ascii=False), markup=False)


def _vkey_text(value: str) -> str:
    """``--log-key``: the key text itself, or a file that holds it."""
    path = Path(value)
    if "+" not in value and path.exists():
        return path.read_text(encoding="utf-8").strip()
    if "+" in value:
        return value.strip()
    fail(f"--log-key: {value!r} is neither a verifier key (name+id+key) nor a file")


def _load_trusted_root(path: Path) -> Root:
    """A root the verifier trusts: a signed root file or an unsigned root document."""
    data = _read_json(path, "root")
    if isinstance(data, dict) and "payloadType" in data:
        return Root.from_document(Envelope.from_json(data).document())
    if not isinstance(data, dict):
        raise MalformedDocument(f"{path}: a root document is a JSON object")
    return Root.from_document(data)
