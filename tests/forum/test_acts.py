"""The payload types are strict: a misspelt field, a number written as text, a state code that
does not exist, a shape the act does not allow, each refused naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cybernorms.errors import LimitExceeded
from cybernorms.forum import ACT_KINDS, act_document, parse_act
from cybernorms.forum.errors import FreeTextInDecision, MalformedAct
from cybernorms.limits import LIMITS

from .world import HASH_V1, Log, consensus_forum, open_call, position

JOIN = {"kind": "join", "seq": 1, "forum": "oewg", "state": "FRA", "role": "member"}
POSITION = {
    "kind": "position",
    "seq": 1,
    "forum": "oewg",
    "call": "c1",
    "revision": HASH_V1,
    "state": "FRA",
    "position": "join",
}


def refused(payload: Any) -> str:
    with pytest.raises(MalformedAct) as caught:
        parse_act(payload if isinstance(payload, str) else json.dumps(payload))
    return str(caught.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seq": "1"}, "seq"),
        ({"seq": 0}, "seq"),
        ({"seq": True}, "seq"),
        ({"state": "fra"}, "state"),
        ({"state": "XXX"}, "state"),
        ({"role": "chair"}, "role"),
        ({"forum": "OEWG 2021"}, "forum"),
        ({"rôle": "member"}, "rôle"),
    ],
)
def test_a_join_with_a_bad_field_names_it(change: dict[str, Any], field: str) -> None:
    assert field in refused({**JOIN, **change})


@pytest.mark.parametrize(
    "payload",
    ["", "not json", "[]", '{"kind": "adopt_single_norm", "seq": 1}', '{"seq": 1}'],
)
def test_what_is_not_an_act_is_refused(payload: str) -> None:
    refused(payload)


def test_positions_name_paragraphs_exactly_when_they_disassociate() -> None:
    assert "paragraphs" in refused({**POSITION, "position": "disassociate"})
    assert "paragraphs" in refused({**POSITION, "paragraphs": ["3"]})
    assert "sorted" in refused({**POSITION, "position": "disassociate", "paragraphs": ["7", "3"]})
    assert "revision" in refused({**POSITION, "revision": HASH_V1.upper()})
    parse_act(json.dumps({**POSITION, "position": "disassociate", "paragraphs": ["3", "7"]}))


def test_dates_and_times_are_dates_and_times() -> None:
    call = {
        "kind": "call",
        "seq": 1,
        "forum": "oewg",
        "call": "c1",
        "proposal": "p1",
        "revision": HASH_V1,
        "rule": {"rule": "consensus"},
        "electorate": ["DEU", "FRA"],
        "period_ends": "2026-03-08T09:00:00Z",
    }
    parse_act(json.dumps(call))
    assert "period_ends" in refused({**call, "period_ends": 1772960400})
    assert "period_ends" in refused({**call, "period_ends": "2026-03-08T09:00:00"})  # no zone
    assert "electorate" in refused({**call, "electorate": ["FRA", "DEU"]})
    assert "quorum" in refused({**call, "rule": {"rule": "majority"}})


def test_terms_are_consistent() -> None:
    propose = {
        "kind": "propose",
        "seq": 1,
        "forum": "oewg",
        "proposal": "p",
        "proposal_kind": "new_package",
        "package": "treaty-x",
        "revision": HASH_V1,
        "norms": ["norm_a"],
    }
    assert "treaty" in refused({**propose, "terms": {"package": "treaty-x", "kind": "treaty"}})
    assert "reservation" in refused(
        {
            **propose,
            "terms": {"package": "treaty-x", "kind": "norms", "reservations": {"allowed": "any"}},
        }
    )
    assert "listed" in refused(
        {
            **propose,
            "terms": {
                "package": "treaty-x",
                "kind": "norms",
                "reservations": {"allowed": "listed"},
            },
        }
    )
    assert "norms" in refused({**propose, "norms": []})


def test_a_chairs_summary_names_no_state_and_other_statements_name_one() -> None:
    statement = {"kind": "statement", "seq": 1, "forum": "oewg", "text": "..."}
    assert "chair" in refused({**statement, "statement": "chairs_summary", "state": "FRA"})
    assert "chair" in refused({**statement, "statement": "national_view"})


def test_only_a_decision_with_an_extra_field_is_free_text_in_a_decision() -> None:
    close = {
        "kind": "close",
        "seq": 1,
        "forum": "oewg",
        "call": "c1",
        "revision": HASH_V1,
        "outcome": "rejected",
    }
    with pytest.raises(FreeTextInDecision) as caught:
        parse_act(json.dumps({**close, "explanation": "because"}))
    assert "explanation" in str(caught.value)
    assert "outcome" in refused({**close, "outcome": "adopted_unanimously"})


def test_every_act_reads_back_from_its_document() -> None:
    log = Log()
    consensus_forum(log)
    open_call(log)
    position(log, "FRA", "disassociate", paragraphs=["3"])
    for record in log.records:
        assert parse_act(json.dumps(act_document(record.act))) == record.act
    assert len(ACT_KINDS) == len(set(ACT_KINDS)) == 19


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
field_names = st.sampled_from(
    [
        "kind",
        "seq",
        "forum",
        "state",
        "call",
        "revision",
        "outcome",
        "counts",
        "view",
        "rule",
        "electorate",
        "period_ends",
        "norms",
        "paragraphs",
        "position",
        "text",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(
        [
            JOIN,
            POSITION,
            {
                "kind": "close",
                "seq": 1,
                "forum": "oewg",
                "call": "c1",
                "revision": HASH_V1,
                "outcome": "rejected",
            },
        ]
    ),
    st.dictionaries(field_names, json_values, max_size=3),
)
def test_any_mutation_of_an_act_is_parsed_or_refused_never_an_unexpected_error(
    base: dict[str, Any], changes: dict[str, Any]
) -> None:
    payload = {**base, **changes}
    try:
        act = parse_act(json.dumps(payload))
    except (MalformedAct, FreeTextInDecision) as exc:
        assert str(exc)
    else:  # accepted only as written: every field given reads back unchanged
        document = act_document(act)
        assert {name: document[name] for name in payload} == payload


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | json_values.map(json.dumps))
def test_any_bytes_are_parsed_or_refused(payload: bytes | str) -> None:
    try:
        act = parse_act(payload)
    except MalformedAct as exc:
        assert str(exc).startswith("not a valid act")
    else:
        assert act.kind in ACT_KINDS


def test_deeply_nested_and_oversized_payloads_are_refused() -> None:
    refused("[" * 100_000 + "]" * 100_000)
    with pytest.raises(LimitExceeded):
        parse_act(b" " * (LIMITS.document_bytes + 1))
