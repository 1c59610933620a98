"""The finite world the solver reasons about: which strings, states and dates exist.

Why finite: rules can only tell states (and texts) apart by comparing them with each other, with
literals of the rule text, by the profile a state published and by package membership. So every
state the rules, profiles, parties and positions name is kept, and all other states of the world
are represented by ``ANONYMOUS_STATES`` stand-ins (real ISO codes none of the rulebooks names), so
a witness is always a valid incident. A claim "no incident does X" is therefore a claim about
incidents with at most that many states the rulebooks do not name (documented bound).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cybernorms.model.profile import Profile, ProfileParameters
from cybernorms.rules import ir
from cybernorms.rules.package import Package, Position, Rule
from cybernorms.rules.types import (
    INCIDENT,
    PROFILE,
    STATE,
    TEXT,
    EnumType,
    ListType,
    RecordType,
    Type,
)

# Stand-ins for states no rulebook names; the first ones not otherwise named are used.
ANONYMOUS_POOL = ("NOR", "BRA", "KEN", "IND", "AUS", "CHL", "MNG", "NZL", "ISL", "SEN")
ANONYMOUS_STATES = 4
# Stand-ins for texts no rule names (names of targets, CERTs), and one valid currency code
# (``effects.economic_loss_currency`` is a text the fact model checks against ISO 4217).
OTHER_TEXTS = ("other text 1", "other text 2", "USD")
# Dates of incidents the solver may choose (ordinals): wide enough for any profile version.
MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)


@dataclass
class Universe:
    """The string table (enumeration values, states, texts share one index space)."""

    strings: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    def code(self, value: str) -> int:
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.strings)
            self.strings.append(value)
        return found

    def known(self, value: str) -> bool:
        return value in self._index

    def decode(self, index: int) -> str:
        return self.strings[index]

    def state_codes(self) -> list[int]:
        return [self._index[s] for s in self.states]

    def text_codes(self) -> list[int]:
        return [self._index[s] for s in self.texts]

    def domain(self, tp: Type) -> list[int]:
        """The indices a scalar of type ``tp`` may take."""
        if isinstance(tp, EnumType):
            return [self.code(v) for v in tp.values]
        if tp == STATE:
            return self.state_codes()
        if tp == TEXT:
            return self.text_codes()
        raise TypeError(f"{tp} is not a string type")


def _enum_types(record: RecordType, out: list[EnumType]) -> None:
    for tp in record.fields().values():
        inner = tp.element if isinstance(tp, ListType) else tp
        if isinstance(inner, EnumType):
            out.append(inner)
        elif isinstance(inner, RecordType):
            _enum_types(inner, out)


def _literals(node: ir.Node) -> Iterable[tuple[Type, str]]:
    for n in ir.walk(node):
        if isinstance(n, ir.Const) and isinstance(n.value, str):
            yield n.type, n.value
        elif isinstance(n, ir.SetLit) and isinstance(n.type, ListType):
            for v in n.values:
                if isinstance(v, str):
                    yield n.type.element, v


def _profile_texts(params: ProfileParameters) -> Iterable[str]:
    for name in ("certs", "points_of_contact"):
        yield from getattr(params, name) or ()


def build_universe(
    packages: Sequence[Package],
    positions: Sequence[Position] = (),
    profiles: Sequence[Profile] = (),
    extra_states: Iterable[str] = (),
    anonymous: int = ANONYMOUS_STATES,
) -> Universe:
    """Every string the rules can tell apart, plus stand-ins for the rest of the world."""
    u = Universe()
    enums: list[EnumType] = []
    _enum_types(INCIDENT, enums)
    _enum_types(PROFILE, enums)
    for e in enums:
        for v in e.values:
            u.code(v)
    rules: list[Rule] = [r for p in packages for r in p.rules]
    rules += [r for pos in positions for r in (*pos.overrides.values(), *pos.added)]
    states: list[str] = []
    texts: list[str] = []
    nodes: list[ir.Node] = [n for r in rules for n in (r.subject, r.applies, r.violated)]
    nodes += [p.covers for p in packages if p.covers is not None]
    for node in nodes:
        for tp, value in _literals(node):
            if tp == STATE:
                states.append(value)
            elif not isinstance(tp, EnumType):
                texts.append(value)
    states += [p.state for p in profiles]
    states += [s for p in packages for s in sorted(p.parties)]
    # A group (group:NAME) is no state a fact can name: only a national reader joins.
    states += [pos.state for pos in positions if not pos.is_group]
    states += list(extra_states)
    for params in [p.parameters for p in profiles] + [p.defaults for p in packages]:
        texts += list(_profile_texts(params))
    named = set(states)
    states += [s for s in ANONYMOUS_POOL if s not in named][:anonymous]
    texts += list(OTHER_TEXTS)
    for s in dict.fromkeys(states):
        u.code(s)
        u.states.append(s)
    for t in dict.fromkeys(texts):
        u.code(t)
        u.texts.append(t)
    return u
