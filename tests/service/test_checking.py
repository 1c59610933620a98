"""``check_rulebooks``: one function says whether rulebooks may be used or published."""

from __future__ import annotations

import shutil
from pathlib import Path

from cybernorms.service.checking import check_paths, check_rulebooks

REPO = Path(__file__).resolve().parents[2]
LANG = REPO / "tests" / "data" / "lang"


def test_good_rulebooks_pass_with_every_example_run() -> None:
    report = check_rulebooks(LANG)
    assert report.ok, report.problems
    assert report.examples > 0 and report.failed_examples == 0
    assert report.checked == [
        f"{LANG}: 1 packages, 1 positions, 1 profiles, {report.examples} example verdicts checked"
    ]


def test_every_problem_is_reported_with_its_place(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(LANG, book)
    examples = book / "lang" / "examples.yaml"
    examples.write_text(
        examples.read_text().replace(
            "outcome: violation, missing: []}", "outcome: no_violation, missing: []}", 1
        )
    )
    report = check_rulebooks(book)
    assert not report.ok and report.failed_examples == 1
    [problem] = report.problems
    assert problem.where.startswith(str(examples)) and "expected no_violation" in problem.message


def test_a_rulebook_that_does_not_load_is_reported_not_raised(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(LANG, book)
    package = book / "lang" / "package.yaml"
    package.write_text(package.read_text().replace("violated_when: >-", "violated_when: (", 1))
    report = check_rulebooks(book)
    assert not report.ok and report.examples == 0
    assert [str(p) for p in report.problems] == [
        f"{package}:19:20: violated_when: syntax error: '(' was never closed",
        f"{book / 'positions' / 'EST.yaml'}:5:10: position reads package 'lang', which is not loaded",
    ]


def test_paths_are_rulebooks_or_incident_files(tmp_path: Path) -> None:
    incidents = tmp_path / "i.yaml"
    incidents.write_text("- id: a\n- id: b\n", encoding="utf-8")
    report = check_paths([LANG, incidents, tmp_path / "missing"])
    assert f"{incidents}: 2 incidents valid" in report.checked
    assert [str(p) for p in report.problems] == [
        f"{tmp_path / 'missing'}: no such file or directory"
    ]
