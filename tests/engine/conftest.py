from __future__ import annotations

from pathlib import Path

import pytest

from cybernorms.rules.catalog import Rulebooks, load_rulebooks

LANG = Path(__file__).resolve().parent.parent / "data" / "lang"


@pytest.fixture(scope="session")
def lang_books() -> Rulebooks:
    """The test package that uses every construct of the language, with a test position."""
    return load_rulebooks(LANG)
