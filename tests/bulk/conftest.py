"""Fixtures of the bulk tests: the shipped rulebooks and one Spark session for the whole run.

Spark needs Java and PySpark (the ``spark`` extra). Without them the Spark tests skip with a
message saying what is missing; CI sets ``CYBERNORMS_REQUIRE_SPARK=1`` (after
``scripts/java-install.sh``), which turns that skip into a failure, as
``CYBERNORMS_REQUIRE_PG`` does for PostgreSQL.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from cybernorms.bulk.engines import java_available, spark_session
from cybernorms.rules.catalog import Rulebooks, load_rulebooks

SPARK_MASTER = "local[2]"


def _need(condition: bool, message: str) -> None:
    if condition:
        return
    if os.environ.get("CYBERNORMS_REQUIRE_SPARK") == "1":
        pytest.fail(f"{message} (CYBERNORMS_REQUIRE_SPARK=1 makes this a failure)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def spark_master() -> str:
    """The master of the one Spark session the tests share (started here, once)."""
    _need(
        importlib.util.find_spec("pyspark") is not None,
        "PySpark is not installed (pip install -e '.[spark]')",
    )
    _need(java_available(), "Spark needs Java: run scripts/java-install.sh or set JAVA_HOME")
    spark_session(SPARK_MASTER)
    return SPARK_MASTER


@pytest.fixture(scope="session")
def shipped() -> Rulebooks:
    return load_rulebooks()


@pytest.fixture(scope="session")
def lang_books() -> Rulebooks:
    """The test package that uses every construct of the language, with a test position."""
    return load_rulebooks(Path(__file__).resolve().parent.parent / "data" / "lang")


@pytest.fixture(scope="session")
def stances() -> Rulebooks:
    """The language's test package with position LVA: agrees, holds_open and no_rule."""
    data = Path(__file__).resolve().parent.parent / "data"
    return load_rulebooks([data / "lang", data / "stances"])
