"""Fact schema v1 as solver variables, and back: incidents to values, models to incidents.

Every fact of an incident becomes a symbolic value (``analysis.values``) named by its path
(``effects.physical``, ``targets[1].sector``), read off the same pydantic model the engine
reads, so the schema is declared once. Lists of the incident get ``BOUND`` slots each (a
documented bound: a claim "no incident does X" means "no incident with at most BOUND targets,
requests, used territories... does X"). ``decode`` turns a solver model into a plain incident
dict, ``assignment`` turns an incident into values for every variable (the soundness tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import z3
from pydantic import BaseModel

from cybernorms.analysis.universe import MAX_DATE, MIN_DATE, OTHER_TEXTS, Universe
from cybernorms.analysis.values import B3, TRUE, Ls, Rec, Sc, Val, disj
from cybernorms.rules.types import (
    BOOL,
    DATE,
    INCIDENT,
    INT,
    STATE,
    TEXT,
    EnumType,
    ListType,
    RecordType,
    Type,
)

BOUND = 3
# Lists the fact model stores without repeats (sorted sets): their slots must differ.
DEDUPED = frozenset({"attribution.basis"})


def _int_bounds(model: type[BaseModel], name: str) -> tuple[int | None, int | None]:
    lo: int | None = None
    hi: int | None = None
    for m in model.model_fields[name].metadata:
        if getattr(m, "ge", None) is not None:
            lo = int(m.ge)
        if getattr(m, "gt", None) is not None:
            lo = int(m.gt) + 1
        if getattr(m, "le", None) is not None:
            hi = int(m.le)
        if getattr(m, "lt", None) is not None:
            hi = int(m.lt) - 1
    return lo, hi


@dataclass
class FactSpace:
    """The incident's facts as solver variables, with their domain constraints."""

    universe: Universe
    bound: int = BOUND
    constraints: list[Any] = field(default_factory=list)
    all_known: list[Any] = field(default_factory=list)
    root: Rec = field(init=False)

    def __post_init__(self) -> None:
        self.root = self._record(INCIDENT, "", TRUE)
        start, end = self.root.fields["start_date"], self.root.fields["end_date"]
        assert isinstance(start, Sc) and isinstance(end, Sc)  # noqa: S101 - invariant that narrows a type, never input checking
        # the fact model refuses an incident that ends before it starts
        self.constraints.append(z3.Implies(z3.And(start.known, end.known), end.v >= start.v))
        self._model_rules()

    # -- construction ------------------------------------------------------------------
    def _record(self, rec: RecordType, prefix: str, exists: Any) -> Rec:
        fields: dict[str, Val] = {}
        for name, tp in rec.fields().items():
            path = f"{prefix}{name}"
            lo, hi = (None, None)
            if tp == INT:
                lo, hi = _int_bounds(rec.model, name)
            fields[name] = self._value(tp, path, exists, lo, hi)
        return Rec(fields)

    def _value(self, tp: Type, path: str, exists: Any, lo: int | None, hi: int | None) -> Val:
        if isinstance(tp, RecordType):
            return self._record(tp, f"{path}.", exists)
        if isinstance(tp, ListType):
            return self._list(tp, path, exists)
        return self._scalar(tp, path, exists, lo, hi)

    def _scalar(self, tp: Type, path: str, exists: Any, lo: int | None, hi: int | None) -> Val:
        if tp == BOOL:
            t, f = z3.Bool(f"{path}?t"), z3.Bool(f"{path}?f")
            self.constraints.append(z3.Not(z3.And(t, f)))
            self.all_known.append(z3.Implies(exists, z3.Or(t, f)))
            return B3(t, f)
        known, v = z3.Bool(f"{path}?k"), z3.Int(path)
        self.constraints.append(z3.Implies(known, self._domain(tp, v, lo, hi)))
        if not _either_or(path):  # a target's country or org: see ``_model_rules``
            self.all_known.append(z3.Implies(exists, known))
        return Sc(known, v)

    def _domain(self, tp: Type, v: Any, lo: int | None, hi: int | None) -> Any:
        if tp == INT:
            parts = [v >= lo] if lo is not None else []
            parts += [v <= hi] if hi is not None else []
            return z3.And(*parts) if parts else TRUE
        if tp == DATE:
            return z3.And(v >= MIN_DATE.toordinal(), v <= MAX_DATE.toordinal())
        return z3.Or(*[v == c for c in self.universe.domain(tp)])

    def _list(self, tp: ListType, path: str, exists: Any) -> Ls:
        known, length = z3.Bool(f"{path}?k"), z3.Int(f"{path}#")
        self.constraints.append(z3.And(length >= 0, length <= self.bound))
        self.all_known.append(z3.Implies(exists, known))
        items: list[Val] = []
        for i in range(self.bound):
            active = z3.And(exists, known, z3.IntVal(i) < length)
            item_path = f"{path}[{i}]"
            el = tp.element
            if isinstance(el, RecordType):
                items.append(self._record(el, f"{item_path}.", active))
            else:
                # Members of a list of codes are never unknown: the fact model drops them.
                v = z3.Int(item_path)
                self.constraints.append(self._domain(el, v, None, None))
                items.append(Sc(TRUE, v))
        if path in DEDUPED:
            for i in range(self.bound):
                for j in range(i + 1, self.bound):
                    a, b = items[i], items[j]
                    assert isinstance(a, Sc) and isinstance(b, Sc)  # noqa: S101 - invariant that narrows a type, never input checking
                    self.constraints.append(z3.Implies(z3.IntVal(j) < length, a.v != b.v))
        return Ls(known, length, tuple(items))

    # -- the fact model's cross-field rules (``Incident._problems``, ``Request._coherent``) --
    def _model_rules(self) -> None:
        """What the fact model refuses, the solver must not choose: a witness is an incident.

        Each constraint restates one validation rule of ``model.facts`` over the slots.
        """
        root = self.root.fields
        start = root["start_date"]
        assert isinstance(start, Sc)  # noqa: S101 - invariant that narrows a type, never input checking
        requests = root["requests"]
        assert isinstance(requests, Ls)  # noqa: S101 - invariant that narrows a type, never input checking
        for item in requests.items:
            r = _fields(item)
            to, frm, date, adate = r["to_state"], r["from_state"], r["date"], r["answer_date"]
            self.constraints += [
                z3.Implies(z3.And(to.known, frm.known), to.v != frm.v),
                z3.Implies(z3.And(date.known, adate.known), adate.v >= date.v),
            ]
        self._requested_states(requests, root["requested_states"])
        used = root["territory_used"]
        roles = root["territory_roles"]
        assert isinstance(used, Ls) and isinstance(roles, Ls)  # noqa: S101 - invariant that narrows a type, never input checking
        for role in roles.items:
            state = _fields(role)["state"]
            member = disj(
                *[z3.And(used.active(j), _code(u) == state.v) for j, u in enumerate(used.items)]
            )
            self.constraints.append(z3.Implies(z3.And(state.known, used.known), member))
        targets = root["targets"]
        assert isinstance(targets, Ls)  # noqa: S101 - invariant that narrows a type, never input checking
        for i, t in enumerate(targets.items):
            f = _fields(t)
            self.constraints.append(z3.Not(z3.And(f["country"].known, f["org"].known)))
            # "every fact known" means: the target is a state's or an organisation's, known
            exists = z3.And(targets.known, targets.active(i))
            self.all_known.append(z3.Implies(exists, z3.Or(f["country"].known, f["org"].known)))
        responses = root["responses"]
        assert isinstance(responses, Ls)  # noqa: S101 - invariant that narrows a type, never input checking
        for resp in responses.items:
            date = _fields(resp)["date"]
            self.constraints.append(z3.Implies(z3.And(start.known, date.known), date.v >= start.v))
        effects = root["effects"]
        assert isinstance(effects, Rec)  # noqa: S101 - invariant that narrows a type, never input checking
        currency = effects.fields["economic_loss_currency"]
        assert isinstance(currency, Sc)  # noqa: S101 - invariant that narrows a type, never input checking
        valid = [c for c in self.universe.text_codes() if _is_currency(self.universe.decode(c))]
        self.constraints.append(z3.Implies(currency.known, disj(*[currency.v == c for c in valid])))

    def _requested_states(self, requests: Ls, derived: Val) -> None:
        """``requested_states`` is the set of the requests' known receivers (derived)."""
        assert isinstance(derived, Ls)  # noqa: S101 - invariant that narrows a type, never input checking
        self.constraints.append(derived.known == requests.known)
        receivers = []
        for i, item in enumerate(requests.items):
            to = _fields(item)["to_state"]
            receivers.append((z3.And(requests.active(i), to.known), to.v))
        for j, slot in enumerate(derived.items):
            v = _code(slot)
            self.constraints.append(
                z3.Implies(derived.active(j), disj(*[z3.And(k, x == v) for k, x in receivers]))
            )
            for k in range(j + 1, len(derived.items)):
                self.constraints.append(z3.Implies(derived.active(k), v != _code(derived.items[k])))
        for k, x in receivers:
            listed = disj(
                *[z3.And(derived.active(j), _code(s) == x) for j, s in enumerate(derived.items)]
            )
            self.constraints.append(z3.Implies(z3.And(requests.known, k), listed))

    # -- models to incidents -------------------------------------------------------------
    def decode(self, model: Any) -> dict[str, Any]:
        """The incident (a plain dict in fact schema v1) a solver model describes."""

        def ev(x: Any) -> Any:
            return model.eval(x, model_completion=True)

        def scalar(tp: Type, val: Val) -> Any:
            if isinstance(val, B3):
                return True if z3.is_true(ev(val.t)) else False if z3.is_true(ev(val.f)) else None
            assert isinstance(val, Sc)  # noqa: S101 - invariant that narrows a type, never input checking
            if not z3.is_true(ev(val.known)):
                return None
            n = ev(val.v).as_long()
            if tp == INT:
                return n
            if tp == DATE:
                return dt.date.fromordinal(n).isoformat()
            return self.universe.decode(n)

        def value(tp: Type, val: Val) -> Any:
            if isinstance(tp, RecordType):
                assert isinstance(val, Rec)  # noqa: S101 - invariant that narrows a type, never input checking
                return {k: value(t, val.fields[k]) for k, t in tp.fields().items()}
            if isinstance(tp, ListType):
                assert isinstance(val, Ls)  # noqa: S101 - invariant that narrows a type, never input checking
                if not z3.is_true(ev(val.known)):
                    return None
                n = ev(val.length).as_long()
                return [value(tp.element, item) for item in val.items[:n]]
            return scalar(tp, val)

        out = value(INCIDENT, self.root)
        assert isinstance(out, dict)  # noqa: S101 - invariant that narrows a type, never input checking
        return out

    # -- incidents to values ---------------------------------------------------------------
    def assignment(self, incident: BaseModel) -> list[tuple[Any, Any]]:
        """(variable, constant) pairs giving every variable the incident's value.

        Slots beyond a list's length, and the values of unknown facts, get fixed fillers, so
        that substituting the pairs leaves no variable behind. Raises ``ValueError`` when the
        incident does not fit (a list longer than the bound, a state outside the universe).
        """
        pairs: list[tuple[Any, Any]] = []
        u = self.universe

        def code(tp: Type, raw: Any) -> int:
            if tp == INT:
                return int(raw)
            if tp == DATE:
                return int(raw.toordinal())
            text = str(raw)
            if not u.known(text):
                if tp == TEXT:
                    return u.code(OTHER_TEXTS[0])
                raise ValueError(f"{text!r} is outside the analysis universe")
            if tp == STATE and text not in u.states:
                raise ValueError(f"state {text!r} is outside the analysis universe")
            return u.code(text)

        def scalar(tp: Type, val: Val, raw: Any) -> None:
            if isinstance(val, B3):
                pairs.append((val.t, z3.BoolVal(raw is True)))
                pairs.append((val.f, z3.BoolVal(raw is False)))
                return
            assert isinstance(val, Sc)  # noqa: S101 - invariant that narrows a type, never input checking
            if z3.is_const(val.known) and not z3.is_true(val.known) and not z3.is_false(val.known):
                pairs.append((val.known, z3.BoolVal(raw is not None)))
            filler = tp_filler(tp)
            pairs.append((val.v, z3.IntVal(filler if raw is None else code(tp, raw))))

        def tp_filler(tp: Type) -> int:
            if tp in (INT,):
                return 0
            if tp == DATE:
                return MIN_DATE.toordinal()
            if isinstance(tp, EnumType) or tp in (STATE, TEXT):
                return u.domain(tp)[0]
            return 0

        def value(tp: Type, val: Val, raw: Any) -> None:
            if isinstance(tp, RecordType):
                assert isinstance(val, Rec)  # noqa: S101 - invariant that narrows a type, never input checking
                for k, t in tp.fields().items():
                    value(t, val.fields[k], None if raw is None else getattr(raw, k))
                return
            if isinstance(tp, ListType):
                assert isinstance(val, Ls)  # noqa: S101 - invariant that narrows a type, never input checking
                items = list(raw) if raw is not None else []
                if len(items) > len(val.items):
                    raise ValueError(f"a list of {len(items)} is longer than the bound")
                pairs.append((val.known, z3.BoolVal(raw is not None)))
                pairs.append((val.length, z3.IntVal(len(items))))
                for i, item in enumerate(val.items):
                    value(tp.element, item, items[i] if i < len(items) else None)
                return
            scalar(tp, val, raw)

        value(INCIDENT, self.root, incident)
        return pairs


def _fields(item: Val) -> dict[str, Any]:
    """The scalar fields of a list slot holding a record (a request, a target...)."""
    assert isinstance(item, Rec)  # noqa: S101 - invariant that narrows a type, never input checking
    return dict(item.fields)


def _code(item: Val) -> Any:
    """The value of a slot of a list of codes (its members are never unknown)."""
    assert isinstance(item, Sc)  # noqa: S101 - invariant that narrows a type, never input checking
    return item.v


def _either_or(path: str) -> bool:
    """A fact known only in place of another (a target is a state's or an organisation's)."""
    return path.startswith("targets[") and path.rsplit(".", 1)[-1] in ("country", "org")


def _is_currency(text: str) -> bool:
    import pycountry

    return pycountry.currencies.get(alpha_3=text.upper()) is not None and text == text.upper()


Decoder = Callable[[Any], dict[str, Any]]
