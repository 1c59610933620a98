"""The README's HTTP API section as a test: the walk-through's signed files made by
the CLI, published over HTTP, read back, proved, and a rollback refused with its reason."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cybernorms.api.app import create_app
from cybernorms.api.settings import Settings
from cybernorms.cli.app import app as cli
from cybernorms.store import Registry

from .test_acts import refused

JSON = {"content-type": "application/json"}


def _cli(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_the_walkthrough_documents_published_over_http(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    monkeypatch.setenv("CYBERNORMS_DB", url)
    Registry.init(url).close()
    for n in ("1", "2"):
        _cli("keys", "new", "--state", "FRA", "--out", "keys", "--name", f"fra-{n}")
    _cli(
        "root",
        "new",
        "--state",
        "FRA",
        "--key",
        "keys/fra-1.pub",
        "--key",
        "keys/fra-2.pub",
        "--threshold",
        "2",
        "--expires",
        "2036-01-01",
        "--out",
        "fra-root.json",
    )
    _cli(
        "root",
        "sign",
        "fra-root.json",
        "--key",
        "keys/fra-1.key",
        "--key",
        "keys/fra-2.key",
        "--out",
        "fra-root.signed.json",
    )
    (tmp_path / "fra-v1.yaml").write_text(
        "state: FRA\nversion: 1\neffective_from: 2024-01-01\n"
        "parameters:\n  critical_sectors: [energy, health, telecom]\n  certs: [CERT-FR]\n"
    )
    _cli(
        "profile",
        "sign",
        "fra-v1.yaml",
        "--key",
        "keys/fra-1.key",
        "--key",
        "keys/fra-2.key",
        "--out",
        "fra-v1.signed.json",
    )

    with TestClient(create_app(Settings(db_url=url))) as client:
        root = client.post(
            "/v1/acts", content=(tmp_path / "fra-root.signed.json").read_bytes(), headers=JSON
        )
        assert root.status_code == 201 and root.json()["index"] == 0
        profile = client.post(
            "/v1/acts", content=(tmp_path / "fra-v1.signed.json").read_bytes(), headers=JSON
        )
        assert profile.status_code == 201 and profile.json()["index"] == 1
        again = client.post(
            "/v1/acts", content=(tmp_path / "fra-v1.signed.json").read_bytes(), headers=JSON
        )
        refused(again, 409, "RollbackAttempt")
        shown = client.get("/v1/states/FRA/profiles", params={"as_of": "2024-06-01"}).json()
        assert shown["profiles"][0]["document"]["parameters"]["certs"] == ["CERT-FR"]
        assert client.get("/log/proof/1").text.startswith("c2sp.org/tlog-proof@v1\nindex 1\n")
        (tmp_path / "receipt.json").write_text(json.dumps(profile.json()["receipt"]))
        (tmp_path / "log.vkey").write_text(client.get("/log/key").text)
    # The receipt the API gave is the one `cybernorms verify` checks offline.
    monkeypatch.delenv("CYBERNORMS_DB")
    _cli(
        "verify",
        "receipt.json",
        "--log-key",
        "log.vkey",
        "--root",
        "fra-root.signed.json",
    )
