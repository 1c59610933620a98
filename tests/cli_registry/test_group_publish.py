"""A group's common reading is published under the group's own root (``group:AU``), in the
way forum, depositary and recorder roots are named: never under a member state's root.

End to end on SQLite through the command line: the group's keys and root, ``position
publish`` of the shipped ``group-AU.yaml`` with a receipt, the receipt verified offline and the
log verified; the same file signed with a member's keys is refused."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

from .scene import REPO, Scene, ok, run


def _holder(scene: Scene, who: str, name: str) -> Path:
    """Keys and a 1-of-1 root for ``who``, published; returns the private key file."""
    keys = scene.dir / "keys"
    ok("keys", "new", "--state", who, "--out", keys, "--name", name)
    ok("root", "new", "--state", who, "--threshold", "1", "--expires", "2099-01-01",
       "--key", keys / f"{name}.pub", "--out", scene.path(f"{name}.json"))  # fmt: skip
    ok("root", "sign", scene.path(f"{name}.json"), "--key", keys / f"{name}.key",
       "--out", scene.path(f"{name}.signed.json"))  # fmt: skip
    ok("root", "publish", scene.path(f"{name}.signed.json"), "--db", scene.db)
    return keys / f"{name}.key"


def _au_position(scene: Scene) -> Path:
    position = scene.path("group-AU.yaml")
    shutil.copy(REPO / "rulebooks" / "positions" / "group-AU.yaml", position)
    examples = REPO / "rulebooks" / "positions" / "group-AU.examples.yaml"
    shutil.copy(examples, scene.path("group-AU.examples.yaml"))
    return position


def test_a_group_reading_is_published_under_the_groups_root_and_verifies(scene: Scene) -> None:
    au = _holder(scene, "group:au", "au")  # any case: the root is group:AU's
    receipt = scene.path("receipt.json")
    out = ok("position", "publish", _au_position(scene), "--key", au, "--db", scene.db,
             "--receipt", receipt)  # fmt: skip
    assert "accepted: position group:AU" in out
    log_key = ok("log", "key", "--db", scene.db).strip()
    verified = ok("verify", receipt, "--log-key", log_key, "--root", scene.path("au.signed.json"))
    assert "group:AU" in verified
    ok("log", "verify", "--db", scene.db)
    document = json.loads(receipt.read_text())["document"]
    signed = json.loads(base64.b64decode(document["payload"]))
    assert signed["position"] == "group:AU" and len(signed["members"]) == 54
    root = json.loads(
        base64.b64decode(json.loads(scene.path("au.signed.json").read_text())["payload"])
    )
    assert root["state"] == "group:AU"  # the group's own root, not a member's


def test_a_members_keys_cannot_publish_the_groups_reading(scene: Scene) -> None:
    """FRA holds a root in the scene; KEN, a member of the AU, gets one here: neither's keys
    sign for the group, and without a group root nothing is logged."""
    ken = _holder(scene, "KEN", "ken")
    position = _au_position(scene)
    code, _, err = run("position", "publish", position, "--key", ken, "--db", scene.db)
    assert code != 0 and "labelled for KEN, the document is group:AU's" in err
    code, _, err = run("position", "publish", position, "--key", scene.key_a, "--key",
                       scene.key_b, "--db", scene.db)  # fmt: skip
    assert code != 0 and "labelled for FRA" in err
