"""Help screens that name values, not Python types.

typer shows an argument's type beside its name even when a metavar names it (``INCIDENTS...
<list[Path]>``) and a flag's as ``<bool>``: implementation detail, in a screen for people
(issue 11). ``Command`` is the command class of this project's commands: an argument with a
metavar, and a flag, show no type column; everything else is typer's own.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperOption


def _no_type(ctx: Any) -> None:
    return None


class Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # with --help, added here
        for param in params:
            named = isinstance(param, TyperArgument) and param.metavar is not None
            flag = isinstance(param, TyperOption) and param.is_flag
            if named or flag:
                setattr(param, "display_type_rich", _no_type)  # noqa: B010
        return params
