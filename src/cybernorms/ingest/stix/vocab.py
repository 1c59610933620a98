"""STIX 2.1 (and MISP) vocabularies mapped onto the closed enumerations of fact schema v1.

A table value ``None`` means "a known term with no single counterpart in the schema": the term
is kept as the fact's source value and the fact stays unknown. Each choice is argued in
``docs/stix.md`` (the mapping table); the short reason is beside the entry here.
"""

from __future__ import annotations

from typing import Final

import pycountry

# STIX 2.1 industry-sector-ov (section 10.14) -> (targets[i].sector, targets[i].category).
INDUSTRY_SECTOR: Final[dict[str, tuple[str | None, str | None]]] = {
    "government": ("government", "state_institutions"),
    "government-national": ("government", "state_institutions"),
    "government-regional": ("government", "state_institutions"),
    "government-local": ("government", "state_institutions"),
    "government-public-services": ("civil_service", "state_institutions"),
    "energy": ("energy", "critical_infrastructure"),
    "nuclear": ("energy", "critical_infrastructure"),
    "water": ("water", "critical_infrastructure"),
    "healthcare": ("health", "critical_infrastructure"),
    "financial-services": ("finance", "critical_infrastructure"),
    "insurance": ("finance", "critical_infrastructure"),
    "telecommunications": ("telecom", "critical_infrastructure"),
    "transportation": ("transport", "critical_infrastructure"),
    "agriculture": ("food", "critical_infrastructure"),
    "chemical": ("chemicals", "critical_infrastructure"),
    "education": ("education", None),  # schools and universities: state or private
    "non-profit": ("civil_society", "social_groups"),
    # Critical infrastructure, but which sector is not said (power or water; several).
    "utilities": (None, "critical_infrastructure"),
    "dams": (None, "critical_infrastructure"),
    "infrastructure": (None, "critical_infrastructure"),
    # Companies outside the critical sectors of the schema.
    "automotive": (None, "corporate"),
    "commercial": (None, "corporate"),
    "construction": (None, "corporate"),
    "entertainment": (None, "corporate"),
    "hospitality-leisure": (None, "corporate"),
    "mining": (None, "corporate"),
    "retail": (None, "corporate"),
    # Ambiguous: armed forces or defence industry; police, fire or ambulance; aviation or
    # space; drug makers or health care; any kind of manufacturer; broadcasting or telecom;
    # hardware, software or service provider.
    "defense": (None, None),
    "emergency-services": (None, None),
    "aerospace": (None, None),
    "pharmaceuticals": (None, None),
    "manufacturing": (None, None),
    "communications": (None, None),
    "technology": (None, None),
}

# MISP sector galaxy value -> targets[i].sector. Only the values with one counterpart; a term
# of the galaxy not listed here is known vocabulary that stays unknown. Synonyms come from the
# galaxy file the caller gives (``References``).
MISP_SECTOR: Final[dict[str, str]] = {
    "Government, Administration": "government",
    "Military": "military",
    "Intelligence": "intelligence",
    "Police - Law enforcement": "police",
    "Justice": "judiciary",
    "Diplomacy": "diplomatic",
    "Political party": "political_parties",
    "Energy": "energy",
    "Electric": "energy",
    "Gas": "energy",
    "Oil": "energy",
    "Water": "water",
    "Health": "health",
    "Finance": "finance",
    "Bank": "finance",
    "Telecoms": "telecom",
    "Transport": "transport",
    "Railway": "transport",
    "Civil Aviation": "transport",
    "Food": "food",
    "Agriculture": "food",
    "Chemical": "chemicals",
    "Petrochemical": "chemicals",
    "Space": "space",
    "Satellite navigation": "space",
    "Academia - University": "education",
    "Higher education": "education",
    "Education": "education",
    "Research - Innovation": "research",
    "Think Tanks": "research",
    "News - Media": "media",
    "Journalist": "media",
    "Television broadcast": "media",
    "Civil society": "civil_society",
    "NGO": "civil_society",
    "Activists": "civil_society",
    "Non-profit organisation": "civil_society",
    "Dissidents": "civil_society",
    "Opposition": "civil_society",
    "Citizens": "end_users",
    "Digital services": "digital_provider",
    "Digital infrastructure": "digital_provider",
    "IT - ISP": "digital_provider",
    "DNS service provider": "digital_provider",
    "Managed Services Provider": "digital_provider",
}

# Category of the schema that a sector fixes (EuRepoC's receiver categories, fact schema v1).
CATEGORY_OF_SECTOR: Final[dict[str, str]] = {
    "government": "state_institutions",
    "civil_service": "state_institutions",
    "military": "state_institutions",
    "intelligence": "state_institutions",
    "police": "state_institutions",
    "judiciary": "state_institutions",
    "diplomatic": "state_institutions",
    "political_parties": "state_institutions",
    "energy": "critical_infrastructure",
    "water": "critical_infrastructure",
    "health": "critical_infrastructure",
    "finance": "critical_infrastructure",
    "telecom": "critical_infrastructure",
    "transport": "critical_infrastructure",
    "food": "critical_infrastructure",
    "chemicals": "critical_infrastructure",
    "space": "critical_infrastructure",
    "research": "science",
    "media": "media",
    "civil_society": "social_groups",
    "end_users": "end_users",
}

