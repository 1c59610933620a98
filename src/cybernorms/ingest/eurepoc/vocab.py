"""EuRepoC vocabularies mapped onto the closed enumerations of fact schema v2.

Each table maps the exact EuRepoC wording to a schema value. A value of ``None`` in a table
means "a known EuRepoC term with no counterpart in the schema": it is recorded in provenance and
becomes unknown, but it is not unknown *vocabulary*. A term missing from a table is unknown
vocabulary: the importer lists it in its summary (a new release of EuRepoC that renames a
category must be noticed, not silently read as unknown).

Sources: EuRepoC Codebook 1.1 and the values present in Global Database 1.1.
"""

from __future__ import annotations

from typing import Final

# initiator_category -> initiator.category (``NON_STATE_SUBCODE`` refines non-state groups)
INITIATOR_CATEGORY: Final[dict[str, str | None]] = {
    "State": "state",
    "Non-state actor, state-affiliation suggested": "state_affiliated",
    "Non-state-group": "non_state_group",
    "Individual hacker(s)": "individual",
    "Unknown - not attributed": None,
    "None": None,
}
# initiator_category_subcode -> the finer fact schema v2 category of a non-state group.
NON_STATE_SUBCODE: Final[dict[str, str]] = {
    "Criminal(s)": "criminal",
    "Hacktivist(s)": "hacktivist",
    "Terrorist(s)": "terrorist",
    "Private technology companies / hacking for hire groups without state affiliation / "
    "research entities": "private_company",
}
INITIATOR_SUBCODES: Final = frozenset(
    {
        "Hacktivist(s)",
        "Non-state-group, state-affiliation suggested (widely held view for the attributed "
        "initiator (group), but not invoked in this case)",
        "Criminal(s)",
        "Terrorist(s)",
        "Ethnic actors",
        "Religious actors",
        "Private technology companies / hacking for hire groups without state affiliation / "
        "research entities",
        "None",
    }
)

# attributed_initiator_category (or initiator_category) -> attribution.level.
# The law of state responsibility: state organs act for the state (direct); a group a state
# directs, controls, supports or sanctions engages it indirectly; a group with no state link
# engages no state (a state may still fail in due diligence, which is another rule).
# "State-affiliation suggested" is the coders' record of a suspicion, not an established link:
# it gives no level at all (unknown), never direct or indirect (issue 8). No EuRepoC category
# establishes an indirect link, so no claim from this source is "indirect".
ATTRIBUTION_LEVEL: Final[dict[str, str | None]] = {
    "State": "direct",
    "Non-state actor, state-affiliation suggested": None,
    "Non-state-group": "none_or_negligent",
    "Individual hacker(s)": "none_or_negligent",
    "Unknown - not attributed": None,
    "None": None,
}
# The same categories -> the ARSIWA link a claim asserts (fact schema v2 ``link``): a state
# actor is a state organ (art. 4); a group or individual with no state link has none.
ATTRIBUTION_LINK: Final[dict[str, str | None]] = {
    "State": "organ",
    "Non-state actor, state-affiliation suggested": None,
    "Non-state-group": "none",
    "Individual hacker(s)": "none",
    "Unknown - not attributed": None,
    "None": None,
}

# attribution_basis -> who made the claim (fact schema v2 ``claims[*].by_actor_type``).
# Third parties and "the receiver" may be states, organisations or companies: not named.
CLAIMANT: Final[dict[str, str | None]] = {
    "Attacker confirms": "self",
    "IT-security community attributes attacker": "it_company",
    "Media-based attribution": "media",
    "Attribution by receiver government / state entity": "government",
    "Attribution by EU institution/agency": "intl_org",
    "Attribution by international organization": "intl_org",
    "Contested attribution": None,
    "Attribution by third-party": None,
    "Receiver attributes attacker": None,
    "None": None,
}

# attribution_basis -> attribution.basis
ATTRIBUTION_BASIS: Final[dict[str, str | None]] = {
    "Attacker confirms": "self",
    "IT-security community attributes attacker": "it_security",
    "Attribution by receiver government / state entity": "receiver_government",
    "Media-based attribution": "media",
    "Contested attribution": "contested",
    "Attribution by EU institution/agency": "other_government",
    "Attribution by international organization": "other_government",
    # Third parties are other states, organisations or NGOs alike, and a receiver may be a
    # company: neither says which kind of attributor it was, so no schema term is claimed.
    "Attribution by third-party": None,
    "Receiver attributes attacker": None,
    "None": None,
}

# attribution_type: only legal action adds a basis; the others say how, not by whom.
ATTRIBUTION_TYPE: Final[dict[str, str | None]] = {
    "Technical report (e.g., by IT-companies, Citizen Lab, EFF)": None,
    "Self-attribution in the course of the attack (e.g., via defacement statements on "
    "websites)": None,
    "Direct statement in media report (e.g., Reuters article cites the attribution statements "
    "by a person) / self-attribution via social media": None,
    "Anonymous statement in media report (e.g., Reuters article cites the attribution "
    "statements of unnamed officials, or persons with knowledge into the matter etc.)": None,
    "Attribution given, type unclear": None,
    "Political statement / report (e.g., on government / state agency websites)": None,
    "Domestic legal action": "legal_action",
    "Media report (e.g., Reuters makes an attribution statement, without naming further "
    "sources)": None,
    "Statement in media report and political statement/technical report": None,
    "Political statement/report and indictment / sanctions": "legal_action",
    "Statement in media report and indictment / sanctions": "legal_action",
    "None": None,
}

