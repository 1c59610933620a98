"""One EuRepoC row -> one ``Incident`` in fact schema v2, with provenance and annotations.

Columns fall in three groups (shared/data/README.md): facts, which are mapped here; the coders'
legal judgement (``JUDGEMENT_COLUMNS``), which is copied verbatim into
``annotations["eurepoc"]`` and nowhere else, because no rule may read a coder's conclusion; and
the rest (intensity scores, political responses, inclusion criteria), which the fact schema has
no field for and which stay in the source file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from cybernorms.ingest.eurepoc import vocab
from cybernorms.ingest.eurepoc.cells import missing_kind, parse_date, split_list
from cybernorms.ingest.eurepoc.parties import attribution, initiator
from cybernorms.ingest.eurepoc.row import RowContext, RowError, VocabularyLog
from cybernorms.ingest.eurepoc.targets import targets
from cybernorms.model.facts import Incident

ID_PREFIX = "eurepoc:"

JUDGEMENT_COLUMNS = (
    "state_responsibility_indicator",
    "IL_breach_indicator",
    "IL_breach_indicator_subcode",
    "evidence_for_sanctions_indicator",
    "legal_attribution_reference",
    "legal_attribution_reference_subcode",
    "legal_response_indicator",
)

FACT_COLUMNS = (
    "ID",
    "name",
    "description",
    "start_date",
    "end_date",
    "incident_type",
    "receiver_name",
    "receiver_country",
    "receiver_category",
    "receiver_category_subcode",
    "initiator_name",
    "initiator_country",
    "initiator_category",
    "initiator_category_subcode",
    "attribution_type",
    "attribution_basis",
    "attributing_country",
    "attributed_initiator_country",
    "attributed_initiator_category",
    "offline_conflict_intensity",
    "offline_conflict_intensity_subcode",
    "zero_days",
    "MITRE_initial_access",
    "data_theft",
    "disruption",
    "functional_impact",
    "hijacking",
    "physical_effects_spatial",
    "physical_effects_temporal",
    "casualties",
    "sources_url",
)

# The columns a file must have to be read as Global Database 1.1.
REQUIRED_COLUMNS = FACT_COLUMNS + JUDGEMENT_COLUMNS


def map_row(cells: Mapping[str, str], vocabulary: VocabularyLog) -> tuple[Incident, RowContext]:
    """Map one row; raises ``RowError`` naming the column when the row cannot be imported."""
    ctx = RowContext(cells, vocabulary)
    raw_id = cells["ID"].strip()
    if not raw_id:
        raise RowError("ID", cells["ID"], "empty incident ID")
    data: dict[str, Any] = {"id": ID_PREFIX + raw_id}
    for column in ("name", "description"):
        if cells[column].strip():
            data[column] = cells[column].strip()
    data.update(_dates(ctx))
    data["sources"] = [u.strip() for u in ctx.literal("sources_url") if u.strip()]
    data["initiator"] = initiator(ctx)
    data["attribution"] = attribution(ctx)
    data["targets"] = targets(ctx)
    data["effects"] = _effects(ctx)
    data["context"] = _context(ctx)
    data["provenance"] = ctx.provenance
    data["annotations"] = {"eurepoc": {c: cells[c] for c in JUDGEMENT_COLUMNS}}
    try:
        return Incident.model_validate(data), ctx
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RowError(None, None, f"fact {where}: {first['msg']}") from None


def _dates(ctx: RowContext) -> dict[str, Any]:
    start = ctx.parse("start_date", parse_date)
    end = ctx.parse("end_date", parse_date)
    ctx.keep("start_date", "start_date")
    ctx.keep("end_date", "end_date")
    if start and end and end < start:
        # 84 rows of 1.1 do this; most end on a placeholder (2000-01-01) or on the first day of
        # the start's year or month (a date known only to the year). The end is not known.
        ctx.notes.append(f"end_date {end} before start_date {start}: end_date read as unknown")
        end = None
    return {"start_date": start, "end_date": end}


def _effects(ctx: RowContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _disruption(ctx, out)
    for fact, column, table in (
        ("data_theft", "data_theft", vocab.DATA_THEFT),
        ("hijacking", "hijacking", vocab.HIJACKING),
        ("physical", "physical_effects_spatial", vocab.PHYSICAL_SPATIAL),
    ):
        out[fact] = ctx.lookup(column, table, ctx.cell(column))
        ctx.keep(f"effects.{fact}", column)
    out["zero_days"] = ctx.lookup("zero_days", vocab.ZERO_DAYS, ctx.cell("zero_days"))
    ctx.keep("effects.zero_days", "zero_days")
    casualties = ctx.cell("casualties").strip()
    if casualties:
        try:
            count = float(casualties)  # the export writes whole numbers as "3.0"
        except ValueError:
            raise RowError("casualties", casualties, "not a number") from None
        if count != count:  # NaN
            raise RowError("casualties", casualties, "not a number")
        if not count.is_integer():  # also infinity ("1e999"), which int() cannot take
            raise RowError("casualties", casualties, "not a whole number")
        out["casualties"] = int(count)
    ctx.keep("effects.casualties", "casualties")  # an empty cell too: the trace shows it
    types = [t for t in split_list(ctx.cell("incident_type")) if t]
    for t in types:
        if t not in vocab.INCIDENT_TYPES and missing_kind(t) is None:
            ctx.unknown("incident_type", t)
    if types:
        out["ransomware"] = "Ransomware" in types
        out["doxing"] = "Data theft & Doxing" in types
        ctx.keep("effects.ransomware", "incident_type")
        ctx.keep("effects.doxing", "incident_type")
    return out


def _disruption(ctx: RowContext, out: dict[str, Any]) -> None:
    """``effects.disruption`` from ``disruption``, else from ``functional_impact``; and
    ``effects.loss_of_function`` "none" where ``functional_impact`` says no interference.

    Where both are coded and disagree (a short disruption that lasted days, "no system
    interference" beside a long disruption) the source contradicts itself: the fact is
    unknown and a note names both cells, rather than one column silently winning."""
    coded = ctx.lookup("disruption", vocab.DISRUPTION, ctx.cell("disruption"))
    impact = ctx.lookup("functional_impact", vocab.FUNCTIONAL_IMPACT, ctx.cell("functional_impact"))
    columns = ("disruption", "functional_impact")
    cells = (ctx.cell("disruption"), ctx.cell("functional_impact"))
    if coded is not None and impact is not None and coded != impact:
        ctx.notes.append(
            f"disruption {cells[0]!r} contradicts functional_impact {cells[1]!r}: "
            "effects.disruption read as unknown"
        )
        out["disruption"] = None
        ctx.keep_cells("effects.disruption", columns, cells)
        ctx.keep_cells("effects.loss_of_function", columns, cells)
        return
    if impact == "none":
        # No system interference: no function was lost (a duration says some function was
        # lost but not whether it came back by itself, needed repair or was gone for good,
        # so a duration gives no loss_of_function grade).
        out["loss_of_function"] = "none"
    ctx.keep("effects.loss_of_function", "functional_impact")
    if coded is None and impact is not None:
        out["disruption"] = impact
        ctx.keep_cells("effects.disruption", columns, cells)
    else:
        out["disruption"] = coded
        ctx.keep("effects.disruption", "disruption")


def _context(ctx: RowContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    sub = ctx.cell("offline_conflict_intensity_subcode").strip()
    if sub:
        level = sub.removeprefix(vocab.HIIK_PREFIX)
        if sub.startswith(vocab.HIIK_PREFIX) and level in {"1", "2", "3", "4", "5"}:
            out["conflict_intensity"] = int(level)
            out["armed_conflict"] = int(level) >= vocab.ARMED_CONFLICT_FROM_HIIK
            ctx.keep("context.conflict_intensity", "offline_conflict_intensity_subcode")
            ctx.keep("context.armed_conflict", "offline_conflict_intensity_subcode")
        elif missing_kind(sub) is None:
            ctx.unknown("offline_conflict_intensity_subcode", sub)
    else:
        flag = ctx.cell("offline_conflict_intensity").strip()
        if flag and flag != vocab.CONFLICT_INTENSITY_FLAG and missing_kind(flag) is None:
            ctx.unknown("offline_conflict_intensity", flag)
        ctx.keep("context.conflict_intensity", "offline_conflict_intensity")
    access = [a for a in split_list(ctx.cell("MITRE_initial_access")) if missing_kind(a) is None]
    if access:
        out["supply_chain"] = vocab.SUPPLY_CHAIN in access
    ctx.keep("context.supply_chain", "MITRE_initial_access")
    return out
