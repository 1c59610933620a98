"""Where ``evaluate``'s verdicts go: the format asked for (``--format``) or implied by the
file named (``--output FILE``, by extension), written whole or not at all.

Why a file is written through a temporary sibling and renamed: a run that fails half-way
(a refusal, Ctrl-C) must not leave a truncated report that looks complete.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from cybernorms.cli.arguments import fail


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    summary = "summary"
    csv = "csv"
    html = "html"
    stix = "stix"
    parquet = "parquet"


# File extension -> format (longest first: ``.stix.json`` before ``.json``).
EXTENSIONS: tuple[tuple[str, OutputFormat], ...] = (
    (".stix.json", OutputFormat.stix),
    (".jsonl", OutputFormat.jsonl),
    (".json", OutputFormat.json),
    (".csv", OutputFormat.csv),
    (".html", OutputFormat.html),
    (".htm", OutputFormat.html),
    (".md", OutputFormat.markdown),
    (".parquet", OutputFormat.parquet),
)


def chosen_format(fmt: OutputFormat | None, output: Path | None) -> OutputFormat:
    """``--format`` when given, else the format of ``--output``'s extension, else a table."""
    if fmt is not None:
        if fmt is OutputFormat.parquet and output is None:
            fail("--format parquet writes a file: give --output FILE.parquet")
        return fmt
    if output is None:
        return OutputFormat.table
    name = output.name.lower()
    for suffix, found in EXTENSIONS:
        if name.endswith(suffix):
            return found
    known = ", ".join(s for s, _ in EXTENSIONS)
    fail(f"--output {output}: unknown extension (one of {known}, or give --format)")


@contextmanager
def text_target(output: Path | None) -> Iterator[TextIO]:
    """Standard output, or ``output`` written whole on success (removed on failure)."""
    if output is None:
        yield sys.stdout
        return
    with _temporary(output) as temp, open(temp, "w", encoding="utf-8", newline="") as stream:
        yield stream


@contextmanager
def file_target(output: Path) -> Iterator[Path]:
    """A temporary path beside ``output`` that becomes ``output`` on success."""
    with _temporary(output) as temp:
        yield temp


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def _temporary(output: Path) -> Iterator[Path]:
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        fail(f"--output {output}: no directory {directory}")
    fd, name = tempfile.mkstemp(prefix=f".{output.name}.", dir=directory)
    os.close(fd)
    temp = Path(name)
    temp.chmod(_file_mode())  # mkstemp makes 0600; a report gets the mode any new file gets
    try:
        yield temp
        os.replace(temp, output)
    finally:
        if temp.exists():
            temp.unlink()
