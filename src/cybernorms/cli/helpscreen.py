"""Help screens that name values, not Python types.

typer shows an argument's type beside its name even when a metavar names it (``INCIDENTS...
<list[Path]>``) and a flag's as ``<bool>``: implementation detail, in a screen for people
(issue 11). ``Command`` is the command class of this project's commands: an argument with a
metavar, and a flag, show no type column; ``Group`` does the same for the root screen;
everything else is typer's own.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


def _no_type(ctx: Any) -> None:
    return None


def _untyped(params: list[Any]) -> list[Any]:
    """Hide the type column of arguments with a metavar and of flags (in place)."""
    for param in params:
        named = isinstance(param, TyperArgument) and param.metavar is not None
        flag = isinstance(param, TyperOption) and param.is_flag
        if named or flag:
            setattr(param, "display_type_rich", _no_type)  # noqa: B010
    return params


class Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _untyped(super().get_params(ctx))  # with --help, added here


class Group(TyperGroup):
    """The root command's class: its own flags (``--version``, ``--debug``, ``--help``) read
    like every command's."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _untyped(super().get_params(ctx))
