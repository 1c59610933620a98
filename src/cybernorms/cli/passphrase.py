"""Passphrases of encrypted private keys: from the environment, or a hidden prompt.

Why here and not in the trust layer: where a passphrase comes from (a variable set by a CI job,
a person at a terminal) is the front end's business. ``SigningKey.load`` takes the passphrase
as bytes or as a function giving them, called only when the key file is encrypted, so nobody
is asked for a passphrase that is not needed.

Why an environment variable rather than an argument: a passphrase on the command line is
visible to every user of the machine (``ps``) and stays in shell history.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import typer

from cybernorms.cli.terminal import printable

PASSPHRASE_ENV = "CYBERNORMS_KEY_PASSPHRASE"  # noqa: S105 - the name of an environment variable, not a secret


def unlocking(path: Path) -> Callable[[], bytes | None]:
    """The passphrase source for loading the key at ``path``.

    ``$CYBERNORMS_KEY_PASSPHRASE`` when set, else a hidden prompt (on stderr) when stdin is a
    terminal, else none, and loading an encrypted key is then refused (``KeyLocked``).
    """

    def ask() -> bytes | None:
        value = os.environ.get(PASSPHRASE_ENV)
        if value:
            return value.encode("utf-8")
        if sys.stdin.isatty():
            text: str = typer.prompt(
                f"passphrase for {printable(str(path))}", hide_input=True, err=True
            )
            return text.encode("utf-8")
        return None

    return ask


def new_key_passphrase(env_var: str | None, prompt: bool) -> bytes | None:
    """The passphrase to encrypt a new key with (``keys new``), or None for no encryption.

    From the environment variable named by ``--passphrase-env``, or asked twice, hidden, with
    ``--passphrase``; a usage error (exit 2) when both are given or the variable is empty.
    """
    if env_var is not None and prompt:
        raise typer.BadParameter("give --passphrase or --passphrase-env, not both")
    if env_var is not None:
        value = os.environ.get(env_var, "")
        if not value:
            raise typer.BadParameter(
                f"environment variable {printable(env_var)} is not set or empty",
                param_hint="--passphrase-env",
            )
        return value.encode("utf-8")
    if prompt:
        text: str = typer.prompt(
            "passphrase for the new key", hide_input=True, confirmation_prompt=True, err=True
        )
        if not text:
            raise typer.BadParameter(
                "an empty passphrase encrypts nothing", param_hint="--passphrase"
            )
        return text.encode("utf-8")
    return None
