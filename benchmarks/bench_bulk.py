"""Bulk benchmark: N generated incidents x every shipped rule, verdict codes and missing facts.

``python -m benchmarks bulk [--n=1000000] [--quick] [--seed=2015] [--sample=20000]
[--spark-n=N] [--no-spark]`` (``--quick``: 20,000 incidents).

What it prints, in one run, on the same Parquet file (DESIGN section 9, issue 7 item 7):

* **DuckDB**, all rules (the two packages and the GBR and FRA positions, illustrative profiles):
  seconds to load the Parquet file into DuckDB, seconds to evaluate (every verdict with its
  code and ``missing``, materialised in DuckDB), on 2 threads.
* **The Python fast path** (``Evaluator.outcomes``, codes only) on a measured sample of the
  same incidents, extrapolated to N and labelled so.
* **Polars**, hand-written, for the three benchmark rules (``benchmarks.bulk_polars``): the
  practical ceiling; and **DuckDB on the same three rules**, codes only, for the ratio. The
  outcome counts of the two are compared first: a ratio between different answers means
  nothing.
* **Spark** in local mode (``local[2]``), all rules, on ``--spark-n`` incidents (all N unless
  told; extrapolated and labelled so when fewer).
* **Peak memory** of each: every contender runs in its own process (``benchmarks.bulk_run``)
  and reports its peak resident set (``VmHWM``); for Spark also the JVM's.

All contenders evaluate on one date (``as_of`` 2025-01-01), so that the hand-written Polars
query can choose profiles once; the generated SQL chooses them per incident date otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.bulk_run import AS_OF, THREE
from benchmarks.incidents import incident_dict
from cybernorms.bulk import incident_schema
from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import load_rulebooks

TARGET_SECONDS = 2.0  # DESIGN section 9: 1,000,000 incidents, all rules, DuckDB, 2 cores
TARGET_RATIO = 2.0  # within 2x of the hand-written Polars query


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks bulk")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 incidents")
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--sample", type=int, default=20_000, help="Python fast-path sample")
    parser.add_argument("--spark-n", type=int, default=None, help="incidents for Spark")
    parser.add_argument("--no-spark", action="store_true")
    opts = parser.parse_args(argv)
    if opts.quick:
        opts.n = 20_000
        opts.sample = min(opts.sample, 5_000)
    return opts


def _write(rows: list[dict[str, Any]], path: Path) -> None:
    pq.write_table(pa.Table.from_pylist(rows, schema=incident_schema()), path)


def _contender(name: str, parquet: Path, *extra: str) -> dict[str, Any]:
    env = {**os.environ, "POLARS_MAX_THREADS": "2", "OMP_NUM_THREADS": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bulk_run", name, str(parquet), *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _line(label: str, figures: dict[str, Any], n: int, note: str = "") -> str:
    rate = n / figures["eval_s"] if figures["eval_s"] else float("inf")
    jvm = f", JVM peak {figures['jvm_peak_mb']:,.0f} MB" if "jvm_peak_mb" in figures else ""
    return (
        f"  {label:<34} load {figures['load_s']:7.2f} s   evaluate {figures['eval_s']:8.2f} s"
        f"   {rate:>12,.0f} incidents/s   peak {figures['peak_mb']:,.0f} MB{jvm}{note}"
    )


def run(argv: list[str]) -> None:
    opts = _options(argv)
    n = opts.n
    print(
        f"incidents: {n:,} generated (seed {opts.seed}); as_of {AS_OF}; 2 threads; "
        f"{os.cpu_count()} CPUs on this machine"
    )
    books = load_rulebooks()
    rules = sum(len(p.rules) for p in books.packages)
    print(
        f"rules: {rules} in {len(books.packages)} packages + positions "
        f"{', '.join(p.state for p in books.positions)}; {len(books.profiles)} profiles"
    )
    rng = random.Random(opts.seed)
    start = time.perf_counter()
    rows = [incident_dict(rng, i) for i in range(n)]
    with tempfile.TemporaryDirectory(prefix="cybernorms-bulk-") as tmp:
        parquet = Path(tmp) / "incidents.parquet"
        _write(rows, parquet)
        size = parquet.stat().st_size
        print(
            f"setup (not timed as evaluation): generated and wrote Parquet in "
            f"{time.perf_counter() - start:.1f} s ({size / 1e6:,.1f} MB)\n"
        )

        # The Python fast path on a sample of the same incidents.
        sample = [Incident.model_validate(r) for r in rows[: min(opts.sample, n)]]
        del rows
        evaluator = Evaluator(books.packages, books.profiles, books.positions, json_traces=False)
        evaluator.outcomes(sample[0], AS_OF)
        start = time.perf_counter()
        python_verdicts = sum(len(evaluator.outcomes(i, AS_OF)) for i in sample)
        per_incident = (time.perf_counter() - start) / len(sample)

        duck = _contender("duckdb", parquet)
        print("All shipped rules (codes and missing facts):")
        print(_line("DuckDB (generated SQL)", duck, n))
        print(
            f"  {'Python fast path (codes only)':<34} "
            f"evaluate {per_incident * n:8.2f} s   {1 / per_incident:>12,.0f} incidents/s"
            f"   EXTRAPOLATED from a measured sample of {len(sample):,} "
            f"({python_verdicts:,} verdicts)"
        )
        print(
            f"  verdicts: {duck['verdicts']:,}; outcome codes {duck['mix']}; "
            f"undetermined with missing facts: {duck['undetermined_with_missing']:,}"
        )

        spark_n = min(opts.spark_n or n, n)
        spark_note = ""
        if not opts.no_spark:
            spark_file = parquet
            if spark_n < n:
                spark_file = Path(tmp) / "spark.parquet"
                pq.write_table(pq.read_table(parquet).slice(0, spark_n), spark_file)
                spark_note = f"   (measured on {spark_n:,} incidents)"
            spark = _contender("spark", spark_file)
            print(_line("Spark local[2] (same SQL)", spark, spark_n, spark_note))
            if spark_n < n:
                print(
                    f"  {'':<34} evaluate {spark['eval_s'] * n / spark_n:8.2f} s "
                    f"EXTRAPOLATED to {n:,}"
                )

        print(f"\nThe three benchmark rules ({', '.join(THREE)}), codes only:")
        polars = _contender("polars", parquet)
        three = _contender("duckdb-codes", parquet)
        print(_line("Polars (hand-written)", polars, n))
        print(_line("DuckDB (generated SQL)", three, n))
        same = polars["mix"] == three["mix"]
        print(
            f"  same outcome counts: {'yes' if same else 'NO'} "
            f"(Polars {polars['mix']}, DuckDB {three['mix']})"
        )

        ratio = three["eval_s"] / polars["eval_s"]
        print("\nTargets (DESIGN section 9):")
        ok = "met" if duck["eval_s"] < TARGET_SECONDS and n >= 1_000_000 else "NOT met"
        print(
            f"  DuckDB, all rules, {n:,} incidents: {duck['eval_s']:.2f} s "
            f"(target under {TARGET_SECONDS:.0f} s for 1,000,000: {ok})"
        )
        print(
            f"  DuckDB / Polars on the three rules: {ratio:.2f}x "
            f"(target at most {TARGET_RATIO:.0f}x: {'met' if ratio <= TARGET_RATIO else 'NOT met'})"
        )
