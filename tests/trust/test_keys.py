"""Ed25519 keys: full-hash key ids, verification errors, private-key files."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from cybernorms.trust import BadSignature, KeyFileError, MalformedDocument, PublicKey, SigningKey


def test_keyid_is_the_full_sha256_of_the_raw_key() -> None:
    key = SigningKey.generate("FRA")
    assert key.keyid == hashlib.sha256(key.public.raw).hexdigest()
    assert len(key.keyid) == 64 and key.public.keyid == key.keyid


def test_sign_and_verify() -> None:
    key = SigningKey.generate("FRA")
    signature = key.sign(b"message")
    key.public.verify(signature, b"message")
    with pytest.raises(BadSignature, match=f"signature by key {key.keyid} does not verify"):
        key.public.verify(signature, b"other message")
    with pytest.raises(BadSignature, match="63 bytes"):
        key.public.verify(signature[:-1], b"message")


def test_public_key_json_round_trip() -> None:
    public = SigningKey.generate("FRA").public
    data = public.to_json()
    assert data["keytype"] == "ed25519" and set(data) == {"keytype", "public"}
    assert PublicKey.from_json(data) == public
    assert hash(PublicKey.from_json(data)) == hash(public)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"keytype": "rsa", "public": "AAAA"}, "key.keytype"),
        ({"keytype": "ed25519", "public": "AAAA"}, "key.public: an Ed25519 public key is 32 bytes"),
        ({"keytype": "ed25519", "public": "not base64!"}, "key.public: invalid base64"),
        ({"keytype": "ed25519"}, "key.public"),
        ({"keytype": "ed25519", "public": "A" * 43 + "=", "x": 1}, "unexpected field"),
        ("ed25519:abc", "must be an object"),
    ],
)
def test_malformed_public_keys_name_the_field(data: object, message: str) -> None:
    with pytest.raises(MalformedDocument, match=message):
        PublicKey.from_json(data)


def test_save_and_load(tmp_path: Path) -> None:
    key = SigningKey.generate("FRA")
    path = tmp_path / "fra.key"
    key.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    record = json.loads(path.read_text())
    assert record["type"] == "cybernorms.private-key/1"
    assert (record["state"], record["keyid"]) == ("FRA", key.keyid)
    loaded = SigningKey.load(path)
    assert loaded.public == key.public and loaded.state == "FRA"
    assert loaded.sign(b"x") == key.sign(b"x")
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_save_never_creates_a_wider_mode_even_with_a_lax_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        SigningKey.generate("FRA").save(tmp_path / "k")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600


def test_save_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "fra.key"
    first, second = SigningKey.generate("FRA"), SigningKey.generate("FRA")
    first.save(path)
    with pytest.raises(KeyFileError, match="refusing to overwrite"):
        second.save(path)
    assert SigningKey.load(path).public == first.public
    second.save(path, overwrite=True)
    assert SigningKey.load(path).public == second.public


def test_load_refuses_a_key_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "fra.key"
    SigningKey.generate("FRA").save(path)
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="accessible by other users \\(mode 644\\)"):
        SigningKey.load(path)


def _write(path: Path, content: str) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    return path


def test_load_explains_what_is_wrong(tmp_path: Path) -> None:
    key = SigningKey.generate("FRA")
    good = tmp_path / "good.key"
    key.save(good)
    record = json.loads(good.read_text())
    cases = {
        "missing": (None, "cannot read private key"),
        "notjson": ("{", "not JSON"),
        "type": (json.dumps({**record, "type": "other"}), "type must be"),
        "field": (json.dumps({k: v for k, v in record.items() if k != "keyid"}), "missing field"),
        "b64": (json.dumps({**record, "private": "???"}), "bad private key"),
        "short": (json.dumps({**record, "private": "AAAA"}), "32 bytes"),
        "keyid": (json.dumps({**record, "keyid": "0" * 64}), "does not match the private key"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if content is not None:
            _write(path, content)
        with pytest.raises(KeyFileError, match=message):
            SigningKey.load(path)


def test_repr_never_shows_the_private_key() -> None:
    key = SigningKey.generate("FRA")
    assert "private" not in repr(key).lower()
    assert key.keyid in repr(key)


def test_signing_key_needs_a_label() -> None:
    with pytest.raises(ValueError, match="label"):
        SigningKey.generate("")
