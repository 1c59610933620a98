"""``evaluate --db`` reads the registry's packages and positions (verified payloads), and
each package's basis from the forum record on the registry's log - never the YAML's word."""

from __future__ import annotations

import json

import yaml

from cybernorms.forum.history import load_history
from cybernorms.service import evaluating, loading, record
from cybernorms.service.registry import load_signing_keys
from cybernorms.store.registry import Registry
from cybernorms.trust.envelope import POSITION_PAYLOAD_TYPE, sign_document

from .scene import Scene, demo_package, ok

POSITION = {
    "position": "FRA",
    "title": "France reads the demo rule",
    "sources": ["made up for a test"],
    "package": "demo",
    "overrides": [{"rule": "demo.direct", "violated_when": "False", "note": "a narrower reading"}],
}


def _publish_position(scene: Scene) -> None:
    keys = load_signing_keys([scene.key_a, scene.key_b])
    with Registry.open(scene.db) as registry:
        registry.publish_position(sign_document(POSITION_PAYLOAD_TYPE, POSITION, keys))


def test_evaluate_db_reads_the_registrys_package_and_position_with_their_basis_from_its_log(
    scene: Scene,
) -> None:
    package = demo_package(scene)
    ok("package", "publish", package, "--key", scene.key_a, "--key", scene.key_b,
       "--db", scene.db)  # fmt: skip
    _publish_position(scene)
    incident = scene.write("i.yaml", "id: t:1\nattribution: {state: RUS, level: direct}\n")
    out = ok("evaluate", incident, "--db", scene.db, "--package", "demo", "--position", "FRA",
             "--format", "json", "--no-trace", "--as-of", "2026-01-01")  # fmt: skip
    verdicts = json.loads(out)
    assert {(v["package"], v["basis"], v["outcome"]) for v in verdicts} == {
        ("demo@1.0.0", "proposal", "violation"),  # claims consensus; no adoption on this log
        ("demo@1.0.0", "position:FRA", "no_violation"),  # the position read from the registry
    }
    # the shipped packages too read their basis from this (empty) log: no adoption, no consensus
    out = ok("evaluate", incident, "--db", scene.db, "--package", "un-gge-2015",
             "--format", "json", "--no-trace")  # fmt: skip
    assert {v["basis"] for v in json.loads(out)} == {"proposal"}


def test_a_registry_package_is_compiled_by_the_loader_that_checks_files(scene: Scene) -> None:
    package = demo_package(scene)
    ok("package", "publish", package, "--key", scene.key_a, "--key", scene.key_b,
       "--db", scene.db)  # fmt: skip
    _publish_position(scene)
    with loading.registry_rulebooks(scene.db) as (directory, documents):
        books = loading.compose([directory], shipped=False).books
        shipped = loading.rulebooks()
        assert {p.id for p in books.packages} == {"demo"} | {p.id for p in shipped.packages}
        assert documents == [yaml.safe_load(package.read_text())]
        # FRA's signed position replaces the shipped one; the other states' stay
        assert books.position("FRA").package == "demo"
        assert {p.state for p in books.positions} == {p.state for p in shipped.positions}
    assert not directory.exists()  # removed once the evaluation is set up
    with loading.registry_rulebooks(scene.db, shipped=False) as (directory, _):
        assert [p.id for p in loading.compose([directory], shipped=False).books.packages] == [
            "demo"
        ]


def test_the_registry_record_gives_consensus_when_its_log_holds_the_adoption(scene: Scene) -> None:
    """The log's acts (here the shipped history, as a registry loaded with it by ``make
    demo`` holds them) are what earns consensus under ``--db``."""
    history = load_history(record.history_path())
    on_log = record.registry_record(scene.db, lambda db: history)
    chosen = evaluating.setup(loading.rulebooks(), packages=["un-gge-2015"], record=on_log)
    # un-gge-2015 reaches il-core (norm (f) asks breached("il-core:...")): a restatement
    assert {label: s.basis for label, s in chosen.standings.items()} == {
        "un-gge-2015@1.0.0": "consensus",
        "il-core@1.0.0": "restatement",
    }
    assert chosen.standings["un-gge-2015@1.0.0"].log == f"registry log {scene.db}"
