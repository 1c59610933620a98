"""Every parser and verifier, fed byte-level mutations of valid seeds: accepted or refused.

The seeds (``fuzz/corpus/<target>/``) are the repository's own valid examples; each is
accepted as it stands, and any mutation of it is accepted or refused with a
``CybernormsError`` — never another exception (``fuzz.targets.run`` lets those through).
"""

from __future__ import annotations

import pytest
from fuzz_strategies import FUZZ, mutated
from hypothesis import given
from hypothesis import strategies as st

from fuzz.targets import TARGETS, run, seeds

TARGET_NAMES = sorted(TARGETS)


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_every_seed_is_accepted(target: str) -> None:
    found = seeds(target)
    assert found, f"fuzz/corpus/{target} is empty (python -m fuzz.make_corpus)"
    assert [run(target, seed) for seed in found] == [True] * len(found)


@pytest.mark.parametrize("target", TARGET_NAMES)
@FUZZ
@given(data=st.data())
def test_a_mutated_seed_is_accepted_or_refused(target: str, data: st.DataObject) -> None:
    seed = data.draw(st.sampled_from(seeds(target)), label="seed")
    run(target, data.draw(mutated(seed), label="input"))


@pytest.mark.parametrize("target", TARGET_NAMES)
@FUZZ
@given(blob=st.binary(max_size=512))
def test_random_bytes_are_accepted_or_refused(target: str, blob: bytes) -> None:
    run(target, blob)


DEEP = {
    "json array": b"[" * 100_000 + b"]" * 100_000,
    "json object": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "yaml flow": b"a: " + b"[" * 100_000,
    "yaml block": b"".join(b" " * i + b"- \n" for i in range(0, 4000, 2)),
}


@pytest.mark.parametrize("target", [t for t in TARGET_NAMES if t != "merkle_proof"])
@pytest.mark.parametrize("shape", sorted(DEEP))
def test_nesting_100000_deep_is_refused_by_every_parser(target: str, shape: str) -> None:
    assert run(target, DEEP[shape]) is False
