"""What every route shares: the settings and the open registry, reached through a dependency.

Why lazy: the registry is opened on the first request that needs it, so an app can be built
(and its OpenAPI served) without a database, and a request made before ``cybernorms init``
gets the store's own refusal (``NotInitialised``, a 503 problem document) instead of a server
that would not start.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from fastapi import Request

from cybernorms.api.settings import Settings

if TYPE_CHECKING:
    from cybernorms.store import Registry


class Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._registry: Registry | None = None
        self._lock = threading.Lock()

    def registry(self) -> Registry:
        """The registry at ``settings.db_url``, opened once (``NotInitialised`` until it is)."""
        with self._lock:
            if self._registry is None:
                from cybernorms.store import Registry

                self._registry = Registry.open(self.settings.db_url)
            return self._registry

    def close(self) -> None:
        with self._lock:
            if self._registry is not None:
                self._registry.close()
                self._registry = None


def context(request: Request) -> Context:
    """FastAPI dependency: the app's ``Context``."""
    found = request.app.state.context
    assert isinstance(found, Context)
    return found
