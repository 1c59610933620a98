"""Where the CLI writes, and how data becomes safe text there.

Why lazily: rich costs tens of milliseconds to import and ``cybernorms --help`` needs none of
it, so the consoles are made on first use. Why ``cell``: every piece of data in a
human-readable output comes from a file someone else wrote; ``cell`` shows its control
characters as escapes (``terminal.printable``: no retitled terminal, no hidden line) and
keeps rich from reading ``[...]`` in it as markup.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from cybernorms.cli.terminal import printable

if TYPE_CHECKING:
    from rich.console import Console

T = TypeVar("T")


@cache
def out() -> Console:
    """Standard output; wide when writing to a file or pipe (tables are read in full),
    unless ``$COLUMNS`` says how wide."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200)


@cache
def err() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def cell(text: object, *, newlines: bool = False) -> str:
    """Data as rich markup that shows exactly its text, control characters escaped."""
    from rich.markup import escape

    return escape(printable(text, newlines=newlines))


def plain(text: object, *, newlines: bool = False) -> str:
    """Data for plain-text output (``print``, ``Console.out``): control characters escaped."""
    return printable(text, newlines=newlines)


def progress_over(items: Sequence[T], label: str) -> Iterator[T]:
    """Iterate with a progress bar on stderr when the run is long and someone is watching."""
    console = err()
    if len(items) < 50 or not console.is_terminal:
        yield from items
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=len(items))
        for item in items:
            yield item
            progress.advance(task)
