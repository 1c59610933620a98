"""One contender of the bulk benchmark, run in its own process so its peak memory is its own.

``python -m benchmarks.bulk_run CONTENDER PARQUET [--rules=a,b,c] [--threads=2]`` prints one
JSON object: the seconds to load the incidents, the seconds to evaluate them (the verdicts
materialised in the engine's own memory, as the Polars ceiling does too), the number of
verdicts, a fingerprint of the outcome codes (count per code), and the peak resident memory of
the process (``VmHWM``) and, for Spark, of its JVM.

Contenders: ``duckdb`` (all rules, codes and missing facts), ``duckdb-codes`` (the given rules,
codes only: the like-for-like comparison with Polars), ``polars`` (the three benchmark rules,
hand-written), ``spark`` (all rules, codes and missing facts, local mode).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

AS_OF = dt.date(2025, 1, 1)  # one evaluation date for every contender (see bench_bulk)
THREE = ("il.state_responsibility", "il.use_of_force", "gge2015.f")


def peak_rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover - Linux only


def child_pids() -> list[int]:
    me = os.getpid()
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == me:
                out.append(int(entry.name))
    return out


def _books(rules: tuple[str, ...] | None) -> tuple[list[Any], list[Any], list[Any]]:
    """The shipped rulebooks, or only ``rules`` and the rules they name through ``breached``
    (the engine cannot evaluate a rule without those; their verdicts come out too)."""
    from cybernorms.rules import ir
    from cybernorms.rules.catalog import load_rulebooks

    books = load_rulebooks()
    if rules is None:
        return books.packages, books.profiles, books.positions
    table = {r.key: r for p in books.packages for r in p.rules}
    wanted = {k for k in table if k[1] in rules}
    grew = True
    while grew:
        reached = {
            ref
            for k in wanted
            for ref in ir.references(table[k].applies) | ir.references(table[k].violated)
        }
        grew = not reached <= wanted
        wanted |= reached
    packages = []
    for package in books.packages:
        kept = tuple(r for r in package.rules if r.key in wanted)
        if kept:
            packages.append(dataclasses.replace(package, rules=kept))
    return packages, books.profiles, []


def run_duckdb(parquet: str, rules: tuple[str, ...] | None, threads: int) -> dict[str, Any]:
    import duckdb

    from cybernorms.bulk.plan import EPOCHS, INCIDENTS, build_plan
    from cybernorms.bulk.sqlgen import DUCKDB

    packages, profiles, positions = _books(rules)
    plan = build_plan(packages, profiles, positions, DUCKDB, as_of=AS_OF, today=AS_OF)
    sql = plan.sql()
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    start = time.perf_counter()
    con.execute(f"CREATE TABLE {INCIDENTS} AS SELECT * FROM read_parquet(?)", [parquet])
    loaded = time.perf_counter() - start
    if plan.epochs is not None:
        con.register(EPOCHS, plan.epochs)
    columns = "incident, rule, subject, basis, outcome" + ("" if rules else ", missing")
    start = time.perf_counter()
    con.execute(f"CREATE TABLE verdicts AS SELECT {columns} FROM ({sql})")
    evaluated = time.perf_counter() - start
    mix = dict(con.execute("SELECT outcome, count(*) FROM verdicts GROUP BY 1").fetchall())
    undetermined_with_missing = None
    if not rules:
        undetermined_with_missing = con.execute(
            "SELECT count(*) FROM verdicts WHERE outcome = 2 AND len(missing) > 0"
        ).fetchone()
    return {
        "load_s": loaded,
        "eval_s": evaluated,
        "verdicts": sum(mix.values()),
        "mix": {str(k): v for k, v in sorted(mix.items())},
        "undetermined_with_missing": undetermined_with_missing and undetermined_with_missing[0],
        "peak_mb": peak_rss_mb(),
    }


def run_polars(parquet: str) -> dict[str, Any]:
    import polars as pl

    from benchmarks.bulk_polars import three_rules

    packages, profiles, _ = _books(THREE)
    start = time.perf_counter()
    frame = pl.read_parquet(parquet)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    verdicts = three_rules(frame, packages, profiles, AS_OF)
    evaluated = time.perf_counter() - start
    mix = Counter(verdicts.get_column("outcome").to_list())
    return {
        "load_s": loaded,
        "eval_s": evaluated,
        "verdicts": verdicts.height,
        "mix": {str(k): v for k, v in sorted(mix.items())},
        "peak_mb": peak_rss_mb(),
    }


def run_spark(parquet: str) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from cybernorms.bulk.engines import spark_session
    from cybernorms.bulk.plan import EPOCHS, INCIDENTS, build_plan
    from cybernorms.bulk.sqlgen import SPARK

    packages, profiles, positions = _books(None)
    plan = build_plan(packages, profiles, positions, SPARK, as_of=AS_OF, today=AS_OF)
    spark = spark_session()
    start = time.perf_counter()
    incidents = spark.read.parquet(parquet).cache()
    incidents.count()
    incidents.createOrReplaceTempView(INCIDENTS)
    loaded = time.perf_counter() - start
    if plan.epochs is not None:
        epochs = Path(parquet).with_suffix(".epochs.parquet")
        pq.write_table(plan.epochs, epochs)
        spark.read.parquet(str(epochs)).createOrReplaceTempView(EPOCHS)
    start = time.perf_counter()
    verdicts = spark.sql(plan.sql()).cache()
    total = verdicts.count()
    evaluated = time.perf_counter() - start
    mix = {str(r[0]): r[1] for r in verdicts.groupBy("outcome").count().collect()}
    jvm = max((peak_rss_mb(pid) for pid in child_pids()), default=float("nan"))
    return {
        "load_s": loaded,
        "eval_s": evaluated,
        "verdicts": total,
        "mix": dict(sorted(mix.items())),
        "peak_mb": peak_rss_mb(),
        "jvm_peak_mb": jvm,
    }


def main(argv: list[str]) -> None:
    contender, parquet, *options = argv
    opts = dict(o.removeprefix("--").split("=", 1) for o in options)
    threads = int(opts.get("threads", "2"))
    if contender == "duckdb":
        result = run_duckdb(parquet, None, threads)
    elif contender == "duckdb-codes":
        result = run_duckdb(parquet, THREE, threads)
    elif contender == "polars":
        result = run_polars(parquet)
    elif contender == "spark":
        result = run_spark(parquet)
    else:
        raise SystemExit(f"unknown contender {contender!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
