"""Subcommands of the registry: keys, roots, profiles, packages, the log, offline verification.

Thin commands over ``cybernorms.service.registry``: parse the options, call one function,
print what happened. Every refusal prints ``refused (Reason): what exactly`` (or ``error:
FILE:LINE:COL: ...`` for a document's problems) on stderr and exits 1; since each act checks
its inputs and outputs first and is then one transaction, a refused command leaves the
registry as it was. Data shown to a human passes through ``cli.terminal.printable``.

Nothing heavy is imported at module level (no SQLAlchemy, Alembic or cryptography): the
service is imported inside each command, so ``cybernorms --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cybernorms.cli.helpscreen import Command, Group
from cybernorms.cli.terminal import printable
from cybernorms.errors import CybernormsError

if TYPE_CHECKING:
    from cybernorms.service.registry import Publication
    from cybernorms.store import StoredProfile

out = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one refusal, one line

DEFAULT_DB_URL = "sqlite:///cybernorms.db"  # cybernorms.store.engine.DEFAULT_DB_URL
DB_OPTION_HELP = f"Registry database URL (default: $CYBERNORMS_DB, else {DEFAULT_DB_URL})."
LOG_KEY_FILE_HELP = (
    "The log's private key file (default: $CYBERNORMS_LOG_KEY_FILE, else DATABASE.logkey "
    "beside a SQLite file; required for PostgreSQL). Only commands that sign need it."
)


def _db_option() -> Any:
    return typer.Option(None, "--db", envvar="CYBERNORMS_DB", help=DB_OPTION_HELP)


def _log_key_file_option() -> Any:
    return typer.Option(None, "--log-key-file", help=LOG_KEY_FILE_HELP)


def _keys_option(help_text: str) -> Any:
    return typer.Option(..., "--key", "-k", help=help_text)


def say(text: str) -> None:
    """One line for a human on stdout, already made printable by the caller."""
    out.print(text, markup=False)


@contextmanager
def refusals() -> Iterator[None]:
    """Turn every expected failure into the error boundary's lines and exit status 1.

    The wording is the boundary's (``cli.boundary``), so a registry refusal reads exactly as
    any other command's; this only ends the command inside typer (``Exit``) rather than
    letting the exception reach ``main``."""
    from cybernorms.cli import boundary

    try:
        yield
    except CybernormsError as exc:
        raise typer.Exit(boundary.report_refusal(exc)) from None
    except OSError as exc:
        raise typer.Exit(boundary.report_os_error(exc)) from None


def _print_publication(publication: Publication) -> None:
    entry = publication.published
    say(
        f"accepted: {printable(entry.label)} (sha256 {entry.entry.digest}) "
        f"as log entry {entry.log_index} of {printable(publication.origin)}"
    )
    if publication.receipt is not None:
        r = publication.receipt
        say(
            f"receipt: {printable(r.path)} (entry {r.index} under the checkpoint of size "
            f"{r.checkpoint_size})"
        )


# -- commands ---------------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    """Add init, verify and the keys, root, profile, package and log groups to the root."""
    keys_app = typer.Typer(cls=Group, help="Signing keys of a state.", no_args_is_help=True)
    root_app = typer.Typer(
        cls=Group, help="A state's root of trust: its keys and threshold.", no_args_is_help=True
    )
    profile_app = typer.Typer(
        cls=Group, help="A state's signed profile, version by version.", no_args_is_help=True
    )
    package_app = typer.Typer(
        cls=Group, help="Signed, content-addressed packages.", no_args_is_help=True
    )
    log_app = typer.Typer(
        cls=Group, help="The transparency log: checkpoints, proofs, audits.", no_args_is_help=True
    )
    app.add_typer(keys_app, name="keys")
    app.add_typer(root_app, name="root")
    app.add_typer(profile_app, name="profile")
    position_app = typer.Typer(cls=Group, help="Signed national positions.", no_args_is_help=True)
    app.add_typer(package_app, name="package")
    app.add_typer(position_app, name="position")
    app.add_typer(log_app, name="log")

    @app.command("init", cls=Command)
    def init(
        db: str | None = _db_option(),
        origin: str = typer.Option(
            "cybernorms.local/log",
            "--origin",
            help="The log's name (first line of its checkpoints).",
        ),
        log_key_file: Path | None = _log_key_file_option(),
    ) -> None:
        """Create the registry (or upgrade its schema); generate the log's checkpoint key.

        The log's private key goes to a file (mode 0600) outside the database; the database
        keeps only its verifier key."""
        with refusals():
            from cybernorms.service import registry as service

            ready = service.init_registry(db, origin, log_key_file)
        say(f"registry ready: {printable(ready.url)}")
        say(f"log: {printable(ready.origin)}, {ready.size} entries")
        if ready.key_path is not None:
            say(f"log signing key: {printable(ready.key_path)} (mode 0600; keep it secret)")
        say(f"log verifier key: {printable(ready.vkey)}")

    @app.command("verify", cls=Command)
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
        """Check a receipt OFFLINE: document, log entry, inclusion proof, signed checkpoint.

        A decision receipt (``forum close --receipt``, ``log decisions``) is checked whole:
        every entry of the log prefix against the checkpoint, every act's signature, and the
        decisions and entry-into-force dates recomputed from it."""
        with refusals():
            from cybernorms.service import forums
            from cybernorms.service import registry as service

            if forums.is_decision_receipt(receipt_file):
                verified = forums.verify_decision_receipt_file(receipt_file, log_key)
                say(
                    f"OK: {len(verified.records)} forum acts, signed and complete up to the "
                    f"checkpoint of size {verified.checkpoint.size} of "
                    f"{printable(verified.checkpoint.origin)}; recomputed from the log prefix:"
                )
                for line in forums.decision_summary(verified):
                    say(f"  {printable(line)}")
                return
            result = service.verify_receipt_file(receipt_file, log_key, trusted_root)
        entry = result.entry
        version = "" if entry.version is None else f" v{entry.version}"
        name = entry.extra.get("name", "")
        say(
            printable(
                f"OK: {entry.kind} {name + ' ' if name else ''}{entry.state}{version} "
                f"(sha256 {entry.digest})"
            )
        )
        say(
            f"  is entry {result.index} of {printable(result.checkpoint.origin)}, included "
            f"under its signed checkpoint of size {result.checkpoint.size}"
        )
        vouched = result.root.label if result.root else "its own keys (first root)"
        say(
            f"  signed by the threshold of {printable(vouched)}; valid when logged at "
            f"{printable(entry.logged_at)}"
        )
        if not result.pinned:
            say(
                "  note: the root chain was taken from the receipt (trust on first use); "
                "pin a root you obtained independently with --root"
            )

    # -- keys ----------------------------------------------------------------------------------

    @keys_app.command("new", cls=Command)
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
        from cybernorms.cli.passphrase import new_key_passphrase

        passphrase = new_key_passphrase(passphrase_env, passphrase_prompt)
        with refusals():
            from cybernorms.service import registry as service

            made = service.new_key(state, out_dir, name, passphrase)
        sealed = ", encrypted with your passphrase" if passphrase else ""
        say(f"key id: {made.keyid}")
        say(f"private key: {printable(made.private)} (mode 0600{sealed}; keep it secret)")
        say(f"public key: {printable(made.public)}")

    # -- roots ---------------------------------------------------------------------------------

    @root_app.command("new", cls=Command)
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
        with refusals():
            from cybernorms.service import registry as service

            root = service.new_root(state, key, threshold, expires, version, out_file)
        say(
            f"wrote {printable(out_file)}: {printable(root.label)}, {root.threshold} of "
            f"{len(root.keys)} keys, expires {root.expires:%Y-%m-%dT%H:%M:%SZ}; sign it with "
            f"`cybernorms root sign`"
        )

    @root_app.command("sign", cls=Command)
    def root_sign(
        root_file: Path = typer.Argument(..., help="Root document, or a signed root to co-sign."),
        key: list[Path] = _keys_option("Private key file; repeat for each signer."),
        out_file: Path = typer.Option(..., "--out", help="Where to write the signed root."),
    ) -> None:
        """Sign a root document (or add signatures to a signed one, e.g. old keys in a rotation)."""
        with refusals():
            from cybernorms.cli.passphrase import unlocking
            from cybernorms.service import registry as service

            signed = service.sign_root(root_file, key, out_file, unlocking)
        say(
            f"wrote {printable(out_file)}: {printable(signed.label)} with {signed.signatures} "
            f"signature(s)"
        )

    @root_app.command("publish", cls=Command)
    def root_publish(
        signed_root: Path = typer.Argument(..., help="Signed root (from `root sign`)."),
        db: str | None = _db_option(),
    ) -> None:
        """Publish a state's first root (self-signed) or a rotation (old AND new thresholds)."""
        with refusals():
            from cybernorms.service import registry as service

            _print_publication(service.publish_root(signed_root, db))

    @root_app.command("history", cls=Command)
    def root_history(
        state: str = typer.Argument(..., help="ISO3 code of the state."),
        db: str | None = _db_option(),
    ) -> None:
        """Every root version of a state: keys, threshold, expiry, log entry."""
        with refusals():
            from cybernorms.service import registry as service

            chain = service.root_history(state, db)
        table = Table("version", "threshold", "keys", "expires", "logged at", "log entry")
        for stored in chain:
            r = stored.root
            ids = "\n".join(k[:16] + "…" for k in sorted(r.keys))
            table.add_row(
                str(r.version),
                f"{r.threshold} of {len(r.keys)}",
                Text(printable(ids, newlines=True)),
                f"{r.expires:%Y-%m-%dT%H:%M:%SZ}",
                Text(printable(stored.logged_at)),
                str(stored.log_index),
            )
        out.print(table)

    # -- profiles ------------------------------------------------------------------------------

    @profile_app.command("sign", cls=Command)
    def profile_sign(
        profile_file: Path = typer.Argument(..., help="Profile YAML or JSON (one version)."),
        key: list[Path] = _keys_option("Private key file of the state; repeat for each signer."),
        out_file: Path = typer.Option(..., "--out", help="Where to write the signed profile."),
    ) -> None:
        """Validate a profile with the Profile model, then sign it with the state's keys."""
        with refusals():
            from cybernorms.cli.passphrase import unlocking
            from cybernorms.service import registry as service

            signed = service.sign_profile(profile_file, key, out_file, unlocking)
        say(
            f"wrote {printable(out_file)}: {printable(signed.label)} signed by {signed.signers} "
            f"key(s); publish it with `cybernorms profile publish`"
        )

    @profile_app.command("publish", cls=Command)
    def profile_publish(
        signed_profile: Path = typer.Argument(..., help="Signed profile (from `profile sign`)."),
        db: str | None = _db_option(),
        receipt: Path | None = typer.Option(
            None, "--receipt", help="Also write an offline-verifiable receipt here."
        ),
        log_key_file: Path | None = _log_key_file_option(),
    ) -> None:
        """Publish a profile version: its state's threshold, a version above every earlier one."""
        with refusals():
            from cybernorms.service import registry as service

            _print_publication(service.publish_profile(signed_profile, db, receipt, log_key_file))

    @profile_app.command("show", cls=Command)
    def profile_show(
        state: str = typer.Argument(..., help="ISO3 code of the state."),
        version: int | None = typer.Option(None, "--version", help="This version."),
        as_of: str | None = typer.Option(
            None,
            "--as-of",
            metavar="YYYY-MM-DD",
            help="The version in force that day (default: the latest version).",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print only the signed document."),
        db: str | None = _db_option(),
    ) -> None:
        """Show one profile version (default: the latest), verified against the log."""
        with refusals():
            from cybernorms.service import registry as service

            stored = service.show_profile(state, db, version, as_of)
        _print_profile(stored, as_json)

    @profile_app.command("history", cls=Command)
    def profile_history(
        state: str = typer.Argument(..., help="ISO3 code of the state."),
        db: str | None = _db_option(),
    ) -> None:
        """Every profile version of a state, with dates, root and log entry."""
        with refusals():
            from cybernorms.service import registry as service

            history = service.profile_history(state, db)
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
                Text(printable(stored.logged_at)),
                str(stored.log_index),
                stored.digest[:16] + "…",
            )
        out.print(table)

    # -- packages ------------------------------------------------------------------------------

    @package_app.command("publish", cls=Command)
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
        log_key_file: Path | None = _log_key_file_option(),
    ) -> None:
        """Check a package as `cybernorms check` does (compile, examples, analyses), then sign
        and publish it; its SHA-256 (canonical JSON) is its identity."""
        with refusals():
            from cybernorms.cli.passphrase import unlocking
            from cybernorms.service import registry as service

            done = service.publish_package(
                package_file, key, publisher, db, receipt, log_key_file, unlocking
            )
        say(
            f"checked: compiles, {done.examples_checked} example verdicts as expected, "
            f"no analysis finding of severity error"
        )
        _print_publication(done.publication)

    @package_app.command("list", cls=Command)
    def package_list(
        name: str | None = typer.Argument(None, help="Only this package id."),
        db: str | None = _db_option(),
        output: str = typer.Option("table", "--format", help="table or json."),
    ) -> None:
        """The signed packages in the registry: name, version, publisher, identity, entry."""
        with refusals():
            from cybernorms.service import registry as service

            listed = service.list_packages(db, name)
        if output == "json":
            out.print_json(json.dumps([vars(p) for p in listed]))
            return
        table = Table("package", "version", "publisher", "sha256", "log entry", "logged at")
        for p in listed:
            table.add_row(
                printable(p.name),
                printable(p.version),
                printable(p.publisher),
                p.digest[:16] + "…",
                str(p.log_index),
                printable(p.logged_at),
            )
        out.print(table)

    @package_app.command("show", cls=Command)
    def package_show(
        name: str = typer.Argument(..., help="Package id."),
        version: str | None = typer.Option(None, "--version", help="Default: the last one."),
        db: str | None = _db_option(),
    ) -> None:
        """A signed package's document, as signed (JSON)."""
        with refusals():
            from cybernorms.service import registry as service

            document = service.show_package(db, name, version)
        out.print_json(json.dumps(document))

    # -- positions -----------------------------------------------------------------------------

    @position_app.command("publish", cls=Command)
    def position_publish(
        position_file: Path = typer.Argument(..., help="Position YAML (position: ISO3)."),
        key: list[Path] = _keys_option("Private key file of the state; repeat."),
        db: str | None = _db_option(),
        receipt: Path | None = typer.Option(
            None, "--receipt", help="Also write an offline-verifiable receipt here."
        ),
        log_key_file: Path | None = _log_key_file_option(),
    ) -> None:
        """Check a position as `cybernorms check` does (loaded with the packages it reads, its
        examples run), then sign it with its state's keys and publish it."""
        with refusals():
            from cybernorms.cli.passphrase import unlocking
            from cybernorms.service import registry as service

            done = service.publish_position(
                position_file, key, db, receipt, log_key_file, unlocking
            )
        say(f"checked: loads, {done.examples_checked} example verdicts as expected")
        _print_publication(done.publication)

    # -- the log -------------------------------------------------------------------------------

    @log_app.command("decisions", cls=Command)
    def log_decisions(
        out_file: Path = typer.Option(..., "--out", help="Where to write the decision receipt."),
        db: str | None = _db_option(),
        log_key_file: Path | None = _log_key_file_option(),
    ) -> None:
        """Write a decision receipt: every log entry up to a signed checkpoint, every forum
        act with its signers' roots. `cybernorms verify` recomputes every decision and
        entry-into-force date from it, offline."""
        with refusals():
            from cybernorms.service.forums import write_decision_receipt

            acts = write_decision_receipt(db, out_file, log_key_file)
        say(f"wrote {printable(out_file)}: {acts} forum acts and the log prefix they need")

    @log_app.command("key", cls=Command)
    def log_key_cmd(
        db: str | None = _db_option(),
        out_file: Path | None = typer.Option(None, "--out", help="Write the key to this file."),
    ) -> None:
        """Print the log's verifier key, which offline verifiers need (`verify --log-key`)."""
        with refusals():
            from cybernorms.service import registry as service

            vkey = service.log_vkey(db, out_file)
        if out_file is None:
            sys.stdout.write(printable(vkey) + "\n")
        else:
            say(f"wrote {printable(out_file)}")

    @log_app.command("checkpoint", cls=Command)
    def log_checkpoint(
        db: str | None = _db_option(),
        out_file: Path | None = typer.Option(None, "--out", help="Write the signed note here."),
        log_key_file: Path | None = _log_key_file_option(),
    ) -> None:
        """Sign a checkpoint of the log at its current size and print it (C2SP signed note)."""
        with refusals():
            from cybernorms.service import registry as service

            stored = service.sign_checkpoint(db, out_file, log_key_file)
        if out_file is None:
            sys.stdout.write(printable(stored.note, newlines=True))
        else:
            say(f"wrote {printable(out_file)}: checkpoint of size {stored.checkpoint.size}")

    @log_app.command("prove", cls=Command)
    def log_prove(
        entry_id: int = typer.Argument(..., help="Log entry index (0-based)."),
        size: int | None = typer.Option(
            None, "--size", help="Prove under the existing checkpoint of this size."
        ),
        out_file: Path | None = typer.Option(None, "--out", help="Write the receipt here."),
        db: str | None = _db_option(),
        log_key_file: Path | None = _log_key_file_option(),
    ) -> None:
        """Write a receipt for one entry: document, entry, inclusion proof, signed checkpoint."""
        with refusals():
            from cybernorms.service import registry as service

            receipt = service.prove_entry(entry_id, db, size, out_file, log_key_file)
        if out_file is None:
            sys.stdout.write(receipt.dumps())  # JSON: escapes control characters itself
        else:
            say(
                f"wrote {printable(out_file)}: entry {entry_id} under the checkpoint of size "
                f"{receipt.checkpoint_size}"
            )

    @log_app.command("verify", cls=Command)
    def log_verify(
        db: str | None = _db_option(), log_key_file: Path | None = _log_key_file_option()
    ) -> None:
        """Recompute the whole tree from the entries; check nodes, every checkpoint the log
        signed (in the database and in the journal beside its key) and every record."""
        with refusals():
            from cybernorms.service import registry as service

            report = service.verify_log(db, log_key_file)
        if not report.ok:
            for problem in report.problems:
                err.print(f"problem: {printable(problem)}", markup=False)
            err.print(
                f"refused (LogIntegrityError): the log failed {len(report.problems)} check(s)",
                markup=False,
            )
            raise typer.Exit(1)
        counts = ", ".join(f"{n} {kind}(s)" for kind, n in report.records.items())
        say(
            f"OK: {report.size} entries, tree and {report.checkpoints} checkpoint(s) consistent; "
            f"{counts} re-verified"
        )
        if report.journalled is None:
            say(
                "  note: no checkpoint journal found beside the log key: checkpoints deleted "
                "from the database cannot be checked (give --log-key-file)"
            )
        else:
            say(f"  {report.journalled} journalled checkpoint(s) consistent with the log")

    @log_app.command("consistency", cls=Command)
    def log_consistency(
        old_checkpoint: Path = typer.Argument(..., help="A checkpoint (signed note) seen earlier."),
        db: str | None = _db_option(),
        log_key_file: Path | None = _log_key_file_option(),
    ) -> None:
        """Prove that the log today extends an older checkpoint (it was never rewritten)."""
        with refusals():
            from cybernorms.service import registry as service

            result = service.check_consistency(old_checkpoint, db, log_key_file)
        new = result.new.checkpoint
        say(
            f"OK: the log at size {new.size} is consistent with the checkpoint at size "
            f"{result.old_size} ({len(result.proof)} proof hashes)"
        )
        sys.stdout.write(printable(result.new.note, newlines=True))


def _print_profile(stored: StoredProfile, as_json: bool) -> None:
    document = stored.envelope.document()
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if as_json:
        sys.stdout.write(text + "\n")
        return
    p = stored.profile
    until = f" until {p.expires}" if p.expires else ""
    say(f"{printable(p.label)}  in force from {p.effective_from}{until}")
    say(
        f"  signed under {printable(p.state)} root v{stored.root_version} by "
        f"{len(stored.envelope.signatures)} key(s); log entry {stored.log_index}, "
        f"logged at {printable(stored.logged_at)}; sha256 {stored.digest}"
    )
    if p.illustrative:
        say("  illustrative: not the state's own text")
    say(printable(text, newlines=True))
