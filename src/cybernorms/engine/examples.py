"""Running a rulebook's examples: each example incident must produce the expected verdicts.

Examples are the specification of a rule: ``cybernorms check`` and the test suite both run
them through this one function, so what the CLI reports and what CI checks cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from cybernorms.engine.evaluate import Evaluator
from cybernorms.model.readers import reader_of
from cybernorms.model.verdict import Verdict, parse_word, word
from cybernorms.rules.catalog import Example, Expectation, Rulebooks


@dataclass(frozen=True)
class ExampleResult:
    where: str
    owner: str
    example: str
    expectation: Expectation
    got: Verdict | None
    problem: str | None  # None: the expectation holds

    @property
    def ok(self) -> bool:
        return self.problem is None


def run_examples(books: Rulebooks) -> list[ExampleResult]:
    """Evaluate every example of every package and position; one result per expectation."""
    evaluators: dict[tuple[tuple[str, ...], bool], Evaluator] = {}
    results: list[ExampleResult] = []
    for file in books.examples:
        for example, where in file.examples:
            states = tuple(sorted(example.positions))
            owner = reader_of(file.owner)
            if owner is not None and owner not in states:
                states = tuple(sorted((*states, owner)))
            key = (states, example.assume_defaults)
            absent = [s for s in states if s not in {p.state for p in books.positions}]
            if absent:  # an example of a reading that is not loaded cannot be checked: say so
                known = ", ".join(p.state for p in books.positions) or "none"
                problem = (
                    f"the example reads position {', '.join(absent)}, which is not loaded "
                    f"(loaded: {known}; check it with the rulebook that holds it)"
                )
                for exp in example.expect:
                    results.append(
                        ExampleResult(where, file.owner, example.name, exp, None, problem)
                    )
                continue
            if key not in evaluators:
                positions = [books.position(s) for s in states]
                evaluators[key] = Evaluator(
                    books.packages,
                    books.profiles,
                    positions,
                    assume_defaults=example.assume_defaults,
                )
            verdicts = evaluators[key].verdicts(example.incident, example.as_of)
            for exp in example.expect:
                results.append(_check(file.owner, books, example, where, exp, verdicts))
    return results


def _check(
    owner: str,
    books: Rulebooks,
    example: Example,
    where: str,
    exp: Expectation,
    verdicts: list[Verdict],
) -> ExampleResult:
    basis = exp.basis or _default_basis(owner, books)
    candidates = [v for v in verdicts if v.rule == exp.rule and v.basis == basis]
    got = next((v for v in candidates if v.subject == exp.subject), None)

    def result(problem: str | None) -> ExampleResult:
        return ExampleResult(where, owner, example.name, exp, got, problem)

    if not candidates:
        return result(f"no verdict for rule {exp.rule} with basis {basis}")
    if got is None:
        subjects = ", ".join(str(v.subject) for v in candidates)
        return result(f"{exp.rule}: no verdict for subject {exp.subject} (subjects: {subjects})")
    try:
        wanted = parse_word(got.question, exp.outcome)
    except ValueError as exc:
        return result(str(exc))
    if got.outcome is not wanted:
        detail = f" (missing: {', '.join(got.missing)})" if got.missing else ""
        return result(
            f"{exp.rule}[{exp.subject}]: expected {word(got.question, wanted)}, "
            f"got {got.word}{detail}"
        )
    if exp.missing is not None and sorted(exp.missing) != list(got.missing):
        return result(
            f"{exp.rule}[{exp.subject}]: expected missing {sorted(exp.missing)}, "
            f"got {list(got.missing)}"
        )
    if exp.reason is not None and exp.reason != got.reason:
        return result(
            f"{exp.rule}[{exp.subject}]: expected reason {exp.reason!r}, got {got.reason!r}"
        )
    return result(None)


def _default_basis(owner: str, books: Rulebooks) -> str:
    if reader_of(owner) is not None:
        return owner
    try:
        return books.package(owner).basis
    except KeyError:
        return "consensus"
