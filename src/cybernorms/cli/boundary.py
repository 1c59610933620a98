"""The CLI's one error boundary: no command ever ends in a traceback (issue 14).

* A refusal (``CybernormsError``) prints ``refused (Reason): message``, or one
  ``error: FILE:LINE:COL: message`` line per problem of a document or expression, and exits 1;
  so does a file that cannot be read or written (``OSError``: the environment, not a bug).
* A usage error is click's own (exit 2); Ctrl-C exits 130 without a word (typer does both).
* Anything else is a bug: one line says so, names the exception type and the report file the
  traceback was written to (created 0600: a traceback can quote input), and the exit status
  is 70 (``EX_SOFTWARE``). ``--debug`` or ``CYBERNORMS_DEBUG=1`` prints the traceback instead.

Data in a message comes from files someone else wrote: every line printed here passes
through ``terminal.printable``.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import tempfile
import traceback
from pathlib import Path

from cybernorms.cli.terminal import printable
from cybernorms.errors import CybernormsError

REFUSED = 1
BUG = 70  # sysexits.h EX_SOFTWARE
DEBUG_ENV = "CYBERNORMS_DEBUG"


def debug_requested(flag: bool = False) -> bool:
    return flag or os.environ.get(DEBUG_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def refusal_lines(exc: CybernormsError) -> list[str]:
    """How a refusal reads: located problems as ``error:`` lines, else ``refused (Reason)``."""
    from cybernorms.model.documents import DocumentError
    from cybernorms.rules.parser import ExpressionError

    if isinstance(exc, DocumentError) and exc.problems:
        return [f"error: {printable(p)}" for p in exc.problems]
    if isinstance(exc, ExpressionError):
        return [f"error: expression:{exc.line}:{exc.col + 1}: {printable(exc.message)}"]
    message = " / ".join(printable(line) for line in str(exc).splitlines()) or "(no detail)"
    return [f"refused ({exc.refusal}): {message}"]


def report_refusal(exc: CybernormsError) -> int:
    for line in refusal_lines(exc):
        print(line, file=sys.stderr)
    return REFUSED


def report_os_error(exc: OSError) -> int:
    """A file that cannot be read or written is the environment's refusal, not a bug."""
    if exc.errno == errno.EPIPE:
        raise exc  # typer ends quietly when the reader of a pipe went away
    where = f"{exc.filename}: " if exc.filename is not None else ""
    print(f"error: {printable(where)}{printable(exc.strerror or exc)}", file=sys.stderr)
    return 1


def report_bug(exc: BaseException, *, debug: bool) -> int:
    """Print one line (or, debugging, the traceback) for an unexpected exception; 70."""
    text = "".join(traceback.format_exception(exc))
    if debug:
        sys.stderr.write(text)
        return BUG
    kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
    try:
        where = f"traceback in {write_report(text)}"
    except OSError as failure:
        where = f"could not write a report ({failure.strerror}); rerun with --debug"
    print(
        f"cybernorms: internal error, this is a bug ({printable(kind)}); {printable(where)}; "
        "please report it",
        file=sys.stderr,
    )
    return BUG


def write_report(text: str) -> Path:
    """Write a bug report under ``$XDG_STATE_HOME/cybernorms/`` (default
    ``~/.local/state/cybernorms/``), or the temporary directory if that cannot be made; the
    file is created new and 0600."""
    from cybernorms import __version__

    body = (
        f"cybernorms {__version__}, Python {sys.version.split()[0]}, "
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n"
        f"argv: {sys.argv!r}\n\n{text}"
    )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"crash-{stamp}-{os.getpid()}"
    for directory in (_state_dir(), Path(tempfile.gettempdir()) / "cybernorms"):
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, path = tempfile.mkstemp(prefix=name + "-", suffix=".txt", dir=directory)
        except OSError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as f:  # mkstemp: O_EXCL, mode 0600
            f.write(body)
        return Path(path)
    raise OSError(0, "no writable state or temporary directory")


def _state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "cybernorms"
