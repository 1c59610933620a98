"""Log entries: one canonical spelling, and the fast encoder agrees with RFC 8785."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cybernorms.store.entries import Entry, flat_canonical_json
from cybernorms.trust import MAX_SAFE_INTEGER, MalformedDocument, canonical_json

_values = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=20),
    st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER),
)


@given(st.dictionaries(st.text(max_size=8), _values, max_size=8))
@example({"k": '\x7f\x00\n\t"\\/', "b": 2**53 - 1, "a": None})
def test_the_fast_encoder_is_rfc_8785(obj: dict[str, object]) -> None:
    try:
        expected = canonical_json(obj)
    except MalformedDocument:
        with pytest.raises(MalformedDocument):
            flat_canonical_json(obj)
        return
    assert flat_canonical_json(obj) == expected


def test_an_entry_round_trips_and_refuses_other_spellings() -> None:
    entry = Entry("profile", "FRA", 2, "ab" * 32, "2026-01-01T00:00:00Z")
    data = entry.to_bytes()
    assert Entry.from_bytes(data) == entry
    with pytest.raises(MalformedDocument, match="canonical"):
        Entry.from_bytes(data.replace(b",", b", ", 1))
    with pytest.raises(MalformedDocument, match="not a hex SHA-256"):
        Entry("profile", "FRA", 2, "xyz", "2026-01-01T00:00:00Z")
