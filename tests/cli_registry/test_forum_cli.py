"""The forum, treaty, position and package commands: each refusal names its reason, exits 1
and leaves the registry unchanged; reads print what the log holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .scene import Scene, demo_package, ok, run

REPO = Path(__file__).resolve().parents[2]


def _holder(scene: Scene, who: str) -> Path:
    ok("keys", "new", "--state", who, "--out", scene.dir / "keys", "--name", who)
    ok("root", "new", "--state", who, "--threshold", "1", "--expires", "2099-01-01",
       "--key", scene.dir / "keys" / f"{who}.pub", "--out", scene.path(f"{who}.json"))  # fmt: skip
    ok("root", "sign", scene.path(f"{who}.json"), "--key", scene.dir / "keys" / f"{who}.key",
       "--out", scene.path(f"{who}.signed.json"))  # fmt: skip
    ok("root", "publish", scene.path(f"{who}.signed.json"), "--db", scene.db)
    return scene.dir / "keys" / f"{who}.key"


def test_a_forum_refuses_a_non_member_and_shows_its_history(scene: Scene) -> None:
    wg = _holder(scene, "forum:wg")
    deu = _holder(scene, "DEU")
    package = REPO / "rulebooks" / "un-gge-2015" / "package.yaml"
    db = ("--db", scene.db)
    out = ok("forum", "new", "wg", "--name", "WG", "--mandate", "Norms", "--key", wg, *db)
    assert "accepted: forum_new by secretariat of wg" in out
    ok("forum", "join", "wg", "--state", "FRA", "--key", scene.key_a, "--key", scene.key_b, *db)
    ok("forum", "propose", "wg", "p1", "--package", package, "--state", "FRA",
       "--key", scene.key_a, "--key", scene.key_b, *db)  # fmt: skip
    ok("forum", "call", "wg", "c1", "--proposal", "p1", "--period", "1d", "--key", wg, *db)
    scene.refused(
        (
            "forum",
            "position",
            "wg",
            "c1",
            "--state",
            "DEU",
            "--position",
            "object",
            "--key",
            deu,
            *db,
        ),
        "NotAMember",
        "DEU",
    )
    # one of FRA's two keys is below its root's threshold
    scene.refused(
        (
            "forum",
            "position",
            "wg",
            "c1",
            "--state",
            "FRA",
            "--position",
            "object",
            "--key",
            scene.key_a,
            *db,
        ),
        "ThresholdNotMet",
    )
    # the forum's keys cannot speak for FRA
    scene.refused(
        (
            "forum",
            "position",
            "wg",
            "c1",
            "--state",
            "FRA",
            "--position",
            "object",
            "--key",
            wg,
            *db,
        ),
        "InvalidRequest",
        "labelled for forum:wg",
    )
    scene.refused(("forum", "close", "wg", "c1", "--key", wg, *db), "CallStillOpen")
    history = json.loads(ok("forum", "history", "wg", "--format", "json", *db))
    assert [h["act"] for h in history] == ["forum_new", "join", "propose", "call"]
    assert history[1]["by"] == "FRA" and history[1]["signed_by_principal"]
    status = json.loads(ok("forum", "status", "wg", "--format", "json", *db))
    assert status["members"] == ["FRA"]
    assert status["calls"][0]["needs"]


def test_an_act_recorded_from_public_sources_says_so(scene: Scene) -> None:
    maintainers = _holder(scene, "recorder:maintainers")
    db = ("--db", scene.db)
    ok("forum", "new", "oewg", "--name", "OEWG", "--mandate", "Norms", "--key", maintainers,
       "--recorded-by", "maintainers", "--source", "A/75/816",
       "--occurred-at", "2021-03-12T00:00:00Z", *db)  # fmt: skip
    [act] = json.loads(ok("forum", "history", "oewg", "--format", "json", *db))
    assert not act["signed_by_principal"]
    assert "recorded from public sources by maintainers: A/75/816" in act["by"]
    assert "not signed by secretariat of oewg" in act["by"]


def test_position_publish_refuses_what_check_refuses(scene: Scene) -> None:
    position = scene.path("FRA.yaml")
    shutil.copy(REPO / "rulebooks" / "positions" / "FRA.yaml", position)
    text = position.read_text(encoding="utf-8")
    bad = scene.write("FRA-bad.yaml", text.replace("\ntitle:", "\ntitel:", 1))
    keys = ("--key", scene.key_a, "--key", scene.key_b)
    scene.refused(("position", "publish", bad, *keys, "--db", scene.db), None, "titel")
    out = ok("position", "publish", position, *keys, "--db", scene.db)
    assert "accepted: position FRA" in out


def test_package_list_and_show(scene: Scene) -> None:
    package = demo_package(scene)
    keys = ("--key", scene.key_a, "--key", scene.key_b)
    ok("package", "publish", package, *keys, "--db", scene.db)
    listed = json.loads(ok("package", "list", "--format", "json", "--db", scene.db))
    assert [(p["name"], p["version"], p["publisher"]) for p in listed] == [("demo", "1.0.0", "FRA")]
    shown = json.loads(ok("package", "show", "demo", "--db", scene.db))
    assert shown["package"] == "demo" and shown["rules"][0]["id"] == "demo.direct"
    code, _, err = run("package", "show", "nothing", "--db", scene.db)
    assert code == 1 and "refused (NotFound)" in err


FORUM_COMMANDS = [
    ("forum",), *(("forum", c) for c in (
        "new", "join", "leave", "propose", "revise", "amend", "call", "position", "vote",
        "concern", "resolve", "close", "statement", "status", "history", "record")),
    ("treaty",), *(("treaty", c) for c in (
        "sign", "ratify", "accede", "reserve", "object", "denounce", "status")),
    ("position",), ("position", "publish"), ("package", "list"), ("package", "show"),
    ("log", "decisions"),
]  # fmt: skip


@pytest.mark.parametrize("command", FORUM_COMMANDS, ids=" ".join)
def test_help_works_for_every_forum_command(command: tuple[str, ...]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0 and "Usage" in out
