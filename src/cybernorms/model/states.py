"""States, named by ISO 3166-1 alpha-3 code.

``pycountry`` is the source of truth: a code it does not know is rejected rather than carried
along, because a typo in a state code would silently make a rule read the wrong profile.
The word ``unknown`` (any case) is accepted wherever a state is expected and means the same as
``null``: the fact is not known. It is never a state.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

import pycountry
from pydantic import BeforeValidator

UNKNOWN_WORDS = frozenset({"unknown", ""})


@cache
def iso3_codes() -> frozenset[str]:
    """All officially assigned alpha-3 codes (249 in pycountry)."""
    return frozenset(c.alpha_3 for c in pycountry.countries)


def state_name(code: str) -> str:
    """The common English name of a state, for people reading tables and traces."""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def parse_state(value: object) -> str | None:
    """Validate one state code; ``None`` or ``"unknown"`` mean unknown.

    Raises ``ValueError`` with a message naming the bad code and, where one exists, the code
    the author probably meant (``"FRA"`` for ``"FR"`` or ``"France"``).
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"a state must be an ISO 3166-1 alpha-3 code, not {value!r}")
    text = value.strip()
    if text.lower() in UNKNOWN_WORDS:
        return None
    code = text.upper()
    if code in iso3_codes():
        return code
    raise ValueError(f"unknown state code {value!r}{_suggest_state(text)}")


def _suggest_state(text: str) -> str:
    guess = None
    if len(text) == 2:
        guess = pycountry.countries.get(alpha_2=text.upper())
    if guess is None:
        try:
            matches = pycountry.countries.search_fuzzy(text)
        except LookupError:
            matches = []
        guess = matches[0] if matches else None
    return f" (did you mean {guess.alpha_3}, {guess.name}?)" if guess is not None else ""


def _state(value: object) -> str | None:
    return parse_state(value)


def _required_state(value: object) -> str:
    code = parse_state(value)
    if code is None:
        raise ValueError("a known state code is required here")
    return code


# A state code or unknown (None).
State = Annotated[str | None, BeforeValidator(_state)]
# A state code that must be known (profiles, positions: whose document it is).
KnownState = Annotated[str, BeforeValidator(_required_state)]
