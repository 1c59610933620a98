"""The options several commands share, declared once so their names, metavars and help read
the same everywhere (issue 11: ``--profiles`` here and ``--profile`` there, help screens that
showed ``<list[Path]>``).

Only typer and the standard library: this module is imported when ``--help`` is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cybernorms.cli.terminal import printable
from cybernorms.service.formats import DATE_RULE, InputFormat

if TYPE_CHECKING:
    from cybernorms.model.profile import Profile
    from cybernorms.rules.catalog import Rulebooks
    from cybernorms.service.loading import Composed


def rulebooks() -> Any:
    return typer.Option(
        [],
        "--rulebooks",
        metavar="DIR",
        help="Add the rulebooks of this directory (packages, positions/, profiles/) to the "
        "shipped set; repeatable.",
    )


def no_shipped() -> Any:
    return typer.Option(
        False, "--no-shipped", help="Leave out the shipped rulebooks (use only --rulebooks)."
    )


def positions(what: str = "Also evaluate under") -> Any:
    return typer.Option(
        [],
        "--position",
        metavar="ISO3|group:NAME|FILE",
        help=f"{what} this position: a state's (ISO3) or a group's (group:NAME, e.g. "
        "group:AU) among those loaded, or a position file by path; repeatable.",
    )


def packages() -> Any:
    return typer.Option(
        [],
        "--package",
        "-p",
        metavar="ID|PATH",
        help="Only these packages (and what their rules reach): an id, or a package.yaml (or "
        "its directory) by path; repeatable. Default: all.",
    )


def assume_defaults() -> Any:
    return typer.Option(
        False,
        "--assume-defaults",
        help="Where a state has published no parameter a rule needs, assume the package's "
        "defaults (each cites its source); every verdict they decide says so in its basis "
        "(+assumed:defaults). Without it such a parameter is unknown.",
    )


def as_of() -> Any:
    return typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help=DATE_RULE)


def profiles() -> Any:
    return typer.Option(
        [],
        "--profiles",
        metavar="FILE|DIR",
        help="Use the profiles of these files or directories instead of the rulebooks' own; "
        "repeatable.",
    )


def profile_overrides() -> Any:
    return typer.Option(
        [],
        "--profile",
        metavar="ISO3=FILE",
        help="Replace this state's profiles with those in FILE; repeatable.",
    )


def chosen_profiles(
    books: Rulebooks, files: Sequence[Path], overrides: Sequence[str]
) -> list[Profile] | None:
    """The profiles ``--profiles`` and ``--profile ISO3=FILE`` ask for (None: the rulebooks'
    own): the files instead of the rulebooks' profiles, then each state's replaced."""
    from cybernorms.cli.arguments import profile_files
    from cybernorms.service import loading

    if not files and not overrides:
        return None
    base = loading.profile_files(files) if files else list(books.profiles)
    return loading.profiles_replacing(base, profile_files(list(overrides)))


def source_format() -> Any:
    return typer.Option(
        InputFormat.auto,
        "--from",
        help="Input format (auto: by suffix; a .json file that is a STIX bundle is read as one).",
    )


def reference_data() -> Any:
    return typer.Option(
        None,
        "--reference-data",
        metavar="DIR",
        help="For STIX input: a directory with misp-galaxy/ and mitre-attack/ (e.g. "
        "../shared/data), for country attributions, sectors and ATT&CK techniques.",
    )


def inputs(required: bool = True) -> Any:
    return typer.Argument(
        ... if required else None,
        metavar="INCIDENTS...",
        help="Incident files (JSON/YAML), directories, EuRepoC CSV files or STIX bundles.",
    )


def compose(
    extra: Sequence[Path],
    no_shipped: bool,
    positions: Sequence[str] = (),
    packages: Sequence[str] = (),
) -> Composed:
    """The rulebooks the options name (shipped + ``--rulebooks`` + files by path)."""
    from cybernorms.service import loading

    composed = loading.compose(
        extra, shipped=not no_shipped, positions=positions, packages=packages
    )
    for line in composed.books.replaced:
        typer.echo(f"note: {printable(line)}", err=True)
    return composed
