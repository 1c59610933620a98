"""The curated incidents in ``examples/incidents`` are valid, well-identified and honest.

They are the project's demo and the fixtures of tests that need real incidents, so each file
must load cleanly, carry its own id, name its sources, and leave facts unknown (with a reason on
the line) where the sources disagree rather than guess.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from cybernorms.ingest.files import incident_files, load_incidents
from cybernorms.model.facts import Incident

REPO = Path(__file__).resolve().parents[2]
INCIDENTS = REPO / "examples" / "incidents"
FILES = sorted(incident_files([INCIDENTS]))

# Facts whose deliberate unknowns change verdicts: a `null` on one of these lines must say why.
KEY_FACTS = ("state", "level", "disruption", "casualties", "territory_used", "physical")
NULL_LINE = re.compile(rf"^\s*({'|'.join(KEY_FACTS)}):\s*null\s*(#.*)?$")


@pytest.fixture(scope="module")
def incidents() -> dict[Path, list[Incident]]:
    return {f: load_incidents(f) for f in FILES}


def test_there_are_at_least_twenty_files() -> None:
    assert len(FILES) >= 20, FILES
    assert all(f.suffix == ".yaml" for f in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_loads_as_one_incident_with_its_own_id(path: Path) -> None:
    loaded = load_incidents(path)  # raises DocumentError with file:line:col on any problem
    assert len(loaded) == 1
    assert loaded[0].id == f"cn:{path.stem}"
    assert re.fullmatch(r"\d{4}-[a-z0-9]+(-[a-z0-9]+)*", path.stem), "year-slug file name"


def test_ids_are_unique_across_files(incidents: dict[Path, list[Incident]]) -> None:
    counts = Counter(i.id for found in incidents.values() for i in found)
    assert [i for i, n in counts.items() if n > 1] == []
    assert sum(counts.values()) >= 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_incident_is_named_dated_and_sourced(path: Path) -> None:
    (incident,) = load_incidents(path)
    assert incident.name and incident.name.strip()
    assert incident.description and len(incident.description.split()) >= 20
    assert incident.start_date is not None
    assert str(incident.start_date)[:4] <= path.stem[:4], "file year is not before the start"
    assert incident.sources, "at least one source"
    for url in incident.sources:
        parsed = urlparse(url)
        assert parsed.scheme in ("http", "https") and parsed.netloc, url
    assert incident.targets, "every curated incident names at least one target"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_says_it_is_our_own_summary(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#") and "own summary" in first and "2026-11-22" in first


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_key_unknown_says_why(path: Path) -> None:
    silent = [
        f"{path.name}:{n}: {line.strip()}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (m := NULL_LINE.match(line)) and not m.group(2)
    ]
    assert silent == []


def test_enough_incidents_leave_attribution_open(incidents: dict[Path, list[Incident]]) -> None:
    open_ = [
        i.id
        for found in incidents.values()
        for i in found
        if i.attribution.state is None or i.attribution.level is None
    ]
    assert len(open_) >= 6, open_


def test_the_set_has_the_variety_the_rules_need(incidents: dict[Path, list[Incident]]) -> None:
    every = [i for found in incidents.values() for i in found]
    levels = {i.attribution.level for i in every}
    assert {"direct", "indirect", "none_or_negligent", None} <= levels
    # state-direct operations against critical infrastructure with disruption
    assert any(
        i.attribution.level == "direct"
        and i.effects.disruption in ("short", "long")
        and any(t.category == "critical_infrastructure" for t in i.targets or [])
        for i in every
    )
    # espionage only: data taken, nothing disrupted
    assert any(
        i.effects.data_theft == "sensitive" and i.effects.disruption == "none" for i in every
    )
    assert any(i.effects.ransomware for i in every)
    assert any(i.context.supply_chain for i in every)
    assert any(i.context.armed_conflict for i in every)
    assert any(i.requests for i in every)
    assert any(i.territory_used for i in every)


def test_readme_indexes_every_file() -> None:
    readme = (INCIDENTS / "README.md").read_text(encoding="utf-8")
    assert "own summaries" in readme
    missing = [f.name for f in FILES if f"`{f.name}`" not in readme]
    assert missing == []
