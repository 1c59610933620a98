"""``cybernorms serve`` starts the API with one command, on loopback, and refuses to start
without a registry."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from cybernorms.store import Registry

CYBERNORMS = str(Path(sys.executable).parent / "cybernorms")  # the installed console script


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_the_api_on_loopback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    Registry.init(url).close()
    port = _free_port()
    env = {**os.environ, "CYBERNORMS_DB": url}
    mine = tmp_path / "incidents"
    mine.mkdir()
    (mine / "one.yaml").write_text("id: ex:served-here\nstart_date: 2024-01-01\n", "utf-8")
    command = [CYBERNORMS, "serve", "--port", str(port), "--incidents", str(mine)]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as server:
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    docs = httpx.get(f"http://127.0.0.1:{port}/docs", timeout=2)
                    break
                except httpx.TransportError:
                    assert server.poll() is None, server.stderr.read() if server.stderr else ""
                    assert time.monotonic() < deadline, "the server did not start in 30 s"
                    time.sleep(0.2)
            assert docs.status_code == 200
            spec = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).json()
            assert "/v1/acts" in spec["paths"]
            home = httpx.get(f"http://127.0.0.1:{port}/", timeout=30, follow_redirects=True)
            assert home.url.path == "/web/" and "ex:served-here" in home.text  # --incidents
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_serve_refuses_to_start_without_a_registry(tmp_path: Path) -> None:
    env = {**os.environ, "CYBERNORMS_DB": f"sqlite:///{tmp_path / 'none.db'}"}
    done = subprocess.run(
        [CYBERNORMS, "serve", "--port", "0"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "refused (NotInitialised)" in done.stderr


def test_serve_refuses_a_missing_incidents_path(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    Registry.init(url).close()
    command = [CYBERNORMS, "serve", "--db", url, "--incidents", str(tmp_path / "none")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "--incidents" in done.stderr and "no such file or directory" in done.stderr


def test_serve_refuses_to_start_without_the_logs_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    Registry.init(url).close()
    command = [CYBERNORMS, "serve", "--db", url, "--port", "0", "--log-key", str(tmp_path / "none")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "refused (LogKeyUnavailable)" in done.stderr
