"""Who authored an act, as data, and the authenticated record the fold reads.

The fold never verifies a signature: that happens before, outside this module (a state's act
under its root's threshold, a secretariat's or depositary's under theirs; FORUM.md invariant
8). What reaches the fold is a ``Record``: the parsed act, the author whose signature was
verified, and where and when the log put it. The fold then checks that this author may author
this act (``WrongAuthor``, ``NotAMember``...).

An act can also be recorded *on someone's behalf* from public sources (a UN document, a
meeting record): ``RecordedFromPublicSources`` names who recorded it, from which source, and
when the act took place. The fold treats it as an act of the one it is recorded for, but the
record is never signed by them and every output says so (``Record.attribution``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from cybernorms.forum.acts import Act, Slug, State, Strict, Text


class StateAuthor(Strict):
    """A state, its act signed under its root's threshold."""

    author: Literal["state"]
    state: State


class Secretariat(Strict):
    """A forum's own identity (its root), for procedural acts: create the forum, open and
    close calls, record outcomes, a chair's summary."""

    author: Literal["secretariat"]
    forum: Slug


class Depositary(Strict):
    """A treaty's depositary, recording instruments it received and notifying entry into
    force."""

    author: Literal["depositary"]
    depositary: Slug


Signer = Annotated[StateAuthor | Secretariat | Depositary, Field(discriminator="author")]


class RecordedFromPublicSources(Strict):
    """An act recorded on ``on_behalf_of``'s behalf by ``by`` from ``source`` (a URL or a
    document symbol), which took place at ``occurred_at``. Signed by ``by``, never by the one
    it is recorded for."""

    author: Literal["public_sources"]
    on_behalf_of: Signer
    by: Slug
    source: Text
    occurred_at: AwareDatetime


Author = Annotated[
    StateAuthor | Secretariat | Depositary | RecordedFromPublicSources,
    Field(discriminator="author"),
]


def acting_for(author: Author) -> StateAuthor | Secretariat | Depositary:
    """The one the act counts as coming from (for a public-sources record: its principal)."""
    if isinstance(author, RecordedFromPublicSources):
        return author.on_behalf_of
    return author


def signer_key(author: Author) -> str:
    """Whose sequence numbers an act advances: the identity that signed it."""
    if isinstance(author, RecordedFromPublicSources):
        return f"recorder:{author.by}"
    return principal_key(author)


def principal_key(author: StateAuthor | Secretariat | Depositary) -> str:
    if isinstance(author, StateAuthor):
        return f"state:{author.state}"
    if isinstance(author, Secretariat):
        return f"secretariat:{author.forum}"
    return f"depositary:{author.depositary}"


def describe(author: Author) -> str:
    """How outputs name the author; a public-sources record never reads as signed by them."""
    if isinstance(author, RecordedFromPublicSources):
        return (
            f"{describe(author.on_behalf_of)} (recorded from public sources by {author.by}: "
            f"{author.source}; not signed by {_short(author.on_behalf_of)})"
        )
    if isinstance(author, StateAuthor):
        return author.state
    if isinstance(author, Secretariat):
        return f"secretariat of {author.forum}"
    return f"depositary {author.depositary}"


def _short(author: StateAuthor | Secretariat | Depositary) -> str:
    if isinstance(author, StateAuthor):
        return author.state
    return describe(author)


@dataclass(frozen=True)
class Record:
    """One authenticated act as the log holds it.

    ``logged_at`` is when the registry accepted it; ``acted_at`` when the act took place
    (the same, except for acts recorded from public sources, which say when they occurred).
    Periods of calls are measured in ``acted_at``; the log's order in ``log_index`` and
    ``logged_at``.
    """

    act: Act
    author: Author
    log_index: int
    logged_at: datetime

    def __post_init__(self) -> None:
        if self.logged_at.tzinfo is None:
            raise ValueError("Record.logged_at must be timezone-aware")

    @property
    def acted_at(self) -> datetime:
        if isinstance(self.author, RecordedFromPublicSources):
            return self.author.occurred_at.astimezone(UTC)
        return self.logged_at.astimezone(UTC)

    @property
    def signed_by_principal(self) -> bool:
        """False for a record made from public sources: the principal signed nothing."""
        return not isinstance(self.author, RecordedFromPublicSources)

    @property
    def attribution(self) -> str:
        return describe(self.author)
