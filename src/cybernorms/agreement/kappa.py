"""Cohen's kappa: agreement between two raters beyond what chance would give.

Why kappa and not only percent agreement: most coded EuRepoC incidents are "yes" for
sovereignty, so an engine that always said "yes" would agree often and mean nothing; kappa
subtracts the agreement expected from each rater's own base rates.

kappa = (p_o - p_e) / (1 - p_e), with p_o the observed agreement and p_e the sum over labels of
the product of the two raters' marginal proportions. It is undefined (``None``, printed "n/a")
when there are no pairs, or when p_e = 1 (both raters used one and the same label throughout:
there is no disagreement chance could explain).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def observed_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """The share of pairs with the same label; ``None`` for no pairs."""
    _check(a, b)
    if not a:
        return None
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def cohens_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two equally long label sequences; ``None`` when undefined."""
    _check(a, b)
    n = len(a)
    if n == 0:
        return None
    p_o = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    p_e = sum(ca[k] * cb[k] for k in ca.keys() | cb.keys()) / (n * n)
    if p_e >= 1.0:
        return None
    return (p_o - p_e) / (1.0 - p_e)


def _check(a: Sequence[Hashable], b: Sequence[Hashable]) -> None:
    if len(a) != len(b):
        raise ValueError(f"label sequences differ in length ({len(a)} and {len(b)})")
