"""Cohen's kappa against values computed by hand, and its properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cybernorms.agreement.kappa import cohens_kappa, observed_agreement


def table(yy: int, yn: int, ny: int, nn: int) -> tuple[list[bool], list[bool]]:
    """Two raters' labels from a 2x2 table (rater A first)."""
    a = [True] * (yy + yn) + [False] * (ny + nn)
    b = [True] * yy + [False] * yn + [True] * ny + [False] * nn
    return a, b


@pytest.mark.parametrize(
    ("cells", "p_o", "kappa"),
    [
        # p_o = 35/50; p_e = .5*.6 + .5*.4 = .5; kappa = (.7-.5)/.5
        ((20, 5, 10, 15), 0.7, 0.4),
        # p_o = 60/100; p_e = .6*.7 + .4*.3 = .54; kappa = .06/.46
        ((45, 15, 25, 15), 0.6, 0.06 / 0.46),
        # p_o = 2/3; p_e = 2/3*1/3 + 1/3*2/3 = 4/9; kappa = (2/9)/(5/9)
        ((1, 1, 0, 1), 2 / 3, 0.4),
        # perfect disagreement on a balanced table: p_o = 0, p_e = .5
        ((0, 5, 5, 0), 0.0, -1.0),
        # one rater constant: p_o = p_e = 2/3
        ((0, 0, 1, 2), 2 / 3, 0.0),
    ],
)
def test_hand_computed(cells: tuple[int, int, int, int], p_o: float, kappa: float) -> None:
    a, b = table(*cells)
    assert observed_agreement(a, b) == pytest.approx(p_o)
    assert cohens_kappa(a, b) == pytest.approx(kappa)


def test_undefined_cases() -> None:
    assert cohens_kappa([], []) is None
    assert observed_agreement([], []) is None
    assert cohens_kappa([True, True], [True, True]) is None  # p_e = 1
    with pytest.raises(ValueError, match="differ in length"):
        cohens_kappa([True], [])


labels = st.lists(st.booleans(), min_size=1, max_size=60)


@given(labels)
def test_identical_labels_agree_fully(a: list[bool]) -> None:
    k = cohens_kappa(a, a)
    assert k is None if len(set(a)) == 1 else k == pytest.approx(1.0)
    assert observed_agreement(a, a) == 1.0


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=60))
def test_symmetric_and_bounded(pairs: list[tuple[bool, bool]]) -> None:
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    k1, k2 = cohens_kappa(a, b), cohens_kappa(b, a)
    assert (k1 is None) == (k2 is None)
    if k1 is not None and k2 is not None:
        assert k1 == pytest.approx(k2)
        assert -1.0 - 1e-9 <= k1 <= 1.0 + 1e-9
