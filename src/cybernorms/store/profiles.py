"""What the evaluation core asks the registry for: every state's profile in force on a date.

The engine's CLI calls ``profiles_as_of(db_url, as_of)`` and hands the result to the engine
(``cybernorms.engine.profiles.ProfileBook`` takes an iterable of ``Profile``); the core itself
never imports the store.
"""

from __future__ import annotations

import datetime as dt

from cybernorms.model.profile import Profile
from cybernorms.store.registry import Registry


def profiles_as_of(db_url: str | None, as_of: dt.date) -> dict[str, Profile]:
    """Each state's profile in force on ``as_of``, keyed by ISO3 code.

    For every state with a published profile, the highest version whose own dates put it in
    force that day (``effective_from <= as_of`` and ``as_of < expires`` when it expires), in
    the sense of ``Profile.in_force``. States with no version in force are absent: the engine
    then uses the package defaults and its traces say so (``STATE@default``).

    Every profile returned is verified again on the way out: its envelope matches its log
    entry, and its signatures meet the threshold of the state's root that accepted it (the root
    chain itself re-verified), as of the moment it was logged. The dates are the documents'
    own: a version published today with ``effective_from`` in 2019 counts for 2019 (the log
    records when it was published, for anyone who needs to know).

    ``db_url``: a SQLAlchemy URL (``sqlite:///cybernorms.db``, ``postgresql+psycopg://...``);
    ``None`` means ``$CYBERNORMS_DB`` or the default ``sqlite:///cybernorms.db``.

    Raises ``NotInitialised`` when there is no registry at ``db_url``, and
    ``LogIntegrityError`` when a stored profile fails its re-check (the database was altered
    outside the registry): never a silently older profile.
    """
    with Registry.open(db_url) as registry:
        return {state: stored.profile for state, stored in registry.profiles_as_of(as_of).items()}
