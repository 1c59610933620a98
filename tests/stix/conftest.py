"""Fixtures of the STIX tests: the ``stix`` extra, the OASIS examples, the reference data.

The STIX importer and exporter need the optional extra ``stix`` (``pip install -e '.[stix]'``).
Without it these tests skip with that message on a user's machine and fail under CI
(``CI=true``), where the extra is installed.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

if importlib.util.find_spec("stix2") is None or importlib.util.find_spec("stix2validator") is None:
    message = "the optional extra 'stix' is not installed (pip install -e '.[stix]')"
    if os.environ.get("CI") == "true":
        raise RuntimeError(message + " (CI=true makes this a failure)")
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def examples(shared_data: Path) -> Path:
    """``shared/data/stix-examples``: the OASIS STIX 2.1 example bundles."""
    return shared_data / "stix-examples"


@pytest.fixture(scope="session")
def references(shared_data: Path):  # type: ignore[no-untyped-def]
    """The MISP galaxies and ATT&CK, read from the shared data (never copied)."""
    from cybernorms.ingest.stix import References

    return References.load(
        misp_galaxy=shared_data / "misp-galaxy", mitre_attack=shared_data / "mitre-attack"
    )
