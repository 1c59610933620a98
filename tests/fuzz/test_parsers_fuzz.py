"""Rule expressions and EuRepoC rows, structure-aware: accepted or refused, never a crash.

Expressions are drawn from a grammar of the rule language and its near misses (every node
kind Python parses, the language's functions with wrong arities, fact paths right and wrong),
so most inputs get past Python's parser into the whitelist and the type checker. EuRepoC rows
are valid rows of our fixtures with cells replaced by what a broken or hostile export could
hold: list literals of the wrong shape, code, dates that are no dates, unknown vocabulary.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from fuzz_strategies import FUZZ
from hypothesis import given
from hypothesis import strategies as st

import cybernorms.ingest.eurepoc.vocab as vocab
from cybernorms.errors import CybernormsError
from cybernorms.ingest.eurepoc import EurepocImport
from cybernorms.ingest.eurepoc.mapping import map_row
from cybernorms.ingest.eurepoc.row import VocabularyLog
from cybernorms.rules import ir
from cybernorms.rules.parser import ExpressionError
from cybernorms.rules.types import INCIDENT, RecordType
from fuzz.targets import eurepoc_csv, expression

DATA = Path(__file__).resolve().parents[1] / "data" / "eurepoc"


def _fact_paths() -> list[str]:
    paths: list[str] = []
    for name, tp in INCIDENT.fields().items():
        paths.append(name)
        if isinstance(tp, RecordType):
            paths.extend(f"{name}.{field}" for field in tp.fields())
    return paths


names = st.sampled_from(
    [
        *_fact_paths(),
        "subject",
        "as_of",
        "t",
        "x",
        "t.country",
        "t.sector",
        "r.to_state",
        "__class__",
        "_x",
        "profile",
        "breached",
        "known",
    ]
)
literals = st.one_of(
    st.sampled_from(
        [
            '"direct"',
            '"energy"',
            '"RUS"',
            "True",
            "False",
            "None",
            "0",
            "-1",
            '"2020-01-01"',
            '"XXA"',
            "1.5",
            "b'x'",
            "...",
            "9" * 30,
        ]
    ),
    st.integers(-(10**6), 10**6).map(str),
    st.text(max_size=8).map(repr),
)
OPERATORS = [
    "and",
    "or",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "is",
    "+",
    "*",
    "//",
    "if",
    ":=",
    "<<",
]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 4:
        return draw(st.one_of(names, literals))
    kind = draw(
        st.sampled_from(
            [
                "leaf",
                "binary",
                "not",
                "call",
                "set",
                "quantifier",
                "paren",
                "attribute",
                "subscript",
                "lambda",
            ]
        )
    )
    sub = expressions(depth + 1)
    if kind == "leaf":
        return draw(st.one_of(names, literals))
    if kind == "binary":
        return f"{draw(sub)} {draw(st.sampled_from(OPERATORS))} {draw(sub)}"
    if kind == "not":
        return f"not {draw(sub)}"
    if kind == "call":
        function = draw(
            st.sampled_from(
                [
                    "any",
                    "all",
                    "count",
                    "profile",
                    "breached",
                    "date",
                    "days_between",
                    "len",
                    "__import__",
                    "known",
                ]
            )
        )
        arguments = draw(st.lists(sub, max_size=3))
        return f"{function}({', '.join(arguments)})"
    if kind == "set":
        return "{" + ", ".join(draw(st.lists(literals, max_size=4))) + "}"
    if kind == "quantifier":
        function = draw(st.sampled_from(["any", "all", "count"]))
        var = draw(st.sampled_from(["t", "x", "subject", "targets", "_"]))
        source = draw(st.sampled_from(["targets", "requests", "territory_used", "sources", "x"]))
        guard = f" if {draw(sub)}" if draw(st.booleans()) else ""
        return f"{function}({draw(sub)} for {var} in {source}{guard})"
    if kind == "paren":
        return f"({draw(sub)})"
    if kind == "attribute":
        return f"{draw(sub)}.{draw(st.sampled_from(['country', 'critical_sectors', '__dict__']))}"
    if kind == "subscript":
        return f"{draw(sub)}[{draw(literals)}]"
    return f"lambda: {draw(sub)}"


@FUZZ
@given(text=expressions())
def test_expressions_from_the_grammar_are_typed_or_refused(text: str) -> None:
    try:
        node = expression(text.encode("utf-8"))
    except ExpressionError:
        return
    assert isinstance(node, ir.Node)


def _good_rows() -> tuple[list[str], list[list[str]]]:
    with (DATA / "good.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


HEADER, ROWS = _good_rows()
VOCABULARY = sorted(
    {
        term
        for table in (
            vocab.INITIATOR_CATEGORY,
            vocab.ATTRIBUTION_BASIS,
            vocab.SECTOR,
            vocab.TARGET_CATEGORY,
            vocab.DISRUPTION,
            vocab.ATTRIBUTION_TYPE,
        )
        for term in table
    }
)
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(VOCABULARY),
    st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=10)), max_size=4).map(repr),
    st.lists(st.lists(st.sampled_from(VOCABULARY), max_size=3), max_size=3).map(repr),
    st.lists(st.sampled_from(VOCABULARY), max_size=4).map("; ".join),
    st.sampled_from(
        [
            "Not available",
            "Unknown",
            "nan",
            "NaT",
            "2020-13-45",
            "2021-02-30 00:00:00",
            "__import__('os').system('true')",
            "[" * 300,
            "[1, 2]",
            "{'a': 1}",
            "[None]",
            "[[None]]",
            "['a'] + ['b']",
            "1e999",
            "-1",
            "HIIK 9",
            "Yes / HIIK intensity",
            "\x00",
            "\u202e",
        ]
    ),
)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, str]:
    row = dict(zip(HEADER, draw(st.sampled_from(ROWS)), strict=True))
    for column in draw(st.lists(st.sampled_from(HEADER), min_size=1, max_size=6)):
        row[column] = draw(cells)
    return row


@FUZZ
@given(row=rows())
def test_edited_eurepoc_rows_are_imported_or_rejected(row: dict[str, Any]) -> None:
    try:
        incident, _ = map_row(row, VocabularyLog())
    except CybernormsError:
        return
    assert incident.id.startswith("eurepoc:")


@FUZZ
@given(edited=st.lists(rows(), min_size=1, max_size=3))
def test_a_csv_of_edited_rows_is_accounted_for_row_by_row(edited: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows([row[c] for c in HEADER] for row in edited)
    try:
        result = eurepoc_csv(buffer.getvalue().encode("utf-8"))
    except CybernormsError:  # a file-level refusal (e.g. a NUL byte breaks the CSV reader)
        return
    assert isinstance(result, EurepocImport)
    assert result.complete and result.rows == len(edited)
