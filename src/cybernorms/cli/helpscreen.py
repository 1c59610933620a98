"""Help screens that name values, not Python types.

typer shows each parameter's Python type beside its name (``INCIDENTS... <list[Path]>``,
``--state <str>``, ``--help <bool>``): implementation detail, in a screen for people (issue
11). Every command of this project is built with ``Command`` and every group (the root and
each family of subcommands) with ``Group``; both rewrite the type column of their parameters:

* a flag, and an argument with a metavar (its name already says what it takes): no column;
* an argument without a metavar: named in capitals (``FORUM``), like click's usage;
* an option with a metavar: the metavar (typer's own behaviour);
* any other: the value's kind in click's words (``TEXT``, ``INTEGER``, ``PATH``, ``PATH...``
  for a repeatable one); a choice keeps its list of values (``<table|json>``).

``tests/cli/test_help_screens.py`` walks every command's screen and holds them to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

# Python type names as typer prints them -> the words click itself uses for a value's kind.
_KIND_WORDS = {
    "str": "TEXT",
    "int": "INTEGER",
    "float": "NUMBER",
    "Path": "PATH",
    "path": "PATH",
    "file": "FILE",
    "directory": "DIR",
    "datetime": "DATE",
    "date": "DATE",
    "bool": "BOOLEAN",
}
_LIST = re.compile(r"^list\[(.*)\]$")


def value_kind(typer_label: str) -> str:
    """The type column for typer's label (``<list[Path]>`` -> ``PATH...``): a metavar and
    the values of a choice stay as they are, a Python type name becomes click's word for it."""
    if not (typer_label.startswith("<") and typer_label.endswith(">")):
        return typer_label  # a metavar the command chose
    label = typer_label[1:-1]
    repeated = _LIST.match(label)
    inner = repeated.group(1) if repeated else label
    inner = inner.removesuffix(" range")  # an int with min/max: the bounds are shown apart
    inner = inner.removesuffix(" | None")  # optional: the default says what absence means
    if "|" in inner:
        return typer_label  # a choice's values, e.g. <table|json|csv>
    # an unforeseen Python name is never shown: it reads as VALUE
    word = _KIND_WORDS.get(inner.rsplit(".", 1)[-1], "VALUE")
    return f"{word}..." if repeated else word


def _column(param: Any) -> Callable[[Any], str | None]:
    original: Callable[..., str | None] = param.display_type_rich

    def column(ctx: Any) -> str | None:
        label = original(ctx=ctx)
        return None if label is None else value_kind(label)

    return column


def _readable(params: list[Any]) -> list[Any]:
    """Give each parameter the type column described above (in place, once)."""
    for param in params:
        if getattr(param, "_cybernorms_readable", False):
            continue
        is_argument = isinstance(param, TyperArgument)
        is_flag = isinstance(param, TyperOption) and param.is_flag
        if is_flag or (is_argument and param.metavar):
            column: Callable[[Any], str | None] = _no_column
        elif is_argument:
            param.metavar = (param.name or "value").upper()
            column = _no_column
        else:
            column = _column(param)
        setattr(param, "display_type_rich", column)  # noqa: B010
        setattr(param, "_cybernorms_readable", True)  # noqa: B010
    return params


def _no_column(ctx: Any) -> None:
    return None


class Command(TyperCommand):
    """Every command of this project (``@app.command(cls=Command)``)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _readable(super().get_params(ctx))  # with --help, added here


class Group(TyperGroup):
    """The root command's class and every subcommand family's (``typer.Typer(cls=Group)``):
    their own flags (``--version``, ``--debug``, ``--help``) read like every command's."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _readable(super().get_params(ctx))
