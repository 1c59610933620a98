"""Text from data, made safe to print on a terminal.

Why: an incident id, a rule title or a profile field comes from a file someone else wrote.
Printed raw, ``ESC ] 0 ; ... BEL`` retitles the terminal, ``ESC [ 31 m`` recolours or hides
lines, and a bidi override (U+202E) makes text read backwards. Every human-readable output
passes data through ``printable``: C0 and C1 control characters (but a plain newline where
the caller allows it) and the Unicode bidi controls are shown as visible escapes (``\\x1b``,
``\\u202e``). Machine formats (JSON, CSV) escape by their own rules and need not use it.
"""

from __future__ import annotations

import re

# C0 controls but TAB/LF handled below, DEL, C1 controls, and the bidi embedding, override
# and isolate controls plus the marks that reorder text.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_NO_NEWLINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, newlines: bool = False) -> str:
    """``text`` (any value, via ``str``) with every control character shown as an escape.

    ``newlines``: keep ``\\n`` and ``\\t`` as they are (multi-line texts such as rule
    paraphrases); by default they are escaped too, for one-line fields such as ids."""
    pattern = _UNSAFE if newlines else _UNSAFE_NO_NEWLINE
    return pattern.sub(_escape, str(text))
