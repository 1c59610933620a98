"""``cybernorms serve``: the HTTP API (``cybernorms.api``) on uvicorn.

FastAPI and uvicorn are imported inside the command, never at module level, so that
``cybernorms --help`` stays fast (``tests/cli/test_startup.py``); they come with the ``api``
extra (``pip install 'cybernorms[api]'``), and without it the command says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from cybernorms.cli.helpscreen import Command

DB_HELP = "Registry database URL (default: $CYBERNORMS_DB, else sqlite:///cybernorms.db)."


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the root command."""

    @app.command(cls=Command)
    def serve(
        db: str | None = typer.Option(None, "--db", envvar="CYBERNORMS_DB", help=DB_HELP),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port."),
        log_key: Path | None = typer.Option(
            None,
            "--log-key",
            help="File of the log's checkpoint signing key (default: where `init` put it, "
            "or $CYBERNORMS_LOG_KEY_FILE).",
        ),
        rulebooks: Path | None = typer.Option(
            None, "--rulebooks", help="Rulebook directory evaluation reads (default: shipped)."
        ),
        incidents: Path | None = typer.Option(
            None,
            "--incidents",
            metavar="PATH",
            help="Incident files or directory the web dashboard browses (default: the "
            "checkout's examples/incidents).",
        ),
        request_bytes: int | None = typer.Option(
            None, "--max-request-bytes", min=1, help="Largest request body (default: limits)."
        ),
        request_incidents: int | None = typer.Option(
            None,
            "--max-request-incidents",
            min=1,
            help="Most incidents in one evaluate request (default: limits).",
        ),
    ) -> None:
        """Serve the registry, its log (C2SP tlog-tiles) and evaluation over HTTP."""
        try:
            import uvicorn

            from cybernorms.api.app import create_app
            from cybernorms.api.settings import Settings
        except ImportError as exc:  # the api extra is not installed
            typer.echo(
                f"error: the HTTP API needs the 'api' extra ({exc.name} is missing): "
                "pip install 'cybernorms[api]'",
                err=True,
            )
            raise typer.Exit(1) from exc
        from dataclasses import replace

        from cybernorms.limits import LIMITS
        from cybernorms.store import Registry

        limits: Any = LIMITS
        if request_bytes is not None:
            limits = replace(limits, request_bytes=request_bytes)
        if request_incidents is not None:
            limits = replace(limits, request_incidents=request_incidents)
        # Refuse to start on a missing registry (`cybernorms init`) or without the log's key:
        # every publication is answered under a checkpoint the server signs.
        with Registry.open(db, log_key_file=log_key) as registry:
            registry.require_signer()
        if incidents is not None and not incidents.exists():
            typer.echo(f"error: --incidents {incidents}: no such file or directory", err=True)
            raise typer.Exit(1)
        settings = Settings(
            db_url=db, log_key=log_key, limits=limits, rulebooks=rulebooks, incidents=incidents
        )
        typer.echo(
            f"cybernorms API on http://{host}:{port} (dashboard: /web/, docs: /docs, "
            "OpenAPI: /openapi.json)"
        )
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
