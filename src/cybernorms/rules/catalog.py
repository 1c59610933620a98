"""A rulebook directory: packages, positions, profiles and their examples, found by layout.

Layout (docs/rule-language.md): ``NAME/package.yaml`` (+ ``NAME/examples.yaml``),
``positions/ISO3.yaml`` (+ ``positions/ISO3.examples.yaml``), ``profiles/*.yaml``. Loading
collects every problem in every file before failing, so ``cybernorms check`` can list them
all at once.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from cybernorms.model.documents import DocumentError, Problem, load_file
from cybernorms.model.facts import Incident
from cybernorms.model.profile import Profile
from cybernorms.model.readers import Reader, reader_id, reading_basis
from cybernorms.model.schema_versions import upgrade
from cybernorms.model.states import State
from cybernorms.model.verdict import parse_word
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
    # The verdict's reason (a position's no_rule or holds_open), checked when given.
    reason: str | None = None


class Example(BaseModel):
    """An example incident with the verdicts it must produce: a rule's specification."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    # An example may be written in fact schema v1 (mapped) or v2; mixing them is refused.
    incident: Annotated[Incident, BeforeValidator(upgrade)]
    positions: list[Reader] = Field(default_factory=list)
    as_of: dt.date | None = None
    # Evaluate under the explicit assumption that package defaults stand in (--assume-defaults).
    assume_defaults: bool = False
    expect: Annotated[list[Expectation], Field(min_length=1)]


@dataclass
class ExampleFile:
    path: Path
    owner: str  # the package id, or the basis of a position ("position:ISO3", "group:NAME")
    examples: list[tuple[Example, str]]  # with the location of each example


@dataclass
class Rulebooks:
    """Everything loaded from one or more rulebook directories (and single files)."""

    root: Path
    packages: list[Package] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    examples: list[ExampleFile] = field(default_factory=list)
    # Every directory read, in order (``root`` is the first): a composed set names them all.
    roots: tuple[Path, ...] = ()
    # What a file given by path replaced in the directories ("FILE replaces the position of
    # NLD in DIR/positions/NLD.yaml"), for front ends to say.
    replaced: list[str] = field(default_factory=list)

    def package(self, package_id: str) -> Package:
        for p in self.packages:
            if p.id == package_id:
                return p
        known = ", ".join(p.id for p in self.packages)
        raise KeyError(f"no package {package_id!r} (loaded: {known})")

    def position(self, state: str) -> Position:
        """The position of a reader (``FRA``, ``fra``, ``group:AU``; model.readers)."""
        for p in self.positions:
            if p.state == reader_id(state):
                return p
        known = ", ".join(p.state for p in self.positions) or "none"
        raise KeyError(f"no position of {state!r} (loaded: {known})")

    def where(self) -> str:
        """The directories read, for messages."""
        return ", ".join(map(str, self.roots or (self.root,)))


