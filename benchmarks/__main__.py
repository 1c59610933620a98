"""Run the benchmarks and print their figures: ``python -m benchmarks [engine|log|...]``.

Each benchmark is a module of this package with a ``run(argv) -> None`` function that prints
its own figures and ratios. Peers are measured in the same run, on the same inputs.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    available = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    names = [a for a in argv if not a.startswith("-")] or available
    unknown = [n for n in names if n not in available]
    if unknown:
        sys.exit(f"unknown benchmark(s) {unknown}; available: {available}")
    for name in names:
        print(f"\n=== benchmark: {name} ===", flush=True)
        importlib.import_module(f"benchmarks.bench_{name}").run(
            [a for a in argv if a.startswith("-")]
        )


if __name__ == "__main__":
    main(sys.argv[1:])
