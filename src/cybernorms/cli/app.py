"""Entry point of the ``cybernorms`` command.

Each family of subcommands lives in its own module with a ``register(app)`` function, so the
evaluation commands and the registry commands grow without touching each other.
"""

from __future__ import annotations

import typer

from cybernorms import __version__
from cybernorms.cli import agreement, analysis, evaluation, registry

app = typer.Typer(
    name="cybernorms",
    help="Rules of responsible state behaviour in cyberspace, as verifiable code.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cybernorms {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Rules of responsible state behaviour in cyberspace, as verifiable code."""


agreement.register(app)
analysis.register(app)
evaluation.register(app)
registry.register(app)


def main() -> None:
    app()