def load_rulebooks(
    root: Path | str | Sequence[Path | str] | None = None,
    *,
    with_examples: bool = True,
    package_files: Sequence[Path] = (),
    position_files: Sequence[Path] = (),
) -> Rulebooks:
    """Load rulebook directories (one, or several composed: their packages resolve
    ``requires`` among all of them) and single package and position files; raises
    ``DocumentError`` listing every problem found.

    Why composed in one load: a position in a user's directory reads a package shipped
    elsewhere, and a user's package may require a shipped one; loading each directory alone
    would refuse both. A package file or position file given by path replaces the directories'
    package of the same id or position of the same state (an analyst's edited copy of a
    shipped reading is what they mean; ``replaced`` says so); otherwise a package id or a
    state found twice is refused, naming both files (which one is meant cannot be guessed)."""
    if root is None:
        bases = [default_rulebooks_dir()]
    elif isinstance(root, Path | str):
        bases = [Path(root)]
    else:
        bases = [Path(r) for r in root]
    problems: list[Problem] = []
    for base in bases:
        if not base.is_dir():
            problems.append(Problem(str(base), "rulebook directory not found"))
    if problems:
        raise DocumentError(problems)
    books = Rulebooks(bases[0] if bases else Path("."), roots=tuple(bases))
    given = [p / "package.yaml" if p.is_dir() else p for p in package_files]
    given_ids = {i: f for f in given if (i := _declared(f, "package")) is not None}
    pkg_files = []
    for f in (f for base in bases for f in sorted(base.glob("*/package.yaml"))):
        package_id = _declared(f, "package") if given_ids else None
        if package_id in given_ids:
            books.replaced.append(f"{given_ids[package_id]} replaces package {package_id} ({f})")
        else:
            pkg_files.append(f)
    pkg_files += given
    try:
        books.packages = load_packages(pkg_files)
    except DocumentError as exc:
        problems.extend(exc.problems)
    pos_files = [
        f
        for base in bases
        for f in sorted((base / "positions").glob("*.yaml"))
        if not f.name.endswith(EXAMPLES_SUFFIX)
    ]
    in_directories = len(pos_files)
    pos_files += list(position_files)
    seen: dict[str, Path] = {}
    from_directories: set[str] = set()
    for index, path in enumerate(pos_files):
        try:
            position = load_position(path, books.packages)
        except DocumentError as exc:
            problems.extend(exc.problems)
            continue
        if index >= in_directories and position.state in from_directories:
            earlier = seen[position.state]
            books.replaced.append(f"{path} replaces the position of {position.state} ({earlier})")
            from_directories.discard(position.state)
            books.positions = [p for p in books.positions if p.state != position.state]
            del seen[position.state]
        if position.state in seen:
            problems.append(
                Problem(str(path), f"position of {position.state} also in {seen[position.state]}")
            )
            continue
        seen[position.state] = path
        if index < in_directories:
            from_directories.add(position.state)
        books.positions.append(position)
    for base in bases:
        for path in sorted((base / "profiles").glob("*.yaml")):
            try:
                books.profiles.extend(load_profiles(path))
            except DocumentError as exc:
                problems.extend(exc.problems)
    if with_examples:
        for path in pkg_files:
            examples = path.parent / "examples.yaml"
            if examples.exists():
                _add_examples(books, examples, path.parent.name, problems)
        for state, path in seen.items():
            examples = path.with_name(path.name.removesuffix(".yaml") + EXAMPLES_SUFFIX)
            if examples.exists():
                _add_examples(books, examples, reading_basis(state), problems)
    if problems:
        raise DocumentError(problems)
    return books


def _declared(path: Path, kind: str) -> str | None:
    """The id a package file declares (``package: ID``), read before loading it; None when
    the file cannot say (its loading then reports the problem)."""
    try:
        value = load_file(path).value
    except DocumentError:
        return None
    declared = value.get(kind) if isinstance(value, dict) else None
    return str(declared) if declared is not None else None


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


def load_examples(
    path: Path | str, questions: Mapping[str, str] | None = None
) -> list[tuple[Example, str]]:
    """The examples of one file. ``questions`` (rule id -> its question): an expected
    outcome that is not an answer to its rule's question (``permitted`` for a breach rule)
    is refused here, naming the file and line, not found wrong when the examples run."""
    doc = load_file(path)
    if not isinstance(doc.value, list):
        raise DocumentError([Problem(doc.source, "an examples file is a list of examples")])
    problems: list[Problem] = []
    out: list[tuple[Example, str]] = []
    for i in range(len(doc.value)):
        try:
            example = doc.validate(Example, (i,))
        except DocumentError as exc:
            problems.extend(exc.problems)
            continue
        out.append((example, doc.where((i,))))
        for j, exp in enumerate(example.expect):
            question = (questions or {}).get(exp.rule)
            if question is None:
                continue  # an unknown rule: running the example names it
            try:
                parse_word(question, exp.outcome)
            except ValueError as exc:
                at = doc.where((i, "expect", j, "outcome"))
                problems.append(Problem(at, f"outcome of {exp.rule}: {exc}"))
    if problems:
        raise DocumentError(problems)
    return out


def rule_questions(books: Rulebooks) -> dict[str, str]:
    """Rule id -> the question it answers, over every package and position loaded."""
    out = {r.id: r.question for p in books.packages for r in p.rules}
    out.update({r.id: r.question for pos in books.positions for r in pos.added})
    return out


def _add_examples(books: Rulebooks, path: Path, owner: str, problems: list[Problem]) -> None:
    try:
        books.examples.append(ExampleFile(path, owner, load_examples(path, rule_questions(books))))
    except DocumentError as exc:
        problems.extend(exc.problems)
