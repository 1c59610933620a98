"""YAML/JSON documents (incidents, packages, positions, profiles), structure-aware.

Two kinds of property. Agreement: for plain data, the position-keeping reader gives exactly the
value ``yaml.safe_load`` gives, anchors and aliases included (so reading without recursion or
alias expansion lost nothing). Robustness: documents that are well-formed YAML but not what
the schema wants (edited valid seeds, random anchors, aliases and nesting) are accepted or
refused with a ``CybernormsError``, never another exception.
"""

from __future__ import annotations

import contextlib
import functools
import json
from typing import Any

import pytest
import yaml
from fuzz_strategies import FUZZ, edited, plain_values
from hypothesis import given
from hypothesis import strategies as st

from cybernorms.engine.evaluate import Evaluator
from cybernorms.ingest.files import incidents_from_document
from cybernorms.model.documents import DocumentError, parse_text
from cybernorms.rules.catalog import load_rulebooks
from fuzz.targets import run, seeds

keys = st.text(min_size=1, max_size=10)
tree = plain_values


def same_as_safe_load(text: str, source: str = "doc.yaml") -> None:
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(DocumentError):
            parse_text(text, source)
        return
    assert parse_text(text, source).value == expected


@FUZZ
@given(value=tree, flow=st.sampled_from([None, True, False]), unicode=st.booleans())
def test_plain_data_reads_as_safe_load_reads_it(
    value: Any, flow: bool | None, unicode: bool
) -> None:
    same_as_safe_load(yaml.safe_dump(value, default_flow_style=flow, allow_unicode=unicode))


@FUZZ
@given(value=tree, ascii_only=st.booleans())
def test_json_text_reads_as_safe_load_reads_it(value: Any, ascii_only: bool) -> None:
    same_as_safe_load(json.dumps(value, ensure_ascii=ascii_only), "doc.json")


@FUZZ
@given(
    shared=st.one_of(
        st.lists(plain_values, min_size=1, max_size=4),
        st.dictionaries(keys, plain_values, min_size=1, max_size=4),
    ),
    uses=st.lists(st.sampled_from(["shared", "other"]), min_size=2, max_size=6),
    flow=st.sampled_from([None, True, False]),
)
def test_anchors_and_aliases_read_as_safe_load_reads_them(
    shared: Any, uses: list[str], flow: bool | None
) -> None:
    value = {"base": shared, "uses": [shared if u == "shared" else [u] for u in ["shared", *uses]]}
    text = yaml.safe_dump(value, default_flow_style=flow)
    assert "&id" in text and "*id" in text
    same_as_safe_load(text)


# Random YAML built from the constructs a hostile author would use: anchors, aliases (defined
# or not, inside their anchor or not), deep brackets, tags, merge keys, odd scalars.
fragment = st.sampled_from(
    [
        "a",
        "1",
        "2020-13-45",
        "~",
        "&a",
        "&b",
        "*a",
        "*b",
        "!!str",
        "!!binary",
        "!!timestamp",
        "!!python/object:os.system",
        "<<",
        "[",
        "]",
        "{",
        "}",
        ",",
        ": ",
        "- ",
        "? ",
        "\n",
        "\n  ",
        '"',
        "'",
        "#",
        "|",
        ">",
        "---",
        "...",
        "9" * 40,
        "-.inf",
        "0x1F",
        "0o17",
        "1_000",
        "1:30",
    ]
)


@FUZZ
@given(parts=st.lists(fragment, max_size=40))
def test_random_yaml_constructs_are_accepted_or_refused(parts: list[str]) -> None:
    with contextlib.suppress(DocumentError):
        parse_text("".join(parts), "random.yaml")


DOCUMENT_TARGETS = ["incident_yaml", "package", "position", "profile", "rule_examples"]


@pytest.mark.parametrize("target", DOCUMENT_TARGETS)
@FUZZ
@given(data=st.data())
def test_edited_valid_documents_are_accepted_or_refused(target: str, data: st.DataObject) -> None:
    seed = yaml.safe_load(data.draw(st.sampled_from(seeds(target)), label="seed"))
    document = data.draw(edited(seed), label="document")
    run(target, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@functools.cache
def _shipped_evaluator() -> Evaluator:
    books = load_rulebooks(with_examples=False)
    return Evaluator(books.packages, books.profiles, books.positions)


@FUZZ
@given(data=st.data())
def test_an_accepted_incident_can_be_evaluated(data: st.DataObject) -> None:
    """Accepting is a promise: whatever the loader lets through, the engine can judge."""
    seed = yaml.safe_load(data.draw(st.sampled_from(seeds("incident_yaml")), label="seed"))
    text = yaml.safe_dump(data.draw(edited(seed), label="incident"), allow_unicode=True)
    try:
        incidents = incidents_from_document(parse_text(text, "edited.yaml"))
    except DocumentError:
        return
    for incident in incidents:
        _shipped_evaluator().verdicts(incident)
