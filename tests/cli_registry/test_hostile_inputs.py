"""The hostile review's reproductions against the registry commands (issue 14, findings 2, 3,
5, 6 and 9), each refused with its reason, exit status 1, no traceback, the registry unchanged.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from .scene import Scene, demo_package, ok, run

RANDOM_BYTES = bytes(range(256))[::-1] * 4  # not UTF-8 (0xff first), not JSON, not YAML
DEEP_JSON = "[" * 100_000 + "]" * 100_000


def _publish_args(scene: Scene, package: Path, *more: str | Path) -> tuple[str | Path, ...]:
    return ("package", "publish", package, "--key", scene.key_a, "--key", scene.key_b,
            "--db", scene.db, *more)  # fmt: skip


# -- finding 2: package publish refuses what check refuses, before signing ---------------------


def test_a_package_whose_criterion_does_not_parse_is_refused_before_signing(scene: Scene) -> None:
    package = demo_package(scene, violated_when="attribution.level in {")
    err = scene.refused(_publish_args(scene, package), None, "package.yaml", "violated_when")
    assert "accepted" not in err


def test_a_package_whose_examples_fail_is_refused_before_signing(scene: Scene) -> None:
    package = demo_package(scene, outcome="no_violation")
    scene.refused(_publish_args(scene, package), None, "example", "expected no_violation")


def test_a_package_with_a_version_that_is_not_semver_is_refused(scene: Scene) -> None:
    package = demo_package(scene, version="'not-semver !!'")
    scene.refused(_publish_args(scene, package), None, "version")


# -- finding 3: files that are not what they should be -------------------------------------


def _reading_commands(scene: Scene, bad: Path) -> dict[str, tuple[str | Path, ...]]:
    """Every registry command that reads a file, with ``bad`` as that file."""
    keys = scene.dir / "keys"
    out = scene.path("out.json")
    return {
        "verify": ("verify", bad, "--log-key", ok("log", "key", "--db", scene.db).strip()),
        "verify --log-key": ("verify", scene.path("root.json"), "--log-key", bad),
        "verify --root": ("verify", scene.path("root.json"), "--log-key",
                          ok("log", "key", "--db", scene.db).strip(), "--root", bad),
        "root new --key": ("root", "new", "--state", "FRA", "--threshold", "1", "--expires",
                           "2099-01-01", "--key", bad, "--out", out),
        "root sign": ("root", "sign", bad, "--key", scene.key_a, "--out", out),
        "root sign --key": ("root", "sign", scene.path("root.json"), "--key", bad, "--out", out),
        "root publish": ("root", "publish", bad, "--db", scene.db),
        "profile sign": ("profile", "sign", bad, "--key", scene.key_a, "--out", out),
        "profile publish": ("profile", "publish", bad, "--db", scene.db),
        "package publish": ("package", "publish", bad, "--key", scene.key_a, "--db", scene.db),
        "log consistency": ("log", "consistency", bad, "--db", scene.db),
        "keys as public key": ("root", "new", "--state", "FRA", "--threshold", "1",
                               "--expires", "2099-01-01", "--key", keys / "a.pub", "--key", bad,
                               "--out", out),
    }  # fmt: skip


@pytest.mark.parametrize("content", [RANDOM_BYTES, DEEP_JSON.encode()], ids=["random", "deep"])
def test_every_file_reading_command_refuses_garbage(scene: Scene, content: bytes) -> None:
    bad = scene.path("bad.json")
    bad.write_bytes(content)
    bad.chmod(0o600)  # so that, given as a private key, its content is read, not its mode
    for name, args in _reading_commands(scene, bad).items():
        before = scene.snapshot()
        code, _, err = run(*args)
        assert code == 1, f"{name}: exit {code}: {err}"
        assert err.startswith(("refused (", "error: ")), f"{name}: {err}"
        assert scene.snapshot() == before, name
        assert not scene.path("out.json").exists(), name


def test_random_bytes_given_to_log_consistency_are_a_named_refusal(scene: Scene) -> None:
    bad = scene.path("checkpoint.txt")
    bad.write_bytes(RANDOM_BYTES)
    scene.refused(("log", "consistency", bad, "--db", scene.db), "UnreadableInput",
                  "not UTF-8 text")  # fmt: skip


def test_json_nested_100000_deep_is_refused_by_its_limit(scene: Scene) -> None:
    deep = scene.path("deep.json")
    deep.write_text(DEEP_JSON)
    for args in (
        ("root", "sign", deep, "--key", scene.key_a, "--out", scene.path("o.json")),
        ("root", "publish", deep, "--db", scene.db),
        ("profile", "publish", deep, "--db", scene.db),
    ):
        scene.refused(args, "LimitExceeded", "document_depth")


def test_a_fifo_is_refused_at_once_by_every_reading_command(scene: Scene) -> None:
    fifo = scene.path("fifo")
    os.mkfifo(fifo)
    results: dict[str, tuple[int, str]] = {}

    def attempt() -> None:
        for name, args in _reading_commands(scene, fifo).items():
            code, _, err = run(*args)
            results[name] = (code, err)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "a command blocked on the FIFO"
    for name, (code, err) in results.items():
        assert code == 1 and "not a regular file" in err, f"{name}: {err}"


# -- finding 6: what is signed is read without ambiguity -----------------------------------


def test_root_sign_refuses_a_duplicate_threshold(scene: Scene) -> None:
    text = scene.path("root.json").read_text()
    document = json.loads(text)
    assert document["threshold"] == 2
    ambiguous = text.replace('"threshold": 2', '"threshold": 1, "threshold": 2')
    assert ambiguous != text
    source = scene.write("ambiguous-root.json", ambiguous)
    scene.refused(("root", "sign", source, "--key", scene.key_a, "--out", scene.path("o.json")),
                  "MalformedDocument", "duplicate key 'threshold'")  # fmt: skip
    assert not scene.path("o.json").exists()


def test_root_sign_refuses_a_float_threshold(scene: Scene) -> None:
    text = scene.path("root.json").read_text().replace('"threshold": 2', '"threshold": 2.0')
    source = scene.write("float-root.json", text)
    scene.refused(("root", "sign", source, "--key", scene.key_a, "--out", scene.path("o.json")),
                  "MalformedDocument", "not an integer")  # fmt: skip


def test_profile_sign_refuses_a_float_version(scene: Scene) -> None:
    source = scene.write("float.yaml", "state: FRA\nversion: 11.0\neffective_from: 2024-01-01\n")
    scene.refused(("profile", "sign", source, "--key", scene.key_a, "--key", scene.key_b,
                   "--out", scene.path("o.json")), "MalformedDocument", "version", "float")  # fmt: skip
    assert not scene.path("o.json").exists()


def test_a_signed_document_with_a_duplicate_key_is_refused(scene: Scene) -> None:
    signed = scene.signed_profile(1)
    text = signed.read_text()
    doubled = text.replace('"payloadType":', '"payloadType": "x", "payloadType":', 1)
    assert doubled != text
    signed.write_text(doubled)
    scene.refused(("profile", "publish", signed, "--db", scene.db), "MalformedDocument",
                  "duplicate key 'payloadType'")  # fmt: skip


# -- finding 9: nothing left behind, outputs checked before anything is committed -------------


def test_a_command_refused_before_init_leaves_no_database_file(tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    for args in (("log", "verify"), ("profile", "show", "FRA"), ("log", "checkpoint"),
                 ("root", "history", "FRA"), ("log", "key")):  # fmt: skip
        code, _, err = run(*args, "--db", f"sqlite:///{db}")
        assert code == 1 and "refused (NotInitialised)" in err, err
    assert list(tmp_path.iterdir()) == []


OUTPUTS: dict[str, Callable[[Scene, Path], tuple[str | Path, ...]]] = {
    "profile publish --receipt": lambda s, bad: (
        "profile", "publish", s.signed_profile(1), "--db", s.db, "--receipt", bad),
    "package publish --receipt": lambda s, bad: (
        "package", "publish", demo_package(s), "--key", s.key_a, "--key", s.key_b,
        "--db", s.db, "--receipt", bad),
    "log checkpoint --out": lambda s, bad: ("log", "checkpoint", "--db", s.db, "--out", bad),
    "log prove --out": lambda s, bad: ("log", "prove", "0", "--db", s.db, "--out", bad),
    "log key --out": lambda s, bad: ("log", "key", "--db", s.db, "--out", bad),
    "root sign --out": lambda s, bad: (
        "root", "sign", s.path("root.json"), "--key", s.key_a, "--out", bad),
    "root new --out": lambda s, bad: (
        "root", "new", "--state", "FRA", "--threshold", "1", "--expires", "2099-01-01",
        "--key", s.dir / "keys" / "a.pub", "--out", bad),
    "profile sign --out": lambda s, bad: (
        "profile", "sign", s.write("p.yaml", "state: FRA\\nversion: 1\\n"
                                   "effective_from: 2024-01-01\\n"), "--key", s.key_a, "--out", bad),
}  # fmt: skip


@pytest.mark.parametrize("command", OUTPUTS, ids=list(OUTPUTS))
def test_an_output_path_that_cannot_be_written_is_refused_before_anything_commits(
    scene: Scene, command: str
) -> None:
    bad = scene.dir / "missing-dir" / "out.json"
    scene.refused(OUTPUTS[command](scene, bad), "UnwritableOutput", "does not exist")
    assert not bad.parent.exists()


def test_publish_with_a_receipt_needs_the_log_key_before_it_commits(scene: Scene) -> None:
    os.rename(scene.dir / "registry.db.logkey", scene.dir / "moved.logkey")
    scene.refused(("profile", "publish", scene.signed_profile(1), "--db", scene.db,
                   "--receipt", scene.path("r.json")), "LogKeyUnavailable", "is missing")  # fmt: skip
    out = ok("profile", "publish", scene.signed_profile(1), "--db", scene.db,
             "--receipt", scene.path("r.json"), "--log-key-file", scene.dir / "moved.logkey")  # fmt: skip
    assert "receipt:" in out


# -- finding 5: data shown to a human cannot drive the terminal ---------------------------------


def test_control_characters_from_a_profile_are_shown_escaped(scene: Scene) -> None:
    signed = scene.signed_profile(1, sources='["\\e]0;owned\\a \\e[31m red \\u202e"]')
    ok("profile", "publish", signed, "--db", scene.db)
    for args in (("profile", "show", "FRA"), ("profile", "history", "FRA")):
        shown = ok(*args, "--db", scene.db)
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\\u001b]0;owned\\u0007" in ok("profile", "show", "FRA", "--db", scene.db)


# -- finding 7: answers come from signed bytes; the log is checked against every checkpoint -----


def _sql(scene: Scene, statement: str) -> None:
    engine = create_engine(scene.db)
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def test_a_date_changed_by_hand_fails_log_verify_and_picks_no_other_version(
    scene: Scene,
) -> None:
    ok("profile", "publish", scene.signed_profile(1), "--db", scene.db)
    ok("profile", "publish", scene.signed_profile(2, effective_from="2025-01-01"), "--db", scene.db)
    _sql(scene, "UPDATE profiles SET effective_from = '2030-01-01' WHERE version = 2")
    code, _, err = run("log", "verify", "--db", scene.db)
    assert code == 1 and "profiles.effective_from" in err and "refused (LogIntegrityError)" in err
    code, out, err = run("profile", "show", "FRA", "--as-of", "2025-06-01", "--db", scene.db)
    assert code == 1 and "refused (LogIntegrityError)" in err and "FRA@1" not in out


def test_the_last_entry_truncated_with_everything_fixed_up_fails_log_verify(scene: Scene) -> None:
    ok("profile", "publish", scene.signed_profile(1), "--db", scene.db,
       "--receipt", scene.path("r.json"))  # fmt: skip
    # Remove entry 1, its record, its tree nodes and every checkpoint that saw it.
    for statement in (
        "DELETE FROM profiles WHERE log_index = 1",
        "DELETE FROM checkpoints",
        "DELETE FROM log_entries WHERE idx = 1",
        "DELETE FROM tree_nodes WHERE NOT (level = 0 AND idx = 0)",
        "UPDATE log_head SET size = 1",
    ):
        _sql(scene, statement)
    code, _, err = run("log", "verify", "--db", scene.db)
    assert code == 1, err
    assert "journalled checkpoint at size 2: it saw 2 entries, the log now has 1" in err
