"""Who acted and to whom it is attributed: ``initiator`` and ``attribution`` from a EuRepoC row.

``attribution.level`` is derived from the coded *categories* of the attributed initiators
(``attributed_initiator_category``, else ``initiator_category``) and nothing else: a state
actor is ``direct``, a non-state actor with a suggested state affiliation ``indirect``, a
non-state group or individual with no state link ``none_or_negligent``, "Unknown - not
attributed" unknown. The coders' ``state_responsibility_indicator`` is a legal conclusion and
is never read here: the agreement command compares the engine with it, so reading it would make
that comparison circular.

A row may carry several attributions (``"; "``-joined, position by position). The attributed
state is the state named with the strongest link (direct over indirect over none), then the
one named most often, then the first; the level is the strongest link claimed for that state.
Those choices are recorded in the provenance (the full cells), so a reader can see when
attributions disagreed.
"""

from __future__ import annotations

from collections import Counter
from itertools import zip_longest
from typing import Any

from cybernorms.ingest.eurepoc import vocab
from cybernorms.ingest.eurepoc.cells import missing_kind, split_list
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
        if mapped == "non_state_group" and sub == vocab.CRIMINAL_SUBCODE:
            mapped = "criminal"
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


def attribution(ctx: RowContext) -> dict[str, Any]:
    """``attribution``: state, level, basis and attributing states."""
    country_col, category_col = "attributed_initiator_country", "attributed_initiator_category"
    countries, categories = split_list(ctx.cell(country_col)), split_list(ctx.cell(category_col))
    if not countries and not categories:
        # No attribution recorded: the coded initiator is the only attribution there is.
        country_col, category_col = "initiator_country", "initiator_category"
        countries, categories = ctx.literal(country_col), ctx.literal(category_col)
    pairs = _pairs(countries, categories)
    levels: list[tuple[str | None, str | None]] = []  # (state, level) per attribution
    for country, category in pairs:
        level = ctx.lookup(category_col, vocab.ATTRIBUTION_LEVEL, category)
        levels.append((_state(ctx, country_col, country), level))
    out: dict[str, Any] = {}
    state, level = _choose(levels)
    out["state"], out["level"] = state, level
    ctx.keep("attribution.state", country_col)
    ctx.keep("attribution.level", category_col)
    basis = _basis(ctx)
    if basis is not None:
        out["basis"] = basis
        ctx.keep("attribution.basis", "attribution_basis")
    raw = split_list(ctx.cell("attributing_country"))
    states = [c for c in (_state(ctx, "attributing_country", n) for n in raw) if c]
    if states:
        out["attributing_states"] = list(dict.fromkeys(states))
    ctx.keep("attribution.attributing_states", "attributing_country")
    return out


def _pairs(countries: list[str], categories: list[str]) -> list[tuple[str, str]]:
    """Align the parallel attribution columns; a single value applies to every position."""
    if len(countries) == 1 and len(categories) > 1:
        countries = countries * len(categories)
    elif len(categories) == 1 and len(countries) > 1:
        categories = categories * len(countries)
    return list(zip_longest(countries, categories, fillvalue=""))


def _choose(levels: list[tuple[str | None, str | None]]) -> tuple[str | None, str | None]:
    named = [(s, lv) for s, lv in levels if s is not None]
    if named:
        rank: dict[str, int] = {}
        count: Counter[str] = Counter()
        first: dict[str, int] = {}
        for i, (s, lv) in enumerate(named):
            assert s is not None  # noqa: S101 - invariant that narrows a type, never input checking
            rank[s] = max(rank.get(s, 0), vocab.LEVEL_RANK[lv])
            count[s] += 1
            first.setdefault(s, i)
        state = max(rank, key=lambda s: (rank[s], count[s], -first[s]))
        best = max((lv for s, lv in named if s == state), key=vocab.LEVEL_RANK.__getitem__)
        return state, best
    known = [lv for _, lv in levels if lv is not None]
    if not known:
        return None, None
    # No state named: a state link of unknown state, or no state link at all.
    return None, max(known, key=vocab.LEVEL_RANK.__getitem__)


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
