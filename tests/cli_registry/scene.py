"""A scratch registry driven through the command line, shared by the registry CLI tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, select
from typer.testing import CliRunner

from cybernorms.cli.app import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()

PROFILE_V1 = """\
state: FRA
version: 1
effective_from: 2024-01-01
parameters:
  critical_sectors: [energy, health]
"""


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: equal snapshots mean an unchanged registry."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for name, table in sorted(meta.tables.items())
        }


def run(*args: str | Path) -> tuple[int, str, str]:
    """Run the CLI; an exception other than a deliberate exit (a traceback) fails the test."""
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: traceback instead of a refusal") from result.exception
    return result.exit_code, result.stdout, result.stderr


def ok(*args: str | Path) -> str:
    code, out, err = run(*args)
    assert code == 0, f"{args}: exit {code}\n{out}\n{err}"
    return out


class Scene:
    """A scratch directory with a registry in which FRA has a 2-of-2 root (keys a, b)."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.db = f"sqlite:///{directory / 'registry.db'}"
        ok("init", "--db", self.db)
        for name in ("a", "b"):
            ok("keys", "new", "--state", "FRA", "--out", directory / "keys", "--name", name)
        self.key_a, self.key_b = (directory / "keys" / f"{n}.key" for n in ("a", "b"))
        ok(
            "root", "new", "--state", "FRA", "--threshold", "2", "--expires", "2099-01-01",
            "--key", directory / "keys" / "a.pub", "--key", directory / "keys" / "b.pub",
            "--out", directory / "root.json",
        )  # fmt: skip
        ok("root", "sign", directory / "root.json", "--key", self.key_a, "--key", self.key_b,
           "--out", directory / "root.signed.json")  # fmt: skip
        ok("root", "publish", directory / "root.signed.json", "--db", self.db)

    def path(self, name: str) -> Path:
        return self.dir / name

    def write(self, name: str, content: str) -> Path:
        self.path(name).write_text(content, encoding="utf-8")
        return self.path(name)

    def signed_profile(self, version: int, *keys: Path, **fields: str) -> Path:
        """Write profile ``version`` of FRA as YAML (``fields`` override or add top-level
        lines) and sign it with ``keys`` (default: both root keys)."""
        lines = {"state": "FRA", "version": str(version), "effective_from": "2024-01-01"}
        lines.update(fields)
        body = "".join(f"{k}: {v}\n" for k, v in lines.items())
        body += "parameters:\n  critical_sectors: [energy, health]\n"
        source = self.write(f"fra-v{version}.yaml", body)
        out = self.path(f"fra-v{version}.signed.json")
        args: list[str | Path] = ["profile", "sign", source, "--out", out]
        for key in keys or (self.key_a, self.key_b):
            args += ["--key", key]
        ok(*args)
        return out

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        engine = create_engine(self.db)
        try:
            return snapshot(engine)
        finally:
            engine.dispose()

    def refused(self, args: tuple[str | Path, ...], reason: str | None, *words: str) -> str:
        """Run a command that must be refused: exit 1, ``refused (reason):`` on stderr (with
        ``reason`` None: ``error: FILE...`` lines for a document's problems), every word of
        ``words`` in the message, and the registry unchanged."""
        before = self.snapshot()
        code, _, err = run(*args)
        assert code == 1, f"{args}: exit {code}, stderr {err}"
        if reason is None:
            assert err.startswith("error: "), err
        else:
            assert f"refused ({reason}):" in err, err
        for word in words:
            assert word in err, f"{word!r} not in {err}"
        assert self.snapshot() == before, "a refused command changed the registry"
        return err


DEMO_PACKAGE = """\
package: demo
version: {version}
title: Demo
rules:
  - id: demo.direct
    title: Direct attribution
    kind: law
    subject: attribution.state
    source: our own
    text: (our own) an operation by a state's organs.
    violated_when: {violated_when}
"""

DEMO_EXAMPLES = """\
- name: an operation by state organs
  incident: {{id: ex:demo-1, attribution: {{state: RUS, level: direct}}}}
  expect:
    - {{rule: demo.direct, subject: RUS, outcome: {outcome}}}
"""


def demo_package(
    scene: Scene,
    *,
    version: str = "1.0.0",
    violated_when: str = 'attribution.level == "direct"',
    outcome: str = "violation",
) -> Path:
    """A one-rule package with one example, laid out as in a rulebook (NAME/package.yaml)."""
    directory = scene.path("demo")
    directory.mkdir(exist_ok=True)
    (directory / "examples.yaml").write_text(DEMO_EXAMPLES.format(outcome=outcome))
    package = directory / "package.yaml"
    package.write_text(DEMO_PACKAGE.format(version=version, violated_when=violated_when))
    return package