# receiver_category -> targets[i].category
TARGET_CATEGORY: Final[dict[str, str | None]] = {
    "State institutions / political system": "state_institutions",
    "Critical infrastructure": "critical_infrastructure",
    "Corporate Targets (corporate targets only coded if the respective company is not part of "
    "the critical infrastructure definition)": "corporate",
    "Social groups": "social_groups",
    "Media": "media",
    "Science": "science",
    "End user(s) / specially protected groups": "end_users",
    "International / supranational organization": "international_org",
    "Other": "other",
}

# receiver_category_subcode -> targets[i].sector
SECTOR: Final[dict[str, str | None]] = {
    "Government / ministries": "government",
    "Civil service / administration": "civil_service",
    "Military": "military",
    "Police": "police",
    "Intelligence agencies": "intelligence",
    "Legislative": "legislative",
    "Judiciary": "judiciary",
    "Political parties": "political_parties",
    "Election infrastructure / related systems": "elections",
    "Other (e.g., embassies)": "other",
    "Telecommunications": "telecom",
    "Energy": "energy",
    "Defence industry": "defence_industry",
    "Finance": "finance",
    "Transportation": "transport",
    "Health": "health",
    "Chemicals": "chemicals",
    "Water": "water",
    "Food": "food",
    "Space": "space",
    "Critical Manufacturing": "critical_manufacturing",
    "Advocacy / activists (e.g. human rights organizations)": "civil_society",
    "Political opposition / dissidents / expats": "civil_society",
    "Religious": "religious",
    "Ethnic": "other",
    "Other social groups": "other",
    "Terrorist": "other",
    "Criminal": "other",
    "Hacktivist": "other",
}

# Where the subcode is empty, some categories still fix the sector.
SECTOR_OF_CATEGORY: Final[dict[str, str]] = {
    "media": "media",
    "science": "research",
    "end_users": "end_users",
    "international_org": "international_org",
}

DATA_THEFT: Final[dict[str, str | None]] = {
    "none": "none",
    "For private / commercial targets: non-sensitive information (incident scores 1 point in "
    "intensity)": "non_sensitive",
    "For private / commercial targets: sensitive information (incident scores 2 points in "
    "intensity)": "sensitive",
}
DISRUPTION: Final[dict[str, str | None]] = {
    "none": "none",
    "Short-term disruption (< 24h; incident scores 1 point in intensity)": "short",
    "Long-term disruption (> 24h; incident scores 2 points in intensity)": "long",
}
# functional_impact: how long the receivers' systems could not work as intended, on the scale
# of ``disruption`` (< 24h short, longer long). "No system interference/disruption" is a known
# "none", not an unknown (issue 8: 39 coded incidents were read as unknown disruption).
FUNCTIONAL_IMPACT: Final[dict[str, str | None]] = {
    "No system interference/disruption": "none",
    "Day (< 24h)": "short",
    "Days (< 7 days)": "long",
    "Weeks (< 4 weeks)": "long",
    "Months": "long",
}
HIJACKING: Final[dict[str, str | None]] = {
    "none": "none",
    "Hijacking, not used - empowerment (incident scores 1 point in intensity)": "empowerment",
    "Hijacking, system misuse, e.g., through data theft and / or disruption (incident scores 2 "
    "points in intensity)": "misuse",
}
PHYSICAL_SPATIAL: Final[dict[str, str | None]] = {
    "none": "none",
    "Local effects, e.g., affecting only one restricted area of a country or region (incident "
    "scores 1 point in intensity)": "local",
    "Widespread effects, e.g., affecting different regions of country or a country as a whole "
    "(incident scores 2 points in intensity)": "widespread",
}
ZERO_DAYS: Final[dict[str, bool]] = {"Yes": True, "No": False}

INCIDENT_TYPES: Final = frozenset(
    {
        "Disruption",
        "Data theft",
        "Data theft & Doxing",
        "Hijacking with Misuse",
        "Hijacking without Misuse",
        "Ransomware",
    }
)

# offline_conflict_intensity_subcode "HIIK n"; HIIK 4 (limited war) and 5 (war) are armed
# conflicts in the sense of the law of armed conflict; 1-3 (dispute, non-violent and violent
# crisis) are not.
HIIK_PREFIX: Final = "HIIK "
ARMED_CONFLICT_FROM_HIIK: Final = 4
CONFLICT_INTENSITY_FLAG: Final = "Yes / HIIK intensity"

SUPPLY_CHAIN: Final = "Supply Chain Compromise"
