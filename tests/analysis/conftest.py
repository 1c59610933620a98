from __future__ import annotations

from pathlib import Path

import pytest

from cybernorms.rules.catalog import Rulebooks, load_rulebooks

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def shipped() -> Rulebooks:
    return load_rulebooks(with_examples=False)


@pytest.fixture(scope="session")
def lang() -> Rulebooks:
    return load_rulebooks(DATA / "lang", with_examples=False)


@pytest.fixture(scope="session")
def planted() -> Rulebooks:
    return load_rulebooks(DATA / "analysis" / "planted", with_examples=False)


@pytest.fixture(scope="session")
def clean() -> Rulebooks:
    return load_rulebooks(DATA / "analysis" / "clean", with_examples=False)
