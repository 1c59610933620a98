"""The analysis service refuses what it cannot answer before the solver runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybernorms.service import analysing, loading
from cybernorms.service.errors import BadRequest, UnknownName

SHIPPED = Path(__file__).resolve().parents[2] / "rulebooks"


def test_an_unknown_target_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownName, match=r"unknown package or position: nope \(known: .*il-core"):
        analysing.analyse(loading.rulebooks(), ["nope"])


def test_diff_compares_two_versions_of_one_package_only() -> None:
    with pytest.raises(BadRequest, match="diff compares versions"):
        analysing.diff(loading.rulebooks(), SHIPPED / "il-core", SHIPPED / "un-gge-2015")
