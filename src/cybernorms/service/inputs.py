"""Reading a user's files and checking where outputs go, once for every registry act.

Why one function per kind of read: a file named on a command line (or uploaded to the coming
HTTP API) may be anything: a FIFO that blocks a reader forever, ``/dev/zero``, a 2 GB file,
random bytes, JSON nested 100,000 deep or with a key twice. Every registry act reads through
``read_bytes`` (regular files only, opened without blocking, at most
``LIMITS.document_bytes``), then ``read_text`` (strict UTF-8) or ``read_json`` (strict JSON,
``cybernorms.trust.strict_json``) or ``read_yaml`` (the project's YAML loader). Each refusal is a
``CybernormsError`` naming the file.

Outputs are checked before an act commits (``check_output``): a receipt that cannot be written
must not leave a published entry behind with nobody holding its proof.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from cybernorms.errors import CybernormsError, LimitExceeded
from cybernorms.limits import LIMITS


class UnreadableInput(CybernormsError):
    """A named input is not a regular file, cannot be read, or is not text."""


class UnwritableOutput(CybernormsError):
    """A named output path cannot be written (missing directory, a directory, no permission)."""


def read_bytes(path: Path, what: str) -> bytes:
    """The bytes of the regular file ``path``, refused at once if it is anything else.

    Opened with ``O_NONBLOCK`` so that a FIFO is seen (by ``fstat``) and refused instead of
    blocking until a writer appears; read at most one byte past the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot read the {what} ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableInput(f"{path}: the {what} is not a regular file")
        if info.st_size > LIMITS.document_bytes:
            raise LimitExceeded("document_bytes", LIMITS.document_bytes, str(path))
        chunks: list[bytes] = []
        total = 0
        while total <= LIMITS.document_bytes:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > LIMITS.document_bytes:
            raise LimitExceeded("document_bytes", LIMITS.document_bytes, str(path))
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot read the {what} ({exc.strerror})") from None
    finally:
        os.close(fd)


def read_text(path: Path, what: str) -> str:
    """The file as UTF-8 text; random bytes are refused, naming the file and the offset."""
    data = read_bytes(path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(
            f"{path}: the {what} is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None


def read_json(path: Path, what: str) -> Any:
    """The file as strict JSON (``cybernorms.trust.strict_json.load_json``)."""
    from cybernorms.trust.strict_json import load_json

    return load_json(read_bytes(path, what), f"{path}: {what}")


def read_yaml(path: Path, what: str) -> Any:
    """The file parsed by the project's YAML/JSON loader (``cybernorms.model.documents``),
    after the same checks as every other input (regular file, size, UTF-8) and a bound on
    flow-style nesting (``[``/``{``, as JSON writes it) measured without recursion; returns
    its ``Document``. A parser that still recurses too deep is refused by the same limit."""
    from cybernorms.model.documents import parse_text
    from cybernorms.trust.strict_json import check_depth

    text = read_text(path, what)
    check_depth(text, str(path))
    if path.suffix.lower() == ".json":
        read_json(path, what)  # a .json file must be strict JSON, not merely YAML
    try:
        return parse_text(text, str(path))
    except RecursionError:
        raise LimitExceeded("document_depth", LIMITS.document_depth, str(path)) from None


def check_output(path: Path, what: str) -> None:
    """Refuse now if ``path`` cannot be written: its directory must exist and be writable,
    and the path itself must not be a directory."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UnwritableOutput(f"{path}: the {what} would replace a directory")
    if not parent.is_dir():
        raise UnwritableOutput(f"{path}: the directory for the {what} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UnwritableOutput(f"{path}: the directory for the {what} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise UnwritableOutput(f"{path}: the {what} exists and is not writable")


def write_text(path: Path, text: str, what: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file renamed over it)."""
    check_output(path, what)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UnwritableOutput(f"{path}: cannot write the {what} ({exc.strerror})") from None
