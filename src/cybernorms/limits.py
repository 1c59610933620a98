"""Resource limits, as data, in one place.

Why: a hostile or broken input (an alias bomb, a document nested 100,000 deep, a 2 GB cell)
must be refused quickly, with a named reason, before it costs memory or time. Each limit is a
field here, documented with what it bounds; code reads ``LIMITS.<field>`` rather than a
constant of its own, so the README and ``SECURITY.md`` can list them from one source and a
deployment can tighten them (``Limits(...)`` is a plain frozen dataclass).

A limit hit raises ``cybernorms.errors.LimitExceeded`` naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    #: Bytes of one YAML/JSON document (incident, rulebook, profile, envelope, receipt).
    document_bytes: int = 50_000_000
    #: Nodes (mappings, sequences, scalars) of one parsed document, aliases counted as expanded.
    document_nodes: int = 5_000_000
    #: Alias (``*name``) uses in one YAML document.
    yaml_aliases: int = 1_000
    #: Nesting depth of mappings and sequences in one YAML/JSON document.
    document_depth: int = 200
    #: Characters of one rule expression.
    expression_chars: int = 4_000
    #: Nesting depth of one rule expression's syntax tree.
    expression_depth: int = 64
    #: Characters of one EuRepoC cell read as a Python literal.
    eurepoc_cell_chars: int = 200_000
    #: Bytes of one HTTP request body (the coming HTTP API).
    request_bytes: int = 10_000_000
    #: Incidents in one HTTP evaluation request.
    request_incidents: int = 10_000
    #: Signature lines of one signed note (C2SP signed-note: at least 16 must be accepted).
    note_signatures: int = 100

    @classmethod
    def described(cls) -> list[tuple[str, int]]:
        """(name, default) of every limit, for documentation and ``--help`` texts."""
        return [(f.name, f.default) for f in fields(cls)]  # type: ignore[misc]


LIMITS = Limits()
