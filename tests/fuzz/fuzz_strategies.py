"""The fuzz tests' budget and shared strategies: byte mutation of seeds, plain data, edits.

Budget (``FUZZ``): every property test here runs ``$CYBERNORMS_FUZZ_EXAMPLES`` examples
(default 60), derandomized so CI runs the same inputs every time (a failure reproduces by
rerunning), with no per-example deadline (a slow runner must not fail a correct parser).
Longer, coverage-guided campaigns are ``python -m fuzz TARGET --runs N`` (atheris).

Why both: byte mutation of a valid seed finds what a parser does with a broken file (a cut
quote, a stray byte, a bracket too many); structure-aware edits keep the syntax valid and reach
the checks behind it (a list where a mapping belongs, a date that is no date, a huge number).
"""

from __future__ import annotations

import copy
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ_EXAMPLES = int(os.environ.get("CYBERNORMS_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# Bytes that parsers treat specially: brackets, YAML anchors, aliases and tags, quotes, line
# breaks, control and non-UTF-8 bytes, numbers and dates at the edges, JSON escapes.
INTERESTING = [
    b"[",
    b"]",
    b"{",
    b"}",
    b"&a ",
    b"*a",
    b"!!",
    b"!!python/object:os.system ",
    b"? ",
    b'"',
    b"'",
    b"\n",
    b"\r\n",
    b"\t",
    b": ",
    b"- ",
    b"#",
    b"\x00",
    b"\x1b[31m",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xae",
    b"2020-13-45",
    b"-1",
    b"0",
    b"9" * 30,
    b"1e999",
    b"NaN",
    b"\\u0000",
    b"\\ud800",
    b"null",
    b"true",
    b"<<: *a",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"\xe2\x80\x94 ",
    b"=",
    b"==",
    b"AAAA",
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, max_edits: int = 4) -> bytes:
    """``seed`` with one to ``max_edits`` byte-level edits."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, max_edits))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["replace", "delete", "insert", "token", "duplicate"]))
        if kind == "replace" and data:
            at = min(at, len(data) - 1)
            data[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            data[at : at + draw(st.integers(1, 64))] = b""
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "token":
            data[at:at] = draw(st.sampled_from(INTERESTING))
        elif kind == "duplicate" and data:
            start = draw(st.integers(0, len(data) - 1))
            data[at:at] = data[start : start + draw(st.integers(1, 256))]
    return bytes(data)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2020-13-45", "1" * 5000, "direct", "RUS", "energy", "", "~", "&a", "*a"]),
)

plain_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(min_size=1, max_size=12), children, max_size=5),
    ),
    max_leaves=25,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(_paths(item, (*prefix, i)))
    return out


@st.composite
def edited(draw: st.DrawFn, value: Any, max_edits: int = 3) -> Any:
    """``value`` (plain data) with a few nodes replaced, removed or added: still well-formed
    data, but not necessarily what the schema wants."""
    value = copy.deepcopy(value)
    for _ in range(draw(st.integers(1, max_edits))):
        path = draw(st.sampled_from(_paths(value)))
        if not path:
            value = draw(plain_values)
            continue
        parent = value
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(plain_values)
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(plain_values)
        else:
            parent.insert(path[-1], draw(plain_values))
    return value
