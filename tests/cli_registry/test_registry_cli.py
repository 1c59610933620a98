"""The registry commands from the outside: the walk-through works, every refusal names its
reason, exits 1 and leaves the registry unchanged, and ``--help`` works everywhere."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cybernorms.trust import PROFILE_PAYLOAD_TYPE, SigningKey, sign_document

from .scene import PROFILE_V1, REPO, Scene, demo_package, ok, run


def test_keys_are_written_private(scene: Scene) -> None:
    mode = stat.S_IMODE(os.stat(scene.key_a).st_mode)
    assert mode == 0o600
    pub = json.loads((scene.dir / "keys" / "a.pub").read_text())
    assert pub["state"] == "FRA" and pub["keyid"] == SigningKey.load(scene.key_a).keyid


def test_a_key_readable_by_others_is_refused(scene: Scene) -> None:
    os.chmod(scene.key_a, 0o644)
    code, _, err = run("profile", "sign", scene.write("p.yaml", PROFILE_V1), "--key", scene.key_a,
                       "--out", scene.path("p.json"))  # fmt: skip
    assert code == 1 and "refused (KeyFileError)" in err and "chmod 600" in err


def test_sign_publish_prove_and_verify_offline(scene: Scene) -> None:
    signed = scene.signed_profile(1)
    out = ok("profile", "publish", signed, "--db", scene.db, "--receipt", scene.path("r.json"))
    assert "accepted: profile FRA v1" in out and "as log entry 1" in out
    ok("log", "key", "--db", scene.db, "--out", scene.path("log.vkey"))
    out = ok("verify", scene.path("r.json"), "--log-key", scene.path("log.vkey"))
    assert "OK: profile FRA v1" in out
    assert "included under its signed checkpoint of size 2" in out
    # Pinning the root obtained out of band:
    out = ok("verify", scene.path("r.json"), "--log-key", scene.path("log.vkey"),
             "--root", scene.path("root.signed.json"))  # fmt: skip
    assert "trust on first use" not in out

    ok("log", "checkpoint", "--db", scene.db, "--out", scene.path("cp.txt"))
    ok("profile", "publish", scene.signed_profile(2), "--db", scene.db)
    ok("log", "prove", "1", "--size", "2", "--db", scene.db, "--out", scene.path("p1.json"))
    assert "OK: profile FRA v1" in ok(
        "verify", scene.path("p1.json"), "--log-key", scene.path("log.vkey")
    )
    out = ok("log", "consistency", scene.path("cp.txt"), "--db", scene.db)
    assert "OK: the log at size 3 is consistent with the checkpoint at size 2" in out
    out = ok("log", "verify", "--db", scene.db)
    assert out.startswith("OK: 3 entries")


def test_profile_show_and_history(scene: Scene) -> None:
    ok("profile", "publish", scene.signed_profile(1), "--db", scene.db)
    ok("profile", "publish", scene.signed_profile(2, effective_from="2025-01-01"), "--db", scene.db)
    assert "FRA@2" in ok("profile", "show", "FRA", "--db", scene.db)
    assert "FRA@1" in ok("profile", "show", "FRA", "--version", "1", "--db", scene.db)
    assert "FRA@1" in ok("profile", "show", "FRA", "--as-of", "2024-06-01", "--db", scene.db)
    shown = json.loads(ok("profile", "show", "FRA", "--as-of", "2025-06-01", "--json",
                          "--db", scene.db))  # fmt: skip
    assert shown["version"] == 2
    history = ok("profile", "history", "FRA", "--db", scene.db)
    assert "2024-01-01" in history and "2025-01-01" in history
    code, _, err = run("profile", "show", "FRA", "--as-of", "2023-01-01", "--db", scene.db)
    assert code == 1 and "no profile of FRA in force on 2023-01-01" in err


def test_package_publish_is_content_addressed(scene: Scene) -> None:
    package = demo_package(scene)
    out = ok("package", "publish", package, "--key", scene.key_a, "--key", scene.key_b,
             "--db", scene.db, "--receipt", scene.path("pkg.receipt.json"))  # fmt: skip
    assert "1 example verdicts as expected" in out
    assert "accepted: package demo FRA v1.0.0" in out
    vkey = ok("log", "key", "--db", scene.db).strip()
    assert "OK: package demo FRA v1.0.0" in ok(
        "verify", scene.path("pkg.receipt.json"), "--log-key", vkey
    )
    scene.refused(
        ("package", "publish", package, "--key", scene.key_a, "--key", scene.key_b,
         "--db", scene.db),
        "AlreadyPublished", "already published with this content",
    )  # fmt: skip


# -- refusals: each names its reason, exits 1, leaves the registry as it was -----------------


def test_refused_forged_signature(scene: Scene) -> None:
    signed = scene.signed_profile(1)
    envelope = json.loads(signed.read_text())
    sig = envelope["signatures"][0]["sig"]
    envelope["signatures"][0]["sig"] = ("A" if sig[0] != "A" else "B") + sig[1:]
    signed.write_text(json.dumps(envelope))
    scene.refused(("profile", "publish", signed, "--db", scene.db), "BadSignature",
                  "does not verify")  # fmt: skip


def test_refused_other_states_keys(scene: Scene) -> None:
    ok("keys", "new", "--state", "DEU", "--out", scene.path("keys"), "--name", "deu")
    deu = SigningKey.load(scene.path("keys") / "deu.key")
    document = {"state": "FRA", "version": 1, "effective_from": "2024-01-01"}
    usurped = scene.path("usurped.json")
    usurped.write_bytes(sign_document(PROFILE_PAYLOAD_TYPE, document, [deu]).to_bytes())
    scene.refused(("profile", "publish", usurped, "--db", scene.db), "UnknownKey",
                  "no signature is by a key of FRA root v1")  # fmt: skip


def test_refused_threshold_not_met(scene: Scene) -> None:
    one = scene.signed_profile(1, scene.key_a)
    scene.refused(("profile", "publish", one, "--db", scene.db), "ThresholdNotMet",
                  "requires 2 distinct key(s), 1 signed validly")  # fmt: skip


def test_refused_replay_and_rollback(scene: Scene) -> None:
    v1 = scene.signed_profile(1)
    ok("profile", "publish", v1, "--db", scene.db)
    scene.refused(("profile", "publish", v1, "--db", scene.db), "RollbackAttempt",
                  "replay: version 1 equals")  # fmt: skip
    ok("profile", "publish", scene.signed_profile(3), "--db", scene.db)
    scene.refused(("profile", "publish", scene.signed_profile(2), "--db", scene.db),
                  "RollbackAttempt", "rollback: version 2 is below", "(3)")  # fmt: skip


def test_refused_expired_profile(scene: Scene) -> None:
    stale = scene.signed_profile(1, expires="2024-06-01")
    scene.refused(("profile", "publish", stale, "--db", scene.db), "Expired",
                  "expired at 2024-06-01")  # fmt: skip


def test_refused_rotation_without_the_old_threshold(scene: Scene) -> None:
    for name in ("c", "d"):
        ok("keys", "new", "--state", "FRA", "--out", scene.path("keys"), "--name", name)
    keys = scene.path("keys")
    ok("root", "new", "--state", "FRA", "--version", "2", "--threshold", "2", "--expires",
       "2099-01-01", "--key", keys / "c.pub", "--key", keys / "d.pub",
       "--out", scene.path("root2.json"))  # fmt: skip
    ok("root", "sign", scene.path("root2.json"), "--key", keys / "c.key", "--key", keys / "d.key",
       "--key", scene.key_a, "--out", scene.path("root2.signed.json"))  # fmt: skip
    scene.refused(
        ("root", "publish", scene.path("root2.signed.json"), "--db", scene.db),
        "ThresholdNotMet", "not signed by the threshold of the trusted (old) FRA root v1",
    )  # fmt: skip
    # The second old key co-signs: now the rotation is valid.
    ok("root", "sign", scene.path("root2.signed.json"), "--key", scene.key_b,
       "--out", scene.path("root2.signed.json"))  # fmt: skip
    assert "accepted: root FRA v2" in ok(
        "root", "publish", scene.path("root2.signed.json"), "--db", scene.db
    )


def test_refused_tampered_receipt(scene: Scene) -> None:
    ok("profile", "publish", scene.signed_profile(1), "--db", scene.db,
       "--receipt", scene.path("r.json"))  # fmt: skip
    vkey = ok("log", "key", "--db", scene.db).strip()
    receipt = json.loads(scene.path("r.json").read_text())
    receipt["entry"] = receipt["entry"].replace('"version":1', '"version":9')
    scene.path("r.json").write_text(json.dumps(receipt))
    code, _, err = run("verify", scene.path("r.json"), "--log-key", vkey)
    assert code == 1 and "refused (ReceiptError)" in err and "not in the checkpointed log" in err


def test_log_verify_detects_an_entry_altered_in_the_database(scene: Scene) -> None:
    ok("profile", "publish", scene.signed_profile(1), "--db", scene.db)
    engine = create_engine(scene.db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE log_entries SET entry = :e WHERE idx = 1"), {"e": b"{}"})
    engine.dispose()
    code, _, err = run("log", "verify", "--db", scene.db)
    assert code == 1
    assert "problem: log entry 1: bytes do not hash to the stored leaf hash" in err
    assert "refused (LogIntegrityError)" in err


def test_log_consistency_refuses_a_checkpoint_from_a_fork(scene: Scene, tmp_path: Path) -> None:
    ok("profile", "publish", scene.signed_profile(1), "--db", scene.db)
    fork_db = f"sqlite:///{tmp_path / 'fork.db'}"
    (tmp_path / "fork.db").write_bytes((tmp_path / "registry.db").read_bytes())
    shutil.copy2(tmp_path / "registry.db.logkey", tmp_path / "fork.db.logkey")  # same log key
    ok("profile", "publish", scene.signed_profile(2, sources="[forked]"), "--db", fork_db)
    ok("log", "checkpoint", "--db", fork_db, "--out", scene.path("forked.txt"))
    ok("profile", "publish", scene.signed_profile(2), "--db", scene.db)
    scene.refused(("log", "consistency", scene.path("forked.txt"), "--db", scene.db),
                  "LogIntegrityError", "checkpoint is from a fork")  # fmt: skip


def test_commands_on_a_missing_registry_say_run_init(tmp_path: Path) -> None:
    code, _, err = run("log", "verify", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert code == 1 and "refused (NotInitialised)" in err and "cybernorms init" in err


# -- evaluate --db -----------------------------------------------------------------------------


def test_evaluate_takes_profiles_from_the_registry(scene: Scene, tmp_path: Path) -> None:
    ok("keys", "new", "--state", "UKR", "--out", scene.path("keys"), "--name", "ukr")
    ukr = scene.path("keys") / "ukr.key"
    ok("root", "new", "--state", "UKR", "--threshold", "1", "--expires", "2099-01-01",
       "--key", ukr, "--out", scene.path("ukr-root.json"))  # fmt: skip
    ok("root", "sign", scene.path("ukr-root.json"), "--key", ukr,
       "--out", scene.path("ukr-root.signed.json"))  # fmt: skip
    ok("root", "publish", scene.path("ukr-root.signed.json"), "--db", scene.db)
    profile = scene.write(
        "ukr.yaml",
        "state: UKR\nversion: 7\neffective_from: 2017-01-01\n"
        "parameters:\n  critical_sectors: [energy, finance, transport, government]\n",
    )
    ok("profile", "sign", profile, "--key", ukr, "--out", scene.path("ukr.signed.json"))
    ok("profile", "publish", scene.path("ukr.signed.json"), "--db", scene.db)

    incident = REPO / "examples" / "incidents" / "2017-notpetya.yaml"
    out = ok("evaluate", incident, "--db", scene.db, "--as-of", "2018-01-01", "--format", "json",
             "--no-trace")  # fmt: skip
    labels = {label for verdict in json.loads(out) for label in verdict["profiles"]}
    assert "UKR@7" in labels
    out = ok("evaluate", incident, "--db", scene.db, "--as-of", "2016-01-01", "--format", "json",
             "--no-trace")  # fmt: skip
    labels = {label for verdict in json.loads(out) for label in verdict["profiles"]}
    assert "UKR@unpublished" in labels and "UKR@7" not in labels
    code, _, err = run("evaluate", incident, "--db", scene.db, "--profiles", REPO / "rulebooks"
                       / "profiles")  # fmt: skip
    assert code == 1 and "--db or --profiles" in err
    code, _, err = run("evaluate", incident, "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert code == 1 and "cybernorms init" in err


# -- --help everywhere -------------------------------------------------------------------------

COMMANDS = [
    (), ("init",), ("verify",), ("keys",), ("keys", "new"), ("root",), ("root", "new"),
    ("root", "sign"), ("root", "publish"), ("root", "history"), ("profile",),
    ("profile", "sign"), ("profile", "publish"), ("profile", "show"), ("profile", "history"),
    ("package",), ("package", "publish"), ("log",), ("log", "key"), ("log", "checkpoint"),
    ("log", "prove"), ("log", "verify"), ("log", "consistency"), ("evaluate",),
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "cybernorms")
def test_help_works_everywhere(command: tuple[str, ...]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0 and "Usage" in out
