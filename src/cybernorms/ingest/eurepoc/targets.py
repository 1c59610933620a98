"""``targets`` from the receiver columns: one target per (receiver country, category) entry.

Shape of the columns in Global Database 1.1: ``receiver_country`` is a flat list, one entry per
receiver country; ``receiver_category`` and ``receiver_category_subcode`` are lists of lists, one
inner list per receiver country, with one (category, subcode) pair per receiving entity;
``receiver_name`` follows the same nesting when present. A single country with several inner
lists means all of them are in that country; no country at all means the receivers' countries
are unknown. Any other mismatch rejects the row: pairing the wrong country with a category
would make a rule judge the wrong victim.

Regions and organisations in ``receiver_country`` are not states: the target's country is
unknown (``None``, the cell is in provenance) and an organisation with no coded category is an
``international_org`` target.
"""

from __future__ import annotations

from typing import Any

from cybernorms.ingest.eurepoc import vocab
from cybernorms.ingest.eurepoc.cells import missing_kind
from cybernorms.ingest.eurepoc.countries import PlaceKind, place
from cybernorms.ingest.eurepoc.row import RowContext, RowError


def targets(ctx: RowContext) -> list[dict[str, Any]] | None:
    countries = ctx.literal("receiver_country")
    categories = ctx.nested("receiver_category")
    subcodes = ctx.nested("receiver_category_subcode")
    names = ctx.nested("receiver_name")
    if not countries and not categories:
        return None
    if not categories:
        categories = [[""] for _ in countries]
    if countries and len(countries) != len(categories):
        if len(countries) != 1:
            raise RowError(
                "receiver_category",
                ctx.cell("receiver_category"),
                f"{len(categories)} category lists for {len(countries)} receiver countries",
            )
        countries = countries * len(categories)
    if not countries:
        countries = [""] * len(categories)
    ctx.keep("targets", "receiver_country")
    out: list[dict[str, Any]] = []
    for i, (country, cats) in enumerate(zip(countries, categories, strict=True)):
        subs = _aligned(subcodes, i, len(cats))
        labels = _aligned(names, i, len(cats))
        for j, cat in enumerate(cats):
            out.append(_target(ctx, len(out), country, cat, subs[j], labels[j]))
    return out


def _aligned(nested: list[list[str]], i: int, n: int) -> list[str]:
    """Entry ``i`` of a nested column if it has exactly ``n`` items, else ``n`` blanks."""
    if i < len(nested) and len(nested[i]) == n:
        return nested[i]
    return [""] * n


def _target(
    ctx: RowContext, index: int, country: str, category: str, subcode: str, name: str
) -> dict[str, Any]:
    path = f"targets[{index}]"
    t: dict[str, Any] = {}
    where = place(country)
    if where.kind is PlaceKind.UNMAPPED:
        ctx.unknown("receiver_country", country.strip())
    t["country"] = where.code
    ctx.keep(f"{path}.country", "receiver_country", country)
    cat = ctx.lookup("receiver_category", vocab.TARGET_CATEGORY, category)
    if cat is None and where.kind is PlaceKind.ORGANISATION:
        cat = "international_org"
    t["category"] = cat
    ctx.keep(f"{path}.category", "receiver_category", category)
    if subcode.strip():
        t["sector"] = ctx.lookup("receiver_category_subcode", vocab.SECTOR, subcode)
        ctx.keep(f"{path}.sector", "receiver_category_subcode", subcode)
    elif cat in vocab.SECTOR_OF_CATEGORY:
        t["sector"] = vocab.SECTOR_OF_CATEGORY[cat]
        ctx.keep(f"{path}.sector", "receiver_category", category)
    if name.strip() and missing_kind(name) is None:
        t["name"] = name.strip()
        ctx.keep(f"{path}.name", "receiver_name", name)
    return t
