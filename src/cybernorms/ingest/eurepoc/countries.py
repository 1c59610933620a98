"""EuRepoC country names to ISO 3166-1 alpha-3 codes, and what the names that are not states are.

EuRepoC names countries in the ISO 3166 English short form of its time ("Korea, Republic of")
or in a common form ("Russia", "Turkey"), and puts regions, organisations and even groups in the
same columns ("EU (region)", "United Nations", "ISIS"). A region or an organisation is not a
state: reading "EU (region)" as some state would make a rule judge the wrong sovereign. So every
name resolves to exactly one ``Place``: a state code, or a kind that says why there is none.

``pycountry`` is the source of truth for codes (DESIGN section 2); it also lists territories
that are not sovereign states (Hong Kong HKG, Macao MAC, Taiwan TWN, Guernsey GGY). Hong Kong
and Macao are special administrative regions of the People's Republic of China, which conducts
their foreign affairs and defence: for the rules they are China (``CHN``), otherwise an
operation by China against Hong Kong would read as an act against another state (issue 8).
The name the source used stays in the incident's provenance. Other territories keep the code
pycountry gives them, for rules and profiles to decide what they mean.
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

# Territories that are part of a state for the purposes of the rules: territory code -> state.
PART_OF_STATE = {"HKG": "CHN", "MAC": "CHN"}

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
    if text == "Macau":  # the common spelling; pycountry knows only "Macao"
        return Place(PlaceKind.STATE, PART_OF_STATE["MAC"])
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
    code = str(country.alpha_3)
    return Place(PlaceKind.STATE, PART_OF_STATE.get(code, code))
