"""Strict base64, shared by signatures, keys, envelopes and signed notes.

Why strict: Python's decoder skips stray characters and ignores the unused low bits of the last
character, so several texts decode to the same bytes. A signed text that can be altered without
changing what it decodes to breaks "any changed byte is detected", so only the one canonical
spelling (RFC 4648 section 4, with padding) is accepted.
"""

from __future__ import annotations

import base64
import binascii


def encode_base64(data: bytes) -> str:
    """Standard base64 with padding."""
    return base64.b64encode(data).decode("ascii")


def decode_base64(text: object) -> bytes:
    """Decode canonical standard base64; ``ValueError`` for anything else."""
    if not isinstance(text, str):
        raise ValueError(f"expected a base64 string, not {type(text).__name__}")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise ValueError(f"invalid base64 ({exc})") from exc
    if encode_base64(data) != text:
        raise ValueError("non-canonical base64")
    return data
