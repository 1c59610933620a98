"""Private keys encrypted at rest, from the command line (issue 14, finding 9), and signed input
read strictly by ``root sign`` (finding 6)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybernorms.cli.app import app
from cybernorms.cli.passphrase import PASSPHRASE_ENV
from cybernorms.trust import SigningKey

runner = CliRunner()
SECRET = "tangerine kettle orbit ninety marble"


def run(
    *args: str | Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], env=env, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _new_key(directory: Path, name: str, *extra: str, env: dict[str, str] | None = None) -> Path:
    code, out, err = run(
        "keys", "new", "--state", "FRA", "--out", directory, "--name", name, *extra, env=env
    )
    assert code == 0, out + err
    return directory / f"{name}.key"


def test_keys_new_encrypts_with_the_passphrase_in_a_named_variable(tmp_path: Path) -> None:
    path = _new_key(tmp_path, "a", "--passphrase-env", "MY_PASS", env={"MY_PASS": SECRET})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SigningKey.is_encrypted(path)
    assert SigningKey.load(path, SECRET.encode()).state == "FRA"
    assert "private" not in json.loads(path.read_text())


def test_keys_new_asks_twice_for_a_passphrase(tmp_path: Path) -> None:
    code, out, err = run(
        "keys", "new", "--state", "FRA", "--out", tmp_path, "--name", "a", "--passphrase",
        stdin=f"{SECRET}\n{SECRET}\n",
    )  # fmt: skip
    assert code == 0, out + err
    assert "encrypted with your passphrase" in out
    assert SECRET not in out + err  # hidden input
    assert SigningKey.load(tmp_path / "a.key", SECRET.encode()).state == "FRA"


def test_keys_new_refuses_an_unset_passphrase_variable(tmp_path: Path) -> None:
    code, _, err = run(
        "keys",
        "new",
        "--state",
        "FRA",
        "--out",
        tmp_path,
        "--passphrase-env",
        "NOPE_UNSET",
        env={"NOPE_UNSET": ""},
    )
    flat = " ".join(err.replace("│", " ").split())  # rich draws usage errors in a box
    assert code == 2 and "NOPE_UNSET is not set or empty" in flat
    assert not any(tmp_path.iterdir())


def test_signing_with_an_encrypted_key_reads_the_passphrase_variable(tmp_path: Path) -> None:
    key = _new_key(tmp_path, "a", "--passphrase-env", "P", env={"P": SECRET})
    pub = tmp_path / "a.pub"
    root = tmp_path / "root.json"
    # The public half of a locked key is read without its passphrase.
    code, out, err = run(
        "root",
        "new",
        "--state",
        "FRA",
        "--threshold",
        "1",
        "--expires",
        "2099-01-01",
        "--key",
        key,
        "--out",
        root,
        env={},
    )
    assert code == 0, out + err
    signed = tmp_path / "root.signed.json"
    code, out, err = run(
        "root", "sign", root, "--key", key, "--out", signed, env={PASSPHRASE_ENV: SECRET}
    )
    assert code == 0, out + err
    assert (
        json.loads(signed.read_text())["signatures"][0]["keyid"]
        == json.loads(pub.read_text())["keyid"]
    )


@pytest.mark.parametrize(
    ("env", "refusal"),
    [({}, "refused (KeyLocked)"), ({PASSPHRASE_ENV: "wrong"}, "refused (BadPassphrase)")],
)
def test_a_locked_key_without_the_right_passphrase_is_refused(
    tmp_path: Path, env: dict[str, str], refusal: str
) -> None:
    key = _new_key(tmp_path, "a", "--passphrase-env", "P", env={"P": SECRET})
    root = tmp_path / "root.json"
    assert (
        run(
            "root",
            "new",
            "--state",
            "FRA",
            "--threshold",
            "1",
            "--expires",
            "2099-01-01",
            "--key",
            key,
            "--out",
            root,
        )[0]
        == 0
    )
    code, _, err = run(
        "root",
        "sign",
        root,
        "--key",
        key,
        "--out",
        tmp_path / "s.json",
        env={PASSPHRASE_ENV: "", **env},
    )
    assert code == 1 and refusal in err
    assert "Traceback" not in err
    assert not (tmp_path / "s.json").exists()


def test_root_sign_refuses_a_root_with_two_thresholds(tmp_path: Path) -> None:
    """The reproduction of finding 6: ``"threshold": 1, "threshold": 2`` was signed as 2."""
    key = _new_key(tmp_path, "a")
    key_b = _new_key(tmp_path, "b")
    root = tmp_path / "root.json"
    assert (
        run(
            "root",
            "new",
            "--state",
            "FRA",
            "--threshold",
            "1",
            "--expires",
            "2099-01-01",
            "--key",
            key,
            "--key",
            key_b,
            "--out",
            root,
        )[0]
        == 0
    )
    text = root.read_text().replace('"threshold": 1', '"threshold": 1, "threshold": 2')
    root.write_text(text)
    code, _, err = run("root", "sign", root, "--key", key, "--out", tmp_path / "s.json")
    assert code == 1 and "duplicate key 'threshold'" in err
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("version", "11.0", "number 11.0 is not an integer"),
        ("threshold", "true", "root.threshold: must be an integer"),
    ],
)
def test_root_sign_refuses_floats_and_bools_for_integers(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    key = _new_key(tmp_path, "a")
    root = tmp_path / "root.json"
    assert (
        run(
            "root",
            "new",
            "--state",
            "FRA",
            "--threshold",
            "1",
            "--expires",
            "2099-01-01",
            "--key",
            key,
            "--out",
            root,
        )[0]
        == 0
    )
    document = json.loads(root.read_text())
    text = json.dumps(document).replace(f'"{field}": {document[field]}', f'"{field}": {value}')
    root.write_text(text)
    code, _, err = run("root", "sign", root, "--key", key, "--out", tmp_path / "s.json")
    assert code == 1 and message in err, err


def test_root_sign_refuses_a_root_nested_100000_deep(tmp_path: Path) -> None:
    key = _new_key(tmp_path, "a")
    root = tmp_path / "root.json"
    root.write_text('{"keys": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code, _, err = run("root", "sign", root, "--key", key, "--out", tmp_path / "s.json")
    assert code == 1 and "limit document_depth = 200 exceeded" in err
    assert "Traceback" not in err
