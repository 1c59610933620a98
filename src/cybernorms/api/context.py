"""What every route shares: the settings and the open registry, reached through a dependency.

Why lazy: the registry is opened on the first request that needs it, so an app can be built
(and its OpenAPI served) without a database, and a request made before ``cybernorms init``
gets the store's own refusal (``NotInitialised``, a 503 problem document) instead of a server
that would not start.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, cast

from fastapi import Request

from cybernorms.api.settings import Settings

if TYPE_CHECKING:
    from cybernorms.model.profile import Profile
    from cybernorms.store import Registry, StoredCheckpoint

_KEEP_PROFILE_SETS = 8


class Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._registry: Registry | None = None
        self._lock = threading.Lock()
        # Held around calls into the evaluation service: its caches (remembered rulebooks and
        # compiled evaluators, ``service.loading`` / ``service.evaluating``) are plain dicts
        # made for one caller at a time, and routes run in a thread pool. The engine is
        # CPU-bound Python, so under the GIL the lock costs little throughput.
        self.service_lock = threading.Lock()
        self._profiles: OrderedDict[tuple[int, dt.date], list[Profile]] = OrderedDict()

    def registry(self) -> Registry:
        """The registry at ``settings.db_url``, opened once (``NotInitialised`` until it is)."""
        with self._lock:
            if self._registry is None:
                from cybernorms.store import Registry

                self._registry = Registry.open(
                    self.settings.db_url, log_key_file=self.settings.log_key
                )
            return self._registry

    def profiles(self, checkpoint: StoredCheckpoint | None, on: dt.date) -> list[Profile]:
        """The registry's profiles in force on ``on`` among those ``checkpoint`` covers.

        Remembered per (checkpoint size, date): the log only grows, so the answer for one
        size never changes, and handing out the same objects lets the service reuse its
        compiled evaluator (it is keyed on the profiles' identity); re-reading and
        re-verifying them for each request made an evaluation cost a compilation.
        """
        size = 0 if checkpoint is None else checkpoint.checkpoint.size
        key = (size, on)
        with self._lock:
            found = self._profiles.get(key)
            if found is not None:
                self._profiles.move_to_end(key)
                return found
        stored = self.registry().profiles_as_of(on) if size else {}
        found = [p.profile for p in stored.values() if p.log_index < size]
        with self._lock:
            self._profiles[key] = found
            while len(self._profiles) > _KEEP_PROFILE_SETS:
                self._profiles.popitem(last=False)
        return found

    def close(self) -> None:
        with self._lock:
            if self._registry is not None:
                self._registry.close()
                self._registry = None


def context(request: Request) -> Context:
    """FastAPI dependency: the app's ``Context``."""
    return cast(Context, request.app.state.context)  # set by create_app
