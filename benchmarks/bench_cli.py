"""The command line's own costs: starting up, and the work each output format asks of the
engine (issue 7: ``--help`` under 0.3 s; no traces built for outputs that print none).

Prints: the wall time of ``cybernorms --help`` in a fresh process (best and median), and per
incident the service's evaluation at each ``Detail`` on generated incidents with the shipped
rulebooks and two positions.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from benchmarks.incidents import generate
from cybernorms.service import evaluating, loading
from cybernorms.service.formats import Detail


def _help_seconds(repeat: int) -> list[float]:
    command = [sys.executable, "-c", "from cybernorms.cli.app import main; main(['--help'])"]
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds.append(time.perf_counter() - start)
    return seconds


def run(argv: list[str]) -> None:
    quick = "--quick" in argv
    seconds = _help_seconds(3 if quick else 10)
    print(
        f"cybernorms --help (fresh process): best {min(seconds):.3f} s, "
        f"median {statistics.median(seconds):.3f} s"
    )
    n = 200 if quick else 2000
    incidents = generate(n, seed=7)
    chosen = evaluating.setup(loading.rulebooks(), positions=["GBR", "FRA"])
    for detail in Detail:
        evaluating.evaluator(chosen, json_traces=detail is Detail.trace)  # compile first
        start = time.perf_counter()
        verdicts = list(evaluating.evaluate(chosen, incidents, as_of=None, detail=detail))
        if detail is Detail.trace:
            for v in verdicts:
                v.to_json()
        per = (time.perf_counter() - start) / n * 1e6
        print(f"  evaluate, detail {detail.value:<8}: {per:7.1f} us per incident ({n} incidents)")
