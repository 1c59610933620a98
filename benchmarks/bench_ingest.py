"""EuRepoC import speed: rows per second for the whole Global Database 1.1.

Reads ``../shared/data/eurepoc/`` (the data set is not shipped with the project); prints a
line saying so and measures nothing when it is absent.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from cybernorms.ingest.eurepoc import import_eurepoc

CSV = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "eurepoc"
    / "EuRepoC_Global_Database_1.1.csv"
)


def run(argv: list[str]) -> None:
    repeat = 5 if "--quick" not in argv else 2
    if not CSV.exists():
        print(f"skipped: {CSV} not found (download it from Zenodo record 7848941)")
        return
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = import_eurepoc(CSV)
        seconds.append(time.perf_counter() - start)
    rows = len(result.incidents) + len(result.rejected)
    best, median = min(seconds), statistics.median(seconds)
    print(f"EuRepoC Global Database 1.1: {rows:,} rows, {len(result.incidents):,} imported")
    print(f"  import, best of {repeat}: {best:.2f} s ({rows / best:,.0f} rows/s)")
    print(f"  median: {median:.2f} s")
