"""Time to analyse every shipped package and position together (DESIGN section 9: < 10 s).

Prints the wall-clock time of one full ``cybernorms analyze`` run (translation, every query,
witness checking and minimisation), the number of solver calls and the findings by kind.
"""

from __future__ import annotations

import time
from collections import Counter

from cybernorms.analysis.checks import Analysis
from cybernorms.rules.catalog import load_rulebooks

TARGET_SECONDS = 10.0


def run(argv: list[str]) -> None:
    books = load_rulebooks(with_examples=False)
    started = time.perf_counter()
    analysis = Analysis(books.packages, books.positions, books.profiles)
    translated = time.perf_counter()
    report = analysis.run()
    done = time.perf_counter()
    total = done - started
    print(
        f"packages: {len(books.packages)}, positions: {len(books.positions)}, "
        f"rules: {sum(len(p.rules) for p in books.packages)}"
    )
    print(f"set-up (universe, fact space, encoders): {translated - started:.3f} s")
    print(f"analyses (queries, witnesses):           {done - translated:.3f} s")
    print(f"total:                                   {total:.3f} s (target < {TARGET_SECONDS} s)")
    print(f"solver calls: {report.solver_calls}")
    by_kind = Counter(f"{f.severity}:{f.kind}" for f in report.findings)
    print("findings: " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    print(f"ratio to target: {total / TARGET_SECONDS:.3f}")
