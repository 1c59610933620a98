"""Resource limits, as data, in one place.

Why: a hostile or broken input (an alias bomb, a document nested 100,000 deep, a 2 GB cell)
must be refused quickly, with a named reason, before it costs memory or time. Each limit is a
field here, documented with what it bounds and the refusal a user sees; code reads
``LIMITS.<field>`` rather than a constant of its own, so ``docs/limits.md``, the README and
``SECURITY.md`` list them from one source (a test keeps ``docs/limits.md`` equal to
``limits_markdown()``) and a deployment can tighten them (``Limits(...)`` is a plain frozen
dataclass).

A limit hit raises ``cybernorms.errors.LimitExceeded`` (or a subclass that is also the module's
own error type, such as ``DocumentLimitExceeded``) naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple


def _limit(default: int, bounds: str, refusal: str) -> Any:
    """A limit field: its default, what it bounds and the refusal users see (for the docs).

    ``refusal`` may say ``{limit}`` (``limit NAME = DEFAULT``) and ``{default}``."""
    return field(default=default, metadata={"bounds": bounds, "refusal": refusal})


@dataclass(frozen=True)
class Limits:
    document_bytes: int = _limit(
        50_000_000,
        "Bytes of one YAML/JSON document (incident, rulebook, profile, envelope, receipt), "
        "checked before it is parsed.",
        "`error: FILE: {limit} exceeded (...)`",
    )
    document_nodes: int = _limit(
        5_000_000,
        "Nodes (mappings, sequences, scalars) of one parsed document, every alias counted as "
        "the size of what it stands for; counted before anything is copied, so a small "
        "file of nested aliases is refused without being expanded.",
        "`error: FILE:LINE:COL: {limit} exceeded (...)`",
    )
    yaml_aliases: int = _limit(
        1_000,
        "Alias (`*name`) uses in one YAML document (no shipped rulebook or example uses any).",
        "`error: FILE:LINE:COL: {limit} exceeded (...)`",
    )
    document_depth: int = _limit(
        200,
        "Nesting depth of mappings and sequences in one YAML/JSON document, aliases counted "
        "as expanded; checked while the parser's events stream in, without recursion.",
        "`error: FILE:LINE:COL: {limit} exceeded (...)`",
    )
    expression_chars: int = _limit(
        4_000,
        "Characters of one rule expression (`applies_when`, `violated_when`, `subject`).",
        "`error: FILE:LINE:COL: ...: {limit} exceeded (...)`",
    )
    expression_depth: int = _limit(
        64,
        "Nesting depth of one rule expression's syntax tree.",
        "`error: FILE:LINE:COL: ...: {limit} exceeded (...)`",
    )
    eurepoc_cell_chars: int = _limit(
        200_000,
        "Characters of one EuRepoC cell read as a Python list literal.",
        "the row is rejected: `FILE:LINE: row N (ID ...) COLUMN=...: {limit} exceeded (...)`",
    )
    request_bytes: int = _limit(
        10_000_000,
        "Bytes of one HTTP request body (`cybernorms serve --max-request-bytes`).",
        "HTTP 413, an RFC 9457 problem document with reason `LimitExceeded` naming "
        "`request_bytes`, before the body is read",
    )
    request_incidents: int = _limit(
        10_000,
        "Incidents in one `POST /v1/evaluate` (`cybernorms serve --max-request-incidents`).",
        "HTTP 422, an RFC 9457 problem document with reason `LimitExceeded` naming "
        "`request_incidents`",
    )
    note_signatures: int = _limit(
        100,
        "Signature lines of one signed note (C2SP signed-note: at least 16 must be accepted).",
        "`refused (NoteError): note has N signature lines, more than {default}` (`log/note.py`)",
    )

    @classmethod
    def described(cls) -> list[tuple[str, int]]:
        """(name, default) of every limit, for documentation and ``--help`` texts."""
        return [(f.name, f.default) for f in fields(cls)]  # type: ignore[misc]

    @classmethod
    def explained(cls) -> list[LimitDoc]:
        """Every limit with what it bounds and the refusal a user sees (``docs/limits.md``)."""
        return [
            LimitDoc(
                f.name,
                f.default,  # type: ignore[arg-type]
                f.metadata.get("bounds", ""),  # empty: undocumented, which a test refuses
                f.metadata.get("refusal", "").format(
                    limit=f"limit {f.name} = {f.default}", default=f.default
                ),
            )
            for f in fields(cls)
        ]


class LimitDoc(NamedTuple):
    name: str
    default: int
    bounds: str
    refusal: str


def limits_markdown() -> str:
    """The text of ``docs/limits.md``: one table row per limit, generated so it cannot drift."""
    lines = [
        "# Resource limits",
        "",
        "Generated from `cybernorms.limits.Limits` (`tests/fuzz/test_limits_doc.py` fails when",
        "this file and the code disagree; regenerate with",
        "`python -c 'from cybernorms.limits import limits_markdown; print(limits_markdown(), "
        'end="")\' > docs/limits.md`).',
        "",
        "Every limit is a field of the frozen dataclass `Limits`; code reads `LIMITS.<name>`.",
        "A limit hit is a refusal (`cybernorms.errors.LimitExceeded`, or a subclass that is also",
        "the module's own error type, e.g. `DocumentLimitExceeded`), never a crash, and its",
        "message names the limit: `limit NAME = ALLOWED exceeded (what was found)`.",
        "",
        "| limit | default | what it bounds | what the user sees |",
        "|---|---:|---|---|",
    ]
    for doc in Limits.explained():
        lines.append(f"| `{doc.name}` | {doc.default:,} | {doc.bounds} | {doc.refusal} |")
    return "\n".join(lines) + "\n"


LIMITS = Limits()
