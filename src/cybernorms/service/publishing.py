"""What a package must pass before it is signed and logged: what ``cybernorms check`` refuses.

Why here, once: a signature and a log entry are permanent. A package whose expression does not
parse, whose examples fail, whose version is not semantic, or whose rules an analysis proves
ambiguous (findings of severity error: conflicts, gaps, rules never decidable) must be refused
*before* anyone signs it, by the very checks ``check`` runs: the parser and type checker
(``rules.package``), the examples (``engine.examples.run_examples``) and the analyses
(``analysis.checks.Analysis``). ``validate_package_for_publication`` is that one function; the
``check`` command can call it for each package (the lead reconciles the two).

Where the package's context comes from: a package file laid out as in a rulebook directory
(``DIR/NAME/package.yaml``) is compiled with the packages of ``DIR`` it requires, its examples
(``DIR/NAME/examples.yaml``) run with the profiles of ``DIR/profiles``, and the analyses see
every package of ``DIR`` (relations name other packages' rules); any other file
stands alone (no ``requires``; examples only from an ``examples.yaml`` beside a
``package.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cybernorms.model.documents import Document, DocumentError, Problem
from cybernorms.rules.package import Package
from cybernorms.service.inputs import read_yaml


@dataclass(frozen=True)
class ValidatedPackage:
    """A package that passed every check: compiled, its parsed document (what is signed),
    and how many example verdicts were checked."""

    package: Package
    document: dict[str, Any]
    examples_checked: int


def _rulebook_dir(path: Path) -> Path | None:
    if path.name != "package.yaml":
        return None
    base = path.resolve().parent.parent
    return base if any(base.glob("*/package.yaml")) else None


def validate_package_for_publication(path: Path) -> ValidatedPackage:
    """Compile ``path``, run its examples and the analyses; ``DocumentError`` listing every
    problem (file, line, what) unless all pass. Nothing is signed or written."""
    from cybernorms.analysis.checks import Analysis, Options
    from cybernorms.engine.examples import run_examples
    from cybernorms.rules.catalog import ExampleFile, Rulebooks, load_examples, load_rulebooks
    from cybernorms.rules.package import load_package

    document: Document = read_yaml(path, "package")
    if not isinstance(document.value, dict):
        raise DocumentError(
            [Problem(str(path), "a package is a mapping with 'package:', 'version:' and 'rules:'")]
        )
    base = _rulebook_dir(path)
    context = (
        load_rulebooks(base, with_examples=False) if base is not None else Rulebooks(path.parent)
    )
    own = path.resolve()
    available = [p for p in context.packages if Path(p.path).resolve() != own]
    package = load_package(path, available)
    required = _required(package, available)
    books = Rulebooks(path.parent, packages=[*required, package], profiles=context.profiles)
    examples_file = path.parent / "examples.yaml" if path.name == "package.yaml" else None
    if examples_file is not None and examples_file.exists():
        books.examples.append(ExampleFile(examples_file, package.id, load_examples(examples_file)))
    problems: list[Problem] = []
    results = run_examples(books)
    problems.extend(
        Problem(r.where, f"example {r.example!r}: {r.problem}") for r in results if not r.ok
    )
    # The analyses see every package of the rulebook directory, as ``check`` does: relations
    # name rules of other packages.
    report = Analysis([*available, package], (), books.profiles, Options()).run()
    problems.extend(
        Problem(str(path), f"analysis: {f.kind} ({f.scope}): {f.message}")
        for f in report.sorted()
        if f.severity == "error"
    )
    if problems:
        raise DocumentError(problems)
    return ValidatedPackage(package, document.value, len(results))


def _required(package: Package, available: list[Package]) -> list[Package]:
    """The packages ``package`` requires, transitively, in dependency order."""
    by_id = {p.id: p for p in available}
    order: list[Package] = []

    def visit(pkg: Package) -> None:
        for name in pkg.requires:
            dep = by_id.get(name)
            if dep is not None and all(o.id != dep.id for o in order):
                visit(dep)
                order.append(dep)

    visit(package)
    return order


@dataclass(frozen=True)
class ValidatedPosition:
    """A position that passed ``cybernorms check``: its parsed document (what is signed), the
    state it names and how many example verdicts were checked."""

    document: dict[str, Any]
    state: str
    examples_checked: int


def validate_position_for_publication(path: Path) -> ValidatedPosition:
    """Check a position file exactly as ``cybernorms check FILE`` does (loaded beside the
    shipped packages it reads, its examples run); ``DocumentError`` listing every problem
    unless all pass. Nothing is signed or written."""
    from cybernorms.service.checking import check_file
    from cybernorms.service.kinds import Kind, document_kind

    if document_kind(path) is not Kind.position:
        raise DocumentError(
            [
                Problem(
                    str(path),
                    "not a position (it needs 'position: ISO3' or 'position: group:NAME')",
                )
            ]
        )
    report = check_file(path)
    if not report.ok:
        raise DocumentError(report.problems)
    document: Document = read_yaml(path, "position")
    assert isinstance(document.value, dict)  # noqa: S101 - check_file loaded it as a position
    return ValidatedPosition(document.value, str(document.value["position"]), report.examples)
