"""EuRepoC country names to ISO 3166-1 alpha-3 codes, and what the names that are not states are.

EuRepoC names countries in the ISO 3166 English short form of its time ("Korea, Republic of")
or in a common form ("Russia", "Turkey"), and puts regions, organisations and even groups in the
same columns ("EU (region)", "United Nations", "ISIS"). A region or an organisation is not a
state: reading "EU (region)" as some state would make a rule judge the wrong sovereign. So every
name resolves to exactly one ``Place``: a state code, or a kind that says why there is none.

``pycountry`` is the source of truth for codes (DESIGN section 2); it also lists territories
that are not sovereign states (Hong Kong HKG, Taiwan TWN, Guernsey GGY, Anguilla AIA). We keep
those codes as pycountry gives them and let rules and profiles decide what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import pycountry

from cybernorms.ingest.eurepoc.cells import missing_kind


class PlaceKind(StrEnum):
    STATE = "state"
    REGION = "region"
    ORGANISATION = "organisation"
    NON_STATE = "non_state_actor"
    NOT_ISO = "not_in_iso_3166"  # a state pycountry does not list (Kosovo)
    MISSING = "missing"  # Unknown / Not available / empty
    UNMAPPED = "unmapped"  # a name we have no rule for: unknown vocabulary


@dataclass(frozen=True, slots=True)
class Place:
    kind: PlaceKind
    code: str | None = None


# Names pycountry does not resolve, or resolves only under a newer name.
_ALIASES = {
    "Russia": "RUS",
    "Turkey": "TUR",
    "Palestine": "PSE",
    "Swaziland": "SWZ",
    "Brunei": "BRN",
    "Macedonia": "MKD",
    "Cape Verde": "CPV",
    "Micronesia": "FSM",
    "Ivory Coast": "CIV",
    "Burma": "MMR",
}

_NOT_ISO = frozenset({"Kosovo"})

_ORGANISATIONS = frozenset(
    {
        "EU (region)",
        "NATO (region)",
        "United Nations",
        "United Nations Organization",
        "United Nations Economic and Social Council",
        "United Nations Environment Programme",
        "UNICEF",
        "Interpol",
        "Organization for Security and Cooperation in Europe",
        "World Anti-Doping Agency",
        "International Association of Athletics Federations",
    }
)

_REGIONS = frozenset(
    {
        "Africa",
        "Asia",
        "Europe",
        "Caucasus",
        "Eastern Europe",
        "Western Europe",
        "Northern Europe",
        "Southern Europe",
        "North America",
        "South America",
        "Latin America",
    }
)

_NON_STATE = frozenset({"ISIS"})


@cache
def place(name: str) -> Place:
    """What one EuRepoC country name denotes (cached: the file repeats a few hundred names)."""
    text = name.strip()
    if missing_kind(text) is not None or text == "None":
        return Place(PlaceKind.MISSING)
    if text in _ALIASES:
        return Place(PlaceKind.STATE, _ALIASES[text])
    if text in _ORGANISATIONS:
        return Place(PlaceKind.ORGANISATION)
    if text in _NON_STATE:
        return Place(PlaceKind.NON_STATE)
    if text in _NOT_ISO:
        return Place(PlaceKind.NOT_ISO)
    if text in _REGIONS or text.endswith("(region)"):
        return Place(PlaceKind.REGION)
    try:
        country = pycountry.countries.lookup(text)
    except LookupError:
        return Place(PlaceKind.UNMAPPED)
    return Place(PlaceKind.STATE, str(country.alpha_3))
