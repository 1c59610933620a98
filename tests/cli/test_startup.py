"""``cybernorms --help`` loads no database, solver or bulk engine (issue 7: help under 0.3 s;
the time itself is measured, not asserted: see the report of the cli-service branch)."""

from __future__ import annotations

import subprocess
import sys

import typer
from typer.testing import CliRunner

from cybernorms.cli.app import LAZY, app

HEAVY = (
    "sqlalchemy",
    "alembic",
    "z3",
    "duckdb",
    "pyspark",
    "cybernorms.store",
    "cybernorms.engine",
)


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY))


def test_importing_the_cli_loads_nothing_heavy() -> None:
    assert _heavy(_modules_after("import cybernorms.cli.app")) == []


def test_help_loads_nothing_heavy() -> None:
    code = (
        "from cybernorms.cli.app import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert _heavy(_modules_after(code)) == []


def test_the_lazy_commands_are_listed_as_their_module_defines_them() -> None:
    """``LAZY`` lists a family's commands without importing it: it must match the module."""
    modules = {module for module, _ in LAZY.values()}
    for module in modules:
        family = typer.Typer()
        __import__(module, fromlist=["register"]).register(family)
        group = typer.main.get_group(family)
        assert isinstance(group, typer.core.TyperGroup)
        real = {
            name: (cmd.help or "").strip().splitlines()[0] for name, cmd in group.commands.items()
        }
        listed = {name: text for name, (mod, text) in LAZY.items() if mod == module}
        assert listed == real


def test_help_lists_every_command_and_a_lazy_command_runs() -> None:
    runner = CliRunner()
    listing = runner.invoke(app, ["--help"])
    assert listing.exit_code == 0
    for name in (*LAZY, "evaluate", "explain", "check", "analyze", "diff", "agreement"):
        assert f" {name} " in listing.stdout, name
    sub = runner.invoke(app, ["keys", "--help"])
    assert sub.exit_code == 0 and "new" in sub.stdout


def test_the_root_help_names_no_python_type() -> None:
    """Issue 11: the root screen's flags read like every command's (no ``<bool>`` column)."""
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "--version" in result.output and "--debug" in result.output
    assert "<bool>" not in result.output


def test_evaluate_offers_the_explicit_assumption_of_defaults() -> None:
    result = CliRunner().invoke(app, ["evaluate", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--assume-defaults" in result.output and "<bool>" not in result.output
