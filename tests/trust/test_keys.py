"""Ed25519 keys: full-hash key ids, verification errors, private-key files."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from cybernorms.trust import (
    BadPassphrase,
    BadSignature,
    KeyFileError,
    KeyLocked,
    MalformedDocument,
    PublicKey,
    SigningKey,
    load_public_key,
)
from cybernorms.trust.encoding import encode_base64


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


# -- private keys encrypted at rest (issue 14, finding 9) ---------------------------------------

PASSPHRASE = b"correct horse battery staple"


def test_an_encrypted_key_round_trips_with_its_passphrase(tmp_path: Path) -> None:
    key = SigningKey.generate("FRA")
    path = tmp_path / "fra.key"
    key.save(path, PASSPHRASE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SigningKey.is_encrypted(path)
    loaded = SigningKey.load(path, PASSPHRASE)
    assert loaded.public == key.public and loaded.state == "FRA"
    assert loaded.sign(b"m") == key.sign(b"m")


def test_an_encrypted_key_file_holds_no_readable_private_key(tmp_path: Path) -> None:
    key = SigningKey.generate("FRA")
    path = tmp_path / "fra.key"
    key.save(path, PASSPHRASE)
    record = json.loads(path.read_text())
    assert set(record) == {"type", "state", "keyid", "public", "encrypted_pkcs8"}
    assert record["encrypted_pkcs8"].startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert encode_base64(key._seed()) not in path.read_text()
    # The public half is readable without the passphrase (``root new`` needs only that).
    assert load_public_key(path) == key.public


def test_a_locked_key_without_a_passphrase_is_a_named_refusal(tmp_path: Path) -> None:
    path = tmp_path / "fra.key"
    SigningKey.generate("FRA").save(path, PASSPHRASE)
    with pytest.raises(KeyLocked, match="private key is encrypted; give its passphrase") as refused:
        SigningKey.load(path)
    assert refused.value.refusal == "KeyLocked"


def test_a_wrong_passphrase_is_a_named_refusal(tmp_path: Path) -> None:
    path = tmp_path / "fra.key"
    SigningKey.generate("FRA").save(path, PASSPHRASE)
    with pytest.raises(BadPassphrase, match="passphrase does not decrypt") as refused:
        SigningKey.load(path, b"wrong horse")
    assert refused.value.refusal == "BadPassphrase"


def test_an_unencrypted_key_ignores_a_passphrase(tmp_path: Path) -> None:
    key = SigningKey.generate("FRA")
    path = tmp_path / "fra.key"
    key.save(path)
    assert not SigningKey.is_encrypted(path)
    assert SigningKey.load(path, PASSPHRASE).public == key.public


def test_an_empty_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="empty passphrase"):
        SigningKey.generate("FRA").save(tmp_path / "k", b"")
    assert not (tmp_path / "k").exists()


def test_an_encrypted_key_of_another_key_id_or_public_key_is_refused(tmp_path: Path) -> None:
    key, other = SigningKey.generate("FRA"), SigningKey.generate("FRA")
    path = tmp_path / "fra.key"
    key.save(path, PASSPHRASE)
    record = json.loads(path.read_text())
    cases = {
        "keyid": ({**record, "keyid": other.keyid}, "does not match the private key"),
        "public": (
            {**record, "public": encode_base64(other.public.raw)},
            "public does not match",
        ),
        "pem": ({**record, "encrypted_pkcs8": "garbage"}, "bad encrypted private key"),
        "extra": ({**record, "private": "AAAA"}, r"unexpected field\(s\) \['private'\]"),
    }
    for name, (content, message) in cases.items():
        target = _write(tmp_path / name, json.dumps(content))
        with pytest.raises(KeyFileError, match=message):
            SigningKey.load(target, PASSPHRASE)


def test_an_encrypted_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fra.key"
    SigningKey.generate("FRA").save(path, PASSPHRASE)
    path.chmod(0o640)
    with pytest.raises(KeyFileError, match="accessible by other users"):
        SigningKey.load(path, PASSPHRASE)


def test_a_passphrase_function_is_called_only_for_an_encrypted_key(tmp_path: Path) -> None:
    asked: list[str] = []

    def ask() -> bytes:
        asked.append("asked")
        return PASSPHRASE

    plain, sealed = tmp_path / "plain.key", tmp_path / "sealed.key"
    SigningKey.generate("FRA").save(plain)
    SigningKey.generate("FRA").save(sealed, PASSPHRASE)
    SigningKey.load(plain, ask)
    assert asked == []
    SigningKey.load(sealed, ask)
    assert asked == ["asked"]
    with pytest.raises(KeyLocked):
        SigningKey.load(sealed, lambda: None)
