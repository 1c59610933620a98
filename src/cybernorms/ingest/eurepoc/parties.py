"""Who acted and to whom it is attributed: ``initiator`` and ``attribution`` from a EuRepoC row.

A row may carry several attributions, ``"; "``-joined position by position in the attribution
columns (``attributed_initiator_country``, ``attributed_initiator_category``,
``attribution_basis``, ``attribution_type``, ``attributing_country``, ``attribution_date``).
Each is one claim: who said it (the kind of attributor, the attributing state where coded),
which state it names, the link it asserts, on what basis and when. The claims are kept apart,
never merged into the strongest, because a reading may accept only some claimants (a
government's statement, not a media report).

The link a claim asserts comes from the coded *category* of the attributed initiator and
nothing else: a state actor is a state organ (level ``direct``); a non-state group or an
individual with no state link is ``none_or_negligent``; "Non-state actor, state-affiliation
suggested" establishes *no* link (a suspicion the coders record, not an attribution: level and
link unknown, the initiator ``state_affiliated``); "Unknown - not attributed" is unknown.

``attribution.state`` / ``level`` / ``link`` are what the claims agree on: the one state the
claims name, and the link every claim naming it that asserts one asserts. Where claims name
different states or assert different links, the fact is unknown (a note says so, and every
claim stays in ``attribution.claims``): choosing one would decide for the reader which source
to believe.

The coders' ``state_responsibility_indicator`` is a legal conclusion and is never read here:
the agreement command compares the engine with it, so reading it would make that comparison
circular.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from cybernorms.ingest.eurepoc import vocab
from cybernorms.ingest.eurepoc.cells import CellError, missing_kind, parse_date, split_list
from cybernorms.ingest.eurepoc.countries import PlaceKind, place
from cybernorms.ingest.eurepoc.row import RowContext


def initiator(ctx: RowContext) -> dict[str, Any]:
    """``initiator``: name, category and country when the initiators listed agree."""
    out: dict[str, Any] = {}
    names = [n for n in ctx.literal("initiator_name") if missing_kind(n) is None]
    if names:
        out["name"] = "; ".join(dict.fromkeys(names))
        ctx.keep("initiator.name", "initiator_name")
    cats = ctx.literal("initiator_category")
    subs = ctx.literal("initiator_category_subcode")
    found: set[str] = set()
    for i, cat in enumerate(cats):
        mapped = ctx.lookup("initiator_category", vocab.INITIATOR_CATEGORY, cat)
        sub = subs[i].strip() if i < len(subs) else ""
        if sub and sub not in vocab.INITIATOR_SUBCODES:
            ctx.unknown("initiator_category_subcode", sub)
        if mapped == "non_state_group" and sub in vocab.NON_STATE_SUBCODE:
            mapped = vocab.NON_STATE_SUBCODE[sub]
        if mapped is not None:
            found.add(mapped)
    if len(found) == 1:
        out["category"] = found.pop()
    elif found:
        ctx.notes.append(f"initiator categories disagree ({', '.join(sorted(found))})")
    ctx.keep("initiator.category", "initiator_category")
    codes = {
        c
        for c in (_state(ctx, "initiator_country", n) for n in ctx.literal("initiator_country"))
        if c
    }
    if len(codes) == 1:
        out["country"] = codes.pop()
    ctx.keep("initiator.country", "initiator_country")
    return out


@dataclass(frozen=True)
class Claim:
    """One attribution as the row codes it (``None``: not coded or not aligned)."""

    state: str | None
    level: str | None
    link: str | None
    by_actor_type: str | None = None
    by_state: str | None = None
    date: str | None = None
    basis: tuple[str, ...] = ()


def attribution(ctx: RowContext) -> dict[str, Any]:
    """``attribution``: state, level, link, basis and attributing states, from the claims."""
    country_col, category_col = "attributed_initiator_country", "attributed_initiator_category"
    countries, categories = split_list(ctx.cell(country_col)), split_list(ctx.cell(category_col))
    from_claims = bool(countries or categories)
    if not from_claims:
        # No attribution recorded: the coded initiator is the only attribution there is.
        country_col, category_col = "initiator_country", "initiator_category"
        countries, categories = ctx.literal(country_col), ctx.literal(category_col)
    claims = [
        Claim(
            _state(ctx, country_col, country),
            ctx.lookup(category_col, vocab.ATTRIBUTION_LEVEL, category),
            vocab.ATTRIBUTION_LINK.get(category.strip()),
        )
        for country, category in _pairs(countries, categories)
    ]
    first: list[int] = list(range(len(claims)))  # the column part each claim was read from
    if from_claims:
        n = len(claims)
        claims = _claimed(ctx, claims)
        # The export repeats a claim once per initiator it lists: an identical claim is the
        # same statement, kept once.
        seen: dict[Claim, int] = {}
        for i, claim in enumerate(claims):
            seen.setdefault(claim, i)
        first = list(seen.values())
        claims = list(seen)
    out: dict[str, Any] = {}
    out["state"], out["level"], out["link"] = _agreed(ctx, claims)
    ctx.keep("attribution.state", country_col)
    ctx.keep("attribution.level", category_col)
    ctx.keep("attribution.link", category_col)
    basis = _basis(ctx)
    if basis is not None:
        out["basis"] = basis
        ctx.keep("attribution.basis", "attribution_basis")
    raw = split_list(ctx.cell("attributing_country"))
    states = [c for c in (_state(ctx, "attributing_country", n) for n in raw) if c]
    if states:
        out["attributing_states"] = list(dict.fromkeys(states))
    ctx.keep("attribution.attributing_states", "attributing_country")
    if from_claims:
        out["claims"] = [_claim_facts(c) for c in claims]
        _keep_claims(ctx, first, n)
    return out


CLAIM_COLUMNS = (
    "attributed_initiator_country",
    "attributed_initiator_category",
    "attribution_basis",
    "attribution_type",
    "attributing_country",
    "attribution_date",
)


def _claimed(ctx: RowContext, claims: list[Claim]) -> list[Claim]:
    """The claims with who made them, when and on what basis: a column's part ``i`` belongs
    to claim ``i`` only when the column has one part per claim (a single claim takes the whole
    cell); a column with another number of parts cannot say which claim each part is, so it
    gives no claim that fact (the cell stays in provenance)."""
    n = len(claims)
    bases = _aligned(ctx, "attribution_basis", n)
    types = _aligned(ctx, "attribution_type", n)
    by_states = _aligned(ctx, "attributing_country", n)
    dates = _aligned(ctx, "attribution_date", n)
    out: list[Claim] = []
    for i, claim in enumerate(claims):
        basis: list[str] = []
        actor = None
        if bases[i] and missing_kind(bases[i]) is None:
            actor = vocab.CLAIMANT.get(bases[i])
            mapped = vocab.ATTRIBUTION_BASIS.get(bases[i])
            if mapped:
                basis.append(mapped)
        if types[i] and missing_kind(types[i]) is None:
            mapped = vocab.ATTRIBUTION_TYPE.get(types[i])
            if mapped:
                basis.append(mapped)
        by_state = _state(ctx, "attributing_country", by_states[i]) if by_states[i] else None
        out.append(
            Claim(
                claim.state,
                claim.level,
                claim.link,
                by_actor_type=actor,
                by_state=by_state,
                date=_claim_date(ctx, dates[i]),
                basis=tuple(sorted(set(basis))),
            )
        )
    return out


def _aligned(ctx: RowContext, column: str, n: int) -> list[str]:
    parts = split_list(ctx.cell(column))
    if len(parts) == n:
        return parts
    if parts and len(parts) != n:
        ctx.notes.append(
            f"{column}: {len(parts)} parts for {n} attribution claims: not assigned to a claim"
        )
    return [""] * n


def _claim_date(ctx: RowContext, text: str) -> str | None:
    try:
        day = parse_date(text) if text else None
    except CellError:
        ctx.notes.append(f"attribution_date: {text!r} is not a date: read as unknown")
        return None
    return None if day is None else day.isoformat()


def _claim_facts(claim: Claim) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "attributed_state": claim.state,
        "link": claim.link,
        "by_actor_type": claim.by_actor_type,
        "by_state": claim.by_state,
        "date": claim.date,
        "basis": list(claim.basis) or None,
    }
    return {k: v for k, v in facts.items() if v is not None}


# claim field -> the columns it is read from
_CLAIM_SOURCES = (
    ("attributed_state", ("attributed_initiator_country",)),
    ("link", ("attributed_initiator_category",)),
    ("by_actor_type", ("attribution_basis",)),
    ("by_state", ("attributing_country",)),
    ("date", ("attribution_date",)),
    ("basis", ("attribution_basis", "attribution_type")),
)


def _keep_claims(ctx: RowContext, parts_of: list[int], n: int) -> None:
    """Provenance of each claim's facts: the part of each column that belongs to the claim
    (``parts_of[j]`` for claim ``j``, of ``n`` parts; the whole cell when the column has not
    one part per claim); a fact read from two columns keeps both."""
    for fact, columns in _CLAIM_SOURCES:
        for j, i in enumerate(parts_of):
            values = []
            for column in columns:
                parts = split_list(ctx.cell(column))
                values.append(parts[i] if len(parts) == n else ctx.cell(column))
            ctx.keep_cells(f"attribution.claims[{j}].{fact}", columns, tuple(values))


def _pairs(countries: list[str], categories: list[str]) -> list[tuple[str, str]]:
    """Align the parallel attribution columns; a single value applies to every position."""
    if len(countries) == 1 and len(categories) > 1:
        countries = countries * len(categories)
    elif len(categories) == 1 and len(countries) > 1:
        categories = categories * len(countries)
    return list(zip_longest(countries, categories, fillvalue=""))


def _agreed(ctx: RowContext, claims: list[Claim]) -> tuple[str | None, str | None, str | None]:
    """The state, level and link the claims agree on (see the module doc)."""
    states = list(dict.fromkeys(c.state for c in claims if c.state is not None))
    if len(states) > 1:
        ctx.notes.append(
            f"attribution claims name several states ({', '.join(states)}): attribution.state "
            "unknown, each claim kept"
        )
        return None, None, None
    state = states[0] if states else None
    about = [c for c in claims if c.state == state] if state else claims
    levels = {c.level for c in about if c.level is not None}
    links = {c.link for c in about if c.link is not None}
    if len(levels) > 1:
        ctx.notes.append(
            f"attribution claims disagree on the link ({', '.join(sorted(levels))}): "
            "attribution.level unknown, each claim kept"
        )
    level = levels.pop() if len(levels) == 1 else None
    link = links.pop() if len(links) == 1 and level is not None else None
    return state, level, link


def _basis(ctx: RowContext) -> list[str] | None:
    """The bases with a schema term; ``None`` when none has one (nothing said, or only
    attributors the schema cannot name, such as "third-party")."""
    found: list[str] = []
    for term in split_list(ctx.cell("attribution_basis")):
        if missing_kind(term) is not None:
            continue
        mapped = ctx.lookup("attribution_basis", vocab.ATTRIBUTION_BASIS, term)
        if mapped:
            found.append(mapped)
    for term in split_list(ctx.cell("attribution_type")):
        if missing_kind(term) is not None:
            continue
        mapped = ctx.lookup("attribution_type", vocab.ATTRIBUTION_TYPE, term)
        if mapped:
            found.append(mapped)
    return sorted(set(found)) if found else None


def _state(ctx: RowContext, column: str, name: str) -> str | None:
    """The state code a country name denotes; unmapped names are unknown vocabulary."""
    p = place(name)
    if p.kind is PlaceKind.UNMAPPED:
        ctx.unknown(column, name.strip())
    return p.code
