"""A rulebook directory: packages, positions, profiles and their examples, found by layout.

Layout (docs/rule-language.md): ``NAME/package.yaml`` (+ ``NAME/examples.yaml``),
``positions/ISO3.yaml`` (+ ``positions/ISO3.examples.yaml``), ``profiles/*.yaml``. Loading
collects every problem in every file before failing, so ``cybernorms check`` can list them
all at once.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from cybernorms.model.documents import DocumentError, Problem, load_file
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.states import KnownState, State
from cybernorms.rules.package import Package, Position, load_packages, load_position

EXAMPLES_SUFFIX = ".examples.yaml"


def default_rulebooks_dir() -> Path:
    """``$CYBERNORMS_RULEBOOKS``, else the rulebooks shipped inside the package.

    Why package data: an installed wheel has no checkout around it; the shipped rulebooks
    travel in ``cybernorms/rulebooks/`` (the checkout's top-level ``rulebooks`` is a link to
    it, so the README's paths still work)."""
    env = os.environ.get("CYBERNORMS_RULEBOOKS")
    if env:
        return Path(env)
    shipped = resources.files("cybernorms").joinpath("rulebooks")
    if not isinstance(shipped, Path):  # a zipped install: the loader reads directories
        raise DocumentError(
            [
                Problem(
                    str(shipped), "shipped rulebooks are not a directory; set CYBERNORMS_RULEBOOKS"
                )
            ]
        )
    return shipped


class Expectation(BaseModel):
    """One expected verdict of an example."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    subject: State = None
    outcome: str
    basis: str | None = None
    missing: list[str] | None = None


class Example(BaseModel):
    """An example incident with the verdicts it must produce: a rule's specification."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    incident: Incident
    positions: list[KnownState] = Field(default_factory=list)
    as_of: dt.date | None = None
    expect: Annotated[list[Expectation], Field(min_length=1)]


@dataclass
class ExampleFile:
    path: Path
    owner: str  # the package id or "position:ISO3"
    examples: list[tuple[Example, str]]  # with the location of each example


@dataclass
class Rulebooks:
    """Everything loaded from one rulebook directory."""

    root: Path
    packages: list[Package] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    examples: list[ExampleFile] = field(default_factory=list)

    def package(self, package_id: str) -> Package:
        for p in self.packages:
            if p.id == package_id:
                return p
        known = ", ".join(p.id for p in self.packages)
        raise KeyError(f"no package {package_id!r} (loaded: {known})")

    def position(self, state: str) -> Position:
        for p in self.positions:
            if p.state == state.upper():
                return p
        known = ", ".join(p.state for p in self.positions) or "none"
        raise KeyError(f"no position of {state!r} (loaded: {known})")


def load_rulebooks(root: Path | str | None = None, *, with_examples: bool = True) -> Rulebooks:
    """Load a rulebook directory; raises ``DocumentError`` listing every problem found."""
    base = Path(root) if root is not None else default_rulebooks_dir()
    if not base.is_dir():
        raise DocumentError([Problem(str(base), "rulebook directory not found")])
    problems: list[Problem] = []
    books = Rulebooks(base)
    package_files = sorted(base.glob("*/package.yaml"))
    try:
        books.packages = load_packages(package_files)
    except DocumentError as exc:
        problems.extend(exc.problems)
    for path in sorted((base / "positions").glob("*.yaml")):
        if path.name.endswith(EXAMPLES_SUFFIX):
            continue
        try:
            books.positions.append(load_position(path, books.packages))
        except DocumentError as exc:
            problems.extend(exc.problems)
    for path in sorted((base / "profiles").glob("*.yaml")):
        try:
            books.profiles.extend(load_profiles(path))
        except DocumentError as exc:
            problems.extend(exc.problems)
    if with_examples:
        for path in package_files:
            examples = path.parent / "examples.yaml"
            if examples.exists():
                _add_examples(books, examples, path.parent.name, problems)
        for path in sorted((base / "positions").glob(f"*{EXAMPLES_SUFFIX}")):
            state = path.name.removesuffix(EXAMPLES_SUFFIX)
            _add_examples(books, path, f"position:{state}", problems)
    if problems:
        raise DocumentError(problems)
    return books


def load_profiles(path: Path | str) -> list[Profile]:
    """Profiles from one file (one profile or a list of versions)."""
    doc = load_file(path)
    values = doc.value if isinstance(doc.value, list) else [doc.value]
    problems: list[Problem] = []
    out: list[Profile] = []
    for i, value in enumerate(values):
        where: tuple[str | int, ...] = (i,) if isinstance(doc.value, list) else ()
        if not isinstance(value, dict):
            problems.append(Problem(doc.where(where), "expected a profile (a mapping)"))
            continue
        try:
            out.append(doc.validate(Profile, where))
        except DocumentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DocumentError(problems)
    return out


def load_examples(path: Path | str) -> list[tuple[Example, str]]:
    doc = load_file(path)
    if not isinstance(doc.value, list):
        raise DocumentError([Problem(doc.source, "an examples file is a list of examples")])
    problems: list[Problem] = []
    out: list[tuple[Example, str]] = []
    for i in range(len(doc.value)):
        try:
            out.append((doc.validate(Example, (i,)), doc.where((i,))))
        except DocumentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DocumentError(problems)
    return out


def _add_examples(books: Rulebooks, path: Path, owner: str, problems: list[Problem]) -> None:
    try:
        books.examples.append(ExampleFile(path, owner, load_examples(path)))
    except DocumentError as exc:
        problems.extend(exc.problems)
