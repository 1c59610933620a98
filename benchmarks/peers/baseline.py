"""A hand-written Python function for one rule: the floor of what interpreted Python costs.

Why it is here: it shows how far our generated code is from the best a person could write by
hand in Python for the same rule (``il.use_of_force``), with the same three-valued answers
(the benchmark checks it against the engine before timing it). No traces, no profiles, no
subject handling beyond this one rule's.
"""

from __future__ import annotations

from cybernorms.model.facts import Incident

RULE = "il.use_of_force"
NOT_APPLICABLE, NO_VIOLATION, UNDETERMINED, VIOLATION = 0, 1, 2, 3
_ATTRIBUTABLE = frozenset(("direct", "indirect"))
_PHYSICAL = frozenset(("local", "widespread"))
_DAMAGE = frozenset(("repair", "permanent"))


def use_of_force(incident: Incident) -> int:
    """``il.use_of_force`` for the incident's attributed state (one decision)."""
    attribution = incident.attribution
    level = attribution.level
    if level is not None and level not in _ATTRIBUTABLE:
        return NOT_APPLICABLE
    subject = attribution.state
    # any(t.country != subject for t in targets)
    targets = incident.targets
    abroad: bool | None
    if targets is None:
        abroad = None
    else:
        abroad = False
        for t in targets:
            country = t.country
            if country is None or subject is None:
                abroad = None
            elif country != subject:
                abroad = True
                break
    if abroad is False:
        return NO_VIOLATION
    # effects.casualties > 0 or (effects.physical in {"local", "widespread"}
    #                            and effects.loss_of_function in {"repair", "permanent"})
    effects = incident.effects
    physical, casualties, lost = effects.physical, effects.casualties, effects.loss_of_function
    damage: bool | None
    if (physical is not None and physical not in _PHYSICAL) or (
        lost is not None and lost not in _DAMAGE
    ):
        damage = False
    elif physical is None or lost is None:
        damage = None
    else:
        damage = True
    if (casualties is not None and casualties > 0) or damage is True:
        harm: bool | None = True
    elif casualties is None or damage is None:
        harm = None
    else:
        harm = False
    if harm is False:
        return NO_VIOLATION
    if level is None or abroad is None or harm is None or subject is None:
        return UNDETERMINED
    return VIOLATION
