"""Every help screen names values, never Python types (issue 11: ``<list[Path]>``, ``<bool>``).

The walk covers every command and subcommand the root lists, the lazily imported families
(registry, forum, treaty, serve) included, at a narrow and a wide terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from cybernorms.cli.app import app
from cybernorms.cli.helpscreen import value_kind

# What typer would print for a parameter's Python type: <str>, <bool>, <list[Path]>,
# <int range>, <pathlib.Path | None>, and the bare names inside them.
PYTHON_TYPE = re.compile(
    r"<(?:str|bool|int|float|Path|list\[[^>]*\]|[a-z]+ range|[\w.]+ \| None)>"
    r"|list\[|\bPath\b|\bNoneType\b|\bOptional\b"
)


def command_paths() -> Iterator[list[str]]:
    root = typer.main.get_command(app)
    ctx = root.make_context("cybernorms", ["--help"], resilient_parsing=True)

    def walk(command: Any, path: list[str]) -> Iterator[list[str]]:
        yield path
        if isinstance(command, TyperGroup):
            for name in command.list_commands(ctx):
                if path == []:
                    command.resolve_command(ctx, [name])  # imports a lazy family
                child = command.get_command(ctx, name)
                assert child is not None, name
                yield from walk(child, [*path, name])

    yield from walk(root, [])


PATHS = list(command_paths())


def test_the_walk_reaches_the_lazy_families_and_their_subcommands() -> None:
    names = {" ".join(p) for p in PATHS}
    for expected in (
        "",
        "evaluate",
        "forum vote",
        "treaty reserve",
        "keys new",
        "serve",
        "log prove",
        "rules show",
        "positions list",
        "position publish",
    ):
        assert expected in names, expected
    assert len(names) > 60


@pytest.mark.parametrize("columns", ["80", "200"])
@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "cybernorms")
def test_no_help_screen_shows_a_python_type(path: list[str], columns: str) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    assert not PYTHON_TYPE.search(result.stdout), result.stdout


@pytest.mark.parametrize(
    ("typer_label", "shown"),
    [
        ("<str>", "TEXT"),
        ("<int>", "INTEGER"),
        ("<int range>", "INTEGER"),
        ("<list[Path]>", "PATH..."),
        ("<list[str]>", "TEXT..."),
        ("<pathlib.Path | None>", "PATH"),
        ("<Incident>", "VALUE"),
        ("<table|json|csv>", "<table|json|csv>"),
        ("ISO3=FILE", "ISO3=FILE"),
    ],
)
def test_a_type_column_reads_as_a_kind_of_value(typer_label: str, shown: str) -> None:
    assert value_kind(typer_label) == shown


def test_an_argument_without_a_metavar_is_named_in_capitals() -> None:
    result = CliRunner().invoke(app, ["forum", "vote", "--help"], env={"COLUMNS": "100"})
    assert "FORUM" in result.stdout and "CALL" in result.stdout
    assert "--key" in result.stdout and "PATH..." in result.stdout
