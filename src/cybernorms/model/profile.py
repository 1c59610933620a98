"""Sovereign profiles: a state's own parameters for its cyberspace (DESIGN section 7).

Only the state itself sets these (the trust layer enforces that with its keys); the engine
only reads them. A rule never hard-codes which sectors are critical for a state: it asks
``profile(t.country).critical_sectors``, and the answer comes from that state's profile in force
on the evaluation date; where the state has published none, the parameter is unknown
(``UKR@unpublished``), and the package's ``defaults`` stand in only under an explicit
assumption that every verdict they decide names (``UKR@assumed:defaults``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from cybernorms.model.facts import Sector, _dedupe_sorted

SovereigntyView = Literal["rule", "principle", "digital_sovereignty"]
Settled = Literal["yes", "no", "unsettled"]


class ProfileParameters(BaseModel):
    """The parameters a rule may read with ``profile(STATE).NAME``; each may be unpublished."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    critical_sectors: Annotated[list[Sector] | None, BeforeValidator(_dedupe_sorted)] = None
    certs: list[str] | None = Field(
        default=None, description="names of the CERTs/CSIRTs the state recognises"
    )
    points_of_contact: list[str] | None = None
    assistance_response_days: Annotated[int | None, Field(ge=0)] = None
    sovereignty_view: SovereigntyView | None = None
    due_diligence_binding: Settled | None = None
    countermeasures_applicable: Settled | None = None


class Profile(BaseModel):
    """One version of one state's profile, in force from ``effective_from``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    state: str
    version: Annotated[int, Field(ge=1)]
    effective_from: dt.date
    expires: dt.date | None = None
    illustrative: bool = Field(
        default=False,
        description="true for the examples shipped with cybernorms: not the state's own text",
    )
    sources: list[str] = Field(default_factory=list)
    parameters: ProfileParameters = Field(default_factory=ProfileParameters)

    @property
    def label(self) -> str:
        """How verdicts cite this profile: ``STATE@VERSION``."""
        return f"{self.state}@{self.version}"

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.expires is None or on < self.expires)
