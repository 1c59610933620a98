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
    # Benchmark names come first; everything from the first option on is passed to each
    # benchmark as is, so that `engine --n 5000` keeps its value.
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names, options = argv[:first_option] or available, argv[first_option:]
    unknown = [n for n in names if n not in available]
    if unknown:
        sys.exit(f"unknown benchmark(s) {unknown}; available: {available}")
    for name in names:
        print(f"\n=== benchmark: {name} ===", flush=True)
        importlib.import_module(f"benchmarks.bench_{name}").run(options)


if __name__ == "__main__":
    main(sys.argv[1:])