# threat-actor-type-ov (section 10.23) -> initiator.category. ``None``: the type says what the
# actor wants or does, not which kind of actor it is ("nation-state" covers both state organs
# and groups working at a state's direction: state or state_affiliated).
THREAT_ACTOR_TYPE: Final[dict[str, str | None]] = {
    "crime-syndicate": "criminal",
    "criminal": "criminal",
    "activist": "non_state_group",
    "terrorist": "non_state_group",
    "nation-state": None,
    "hacker": None,
    "spy": None,
    "competitor": None,
    "insider-accidental": None,
    "insider-disgruntled": None,
    "sensationalist": None,
    "unknown": None,
}

# What in a STIX actor points at a state without saying which link (organ or direction):
# kept as the source of ``attribution.level``, which stays unknown.
STATE_HINTS: Final[dict[str, frozenset[str]]] = {
    "threat_actor_types": frozenset({"nation-state"}),
    "resource_level": frozenset({"government"}),
    "roles": frozenset({"sponsor", "director"}),
}

# identity_class values that name a government. STIX's identity-class-ov has none, but it is
# an open vocabulary and a producer may say so. An actor attributed to a government identity
# is that state's organ: attribution.level direct.
GOVERNMENT_CLASSES: Final = frozenset({"government"})

# ATT&CK tactics (kill chain phase names) whose techniques show that an effect was sought:
# fact -> phases. The grade of the effect (short/long, sensitive or not) is never in ATT&CK.
EFFECT_PHASES: Final[dict[str, frozenset[str]]] = {
    "effects.disruption": frozenset({"impact"}),
    "effects.data_theft": frozenset({"exfiltration"}),
}
ATTACK_KILL_CHAINS: Final = frozenset({"mitre-attack", "mitre-ics-attack"})

# ATT&CK techniques, by id, that bear on one fact (with their ATT&CK names), used when a
# bundle's attack-pattern carries the id but no kill chain phase.
TECHNIQUE_EVIDENCE: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "T1485": ("Data Destruction", ("effects.disruption",)),
    "T1486": ("Data Encrypted for Impact", ("effects.disruption", "effects.ransomware")),
    "T1489": ("Service Stop", ("effects.disruption",)),
    "T1490": ("Inhibit System Recovery", ("effects.disruption",)),
    "T1495": ("Firmware Corruption", ("effects.disruption",)),
    "T1498": ("Network Denial of Service", ("effects.disruption",)),
    "T1499": ("Endpoint Denial of Service", ("effects.disruption",)),
    "T1529": ("System Shutdown/Reboot", ("effects.disruption",)),
    "T1561": ("Disk Wipe", ("effects.disruption",)),
    "T1491": ("Defacement", ("effects.hijacking",)),
    "T1565": ("Data Manipulation", ("effects.hijacking",)),
    "T1041": ("Exfiltration Over C2 Channel", ("effects.data_theft",)),
    "T1048": ("Exfiltration Over Alternative Protocol", ("effects.data_theft",)),
    "T1567": ("Exfiltration Over Web Service", ("effects.data_theft",)),
    "T1195": ("Supply Chain Compromise", ("context.supply_chain",)),
    "T0879": ("Damage to Property", ("effects.physical",)),
    "T0880": ("Loss of Safety", ("effects.physical",)),
    "T0826": ("Loss of Availability", ("effects.disruption",)),
    "T0813": ("Denial of Control", ("effects.disruption",)),
}

# Why each fact an ATT&CK technique bears on stays unknown (documented in docs/stix.md).
WHY_EVIDENCE_ONLY: Final[dict[str, str]] = {
    "effects.disruption": "an impact technique shows a disruption was sought, not that it "
    "happened nor whether it lasted under or over 24 hours (short/long)",
    "effects.ransomware": "encryption for impact is also how wipers disguised as ransomware "
    "work (T1486 does not say a ransom was asked)",
    "effects.data_theft": "an exfiltration technique says data left, not whether it was sensitive",
    "effects.hijacking": "defacement or data manipulation does not say whether systems were "
    "misused or only empowered an operator",
    "effects.physical": "an ICS technique names the kind of loss, not whether it was local or "
    "widespread",
    "context.supply_chain": "a technique used by the actor is not proof that this operation "
    "went through a supplier",
}


def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-3 for a STIX country (alpha-2), an alpha-3 code or an English name.

    Names in the MISP style "Iran (Islamic Republic of)" are read as ISO's "Iran, Islamic
    Republic of". Anything pycountry does not resolve to exactly one country is ``None``.
    """
    value = text.strip()
    if not value or value.lower() in {"unknown", "none", "n/a"}:
        return None
    candidates = [value]
    if value.endswith(")") and " (" in value:
        head, tail = value[:-1].split(" (", 1)
        candidates.append(f"{head}, {tail}")
    for candidate in candidates:
        try:
            return str(pycountry.countries.lookup(candidate).alpha_3)
        except LookupError:
            continue
    try:
        matches = pycountry.countries.search_fuzzy(value)
    except LookupError:
        return None
    return str(matches[0].alpha_3) if len(matches) == 1 else None
