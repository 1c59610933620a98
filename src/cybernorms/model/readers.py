"""Whose reading a position is: one state (``FRA``) or a group of states (``group:AU``).

A position file says ``position: ISO3`` for a national reading and ``position: group:NAME``
for the common reading of a group of states (the African Union's common position is
``group:AU``). What a reader is called, how a user's spelling of it is normalised and which
verdict basis it is reported under are decided here and nowhere else: the loader, the CLI's
``--position``, the service and every back end ask this module.

Why a group's basis is ``group:NAME`` and never ``position:...``: a group's common reading is
not the national view of any one member, and DESIGN.md section 6 lists ``group:NAME`` among
the bases. Package bases may also be ``group:name`` (lower case, a package tabled as a group's
shared reading); a position's group NAME is upper case (``AU``, ``EU``), so the two never read
as one another.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

from cybernorms.model.states import parse_state

GROUP_PREFIX = "group:"
STATE_PREFIX = "position:"
#: A group's name in a position: upper-case letters and digits, words joined by hyphens.
GROUP_NAME = r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*"
GROUP_ID = re.compile(f"{GROUP_PREFIX}{GROUP_NAME}")
#: A reader as a user may type it (any case; ``reader_id`` normalises it): the pattern a front
#: end validates a request's reader against before looking it up.
READER_INPUT = r"^(?:[A-Za-z]{3}|[Gg][Rr][Oo][Uu][Pp]:[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)$"
#: Any reader: an ISO3 code or ``group:NAME`` (for help texts and messages).
READER_FORM = "a state (ISO 3166-1 alpha-3) or a group (group:NAME, NAME in capitals)"


def is_group(reader: str) -> bool:
    """Whether ``reader`` names a group of states (``group:AU``) rather than one state."""
    return GROUP_ID.fullmatch(reader) is not None


def reader_id(text: str) -> str:
    """A user's spelling of a reader (``fra``, ``group:au``, `` GROUP:AU``) as positions name
    it (``FRA``, ``group:AU``). Only the case is normalised; whether the reader exists is the
    caller's question. Upper-casing ``group:AU`` whole would name no reader at all."""
    text = text.strip()
    family, colon, name = text.partition(":")
    if colon and family.lower() == GROUP_PREFIX[:-1]:
        return f"{GROUP_PREFIX}{name.upper()}"
    return text.upper()


def parse_reader(value: object) -> str:
    """Validate a position's ``position:`` value: a known state or ``group:NAME``.

    Raises ``ValueError`` naming the accepted forms (pydantic turns it into a problem at the
    field's file:line:col)."""
    if isinstance(value, str) and ":" in value:
        family = value.partition(":")[0].strip()
        if family == GROUP_PREFIX[:-1] and is_group(value.strip()):
            return value.strip()
        if family.lower() == GROUP_PREFIX[:-1]:
            raise ValueError(
                f"unknown group form {value!r}: a group is group:NAME with NAME in capitals, "
                "digits and hyphens (group:AU)"
            )
        raise ValueError(f"{value!r} names no reader: a position is {READER_FORM}")
    code = parse_state(value)
    if code is None:
        raise ValueError(f"a position names its reader: {READER_FORM}")
    return code


def reading_basis(reader: str) -> str:
    """The basis a reader's verdicts are reported under: ``position:FRA`` or ``group:AU``."""
    return reader if is_group(reader) else f"{STATE_PREFIX}{reader}"


def is_reading_basis(basis: str) -> bool:
    """Whether a (plain) basis is a position's: ``position:ISO3`` or a group's ``group:NAME``
    (never a package's own ``group:name``, which is lower case)."""
    return basis.startswith(STATE_PREFIX) or is_group(basis)


def reader_of(basis: str) -> str | None:
    """The reader a (plain) basis names (``FRA`` for ``position:FRA``, ``group:AU`` for
    ``group:AU``); ``None`` for a package's basis."""
    if basis.startswith(STATE_PREFIX):
        return basis.removeprefix(STATE_PREFIX)
    return basis if is_group(basis) else None


def file_stem(reader: str) -> str:
    """How a reader's position file is named in a rulebook's positions/ (``FRA.yaml``,
    ``group-AU.yaml``): a colon is no part of a portable file name."""
    return reader.replace(":", "-", 1) if is_group(reader) else reader


#: A position's ``position:`` value (whose reading the document is).
Reader = Annotated[str, BeforeValidator(parse_reader)]
