"""Entry point of the ``cybernorms`` command.

Each family of subcommands lives in its own module with a ``register(app)`` function, so the
evaluation commands and the registry commands grow without touching each other.

Two things every command gets from here:

* the error boundary (``cli.boundary``): a refusal exits 1 with its reason, a bug exits 70
  with a report file, never a traceback (``--debug`` shows it);
* a fast start: command modules import only typer and the standard library at module level,
  and a family whose module is heavy to import is listed from ``LAZY`` and imported only when
  one of its commands runs, so ``cybernorms --help`` loads no database or solver.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperCommand

from cybernorms import __version__
from cybernorms.cli import agreement, analysis, catalog, compare, evaluation, standing
from cybernorms.cli.boundary import debug_requested, report_bug, report_os_error, report_refusal
from cybernorms.cli.helpscreen import Group
from cybernorms.errors import CybernormsError

# Families imported on first use: command name -> (module, its help line as ``--help`` lists
# it). ``tests/cli/test_startup.py`` checks this table against the module's commands.
LAZY: dict[str, tuple[str, str]] = {
    name: ("cybernorms.cli.registry", text)
    for name, text in (
        ("init", "Create the registry (or upgrade its schema); generate the log's checkpoint key."),
        (
            "verify",
            "Check a receipt OFFLINE: document, log entry, inclusion proof, signed checkpoint.",
        ),
        ("keys", "Signing keys of a state."),
        ("root", "A state's root of trust: its keys and threshold."),
        ("profile", "A state's signed profile, version by version."),
        ("package", "Signed, content-addressed packages."),
        ("log", "The transparency log: checkpoints, proofs, audits."),
    )
}
LAZY["forum"] = ("cybernorms.cli.forum", "Forums: members, proposals, decision calls, decisions.")
LAZY["treaty"] = ("cybernorms.cli.forum", "Treaties: instruments, reservations, entry into force.")
LAZY["position"] = ("cybernorms.cli.registry", "Signed national positions.")
LAZY["serve"] = (
    "cybernorms.cli.serve",
    "Serve the registry, its log (C2SP tlog-tiles) and evaluation over HTTP.",
)


class RootCommand(Group):
    """The root group: lazy families, and the error boundary around every command."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in LAZY if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in LAZY:
            # Listed in help without importing its module; ``resolve_command`` loads it to run.
            return TyperCommand(cmd_name, help=LAZY[cmd_name][1])
        return found

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] in LAZY and args[0] not in self.commands:
            self._load(LAZY[args[0]][0])
        return super().resolve_command(ctx, args)

    def _load(self, module_name: str) -> None:
        family = typer.Typer()
        importlib.import_module(module_name).register(family)
        group = typer.main.get_group(family)  # a group even for a one-command family
        self.commands.update(group.commands)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # exit codes, Ctrl-C (130) and usage errors (2): typer's own
        except CybernormsError as exc:
            raise typer.Exit(report_refusal(exc)) from exc
        except OSError as exc:
            raise typer.Exit(report_os_error(exc)) from exc
        except Exception as exc:
            debug = debug_requested(bool(ctx.params.get("debug")))
            raise typer.Exit(report_bug(exc, debug=debug)) from exc


app = typer.Typer(
    name="cybernorms",
    help="Rules of responsible state behaviour in cyberspace, as verifiable code.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    cls=RootCommand,
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
    debug: bool = typer.Option(
        False,
        "--debug",
        help="On an internal error show the traceback (also CYBERNORMS_DEBUG=1).",
    ),
) -> None:
    """Rules of responsible state behaviour in cyberspace, as verifiable code."""


agreement.register(app)
analysis.register(app)
evaluation.register(app)
catalog.register(app)
compare.register(app)
standing.register(app)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; what escapes the commands' own boundary (``RootCommand.invoke``:
    option callbacks, parsing) is caught here the same way."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        app(args=args, prog_name="cybernorms")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except CybernormsError as exc:
        sys.exit(report_refusal(exc))
    except Exception as exc:
        sys.exit(report_bug(exc, debug=debug_requested("--debug" in args)))
