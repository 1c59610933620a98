"""The engines that run the generated SQL: DuckDB in-process, Spark SQL locally or on a cluster.

Both receive the same plan (``bulk.plan``); only sqlglot's generation differs. Each returns
the verdict rows as an Arrow table with the columns of ``VERDICT_SCHEMA`` (outcome as a code).

Spark needs Java and the ``spark`` extra; when either is missing, or a master cannot be
reached, one ``EngineUnavailable`` says so and what to install. A Spark session is costly to
start (seconds), so one is kept per master for the life of the process.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cybernorms.bulk.errors import EngineUnavailable
from cybernorms.bulk.plan import EPOCHS, INCIDENTS, Plan

VERDICT_SCHEMA = pa.schema(
    [
        pa.field("incident", pa.string()),
        pa.field("package", pa.string()),
        pa.field("rule", pa.string()),
        pa.field("subject", pa.string()),
        pa.field("basis", pa.string()),
        pa.field("outcome", pa.int8()),
        pa.field("missing", pa.list_(pa.string())),
    ]
)


def _conform(table: pa.Table) -> pa.Table:
    return table.rename_columns(VERDICT_SCHEMA.names).cast(VERDICT_SCHEMA)


# -- DuckDB -----------------------------------------------------------------------------------


def run_duckdb(plan: Plan, incidents: pa.Table | Path, *, threads: int | None = None) -> pa.Table:
    """Run the plan on DuckDB; a Parquet path is scanned in place, without loading it first."""
    import duckdb

    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if isinstance(incidents, Path):
            con.register(INCIDENTS, con.read_parquet(str(incidents)))
        else:
            con.register(INCIDENTS, incidents)
        if plan.epochs is not None:
            con.register(EPOCHS, plan.epochs)
        result: Any = con.sql(plan.sql()).arrow()
        table = result.read_all() if hasattr(result, "read_all") else result
        return _conform(table)
    finally:
        con.close()


# -- Spark ------------------------------------------------------------------------------------

_SESSIONS: dict[str, Any] = {}
LOCAL_MASTER = "local[2]"


def java_available() -> bool:
    return bool(os.environ.get("JAVA_HOME")) or shutil.which("java") is not None


def spark_session(master: str | None = None) -> Any:
    """The Spark session for ``master`` (``local[2]`` by default), started once and reused."""
    master = master or LOCAL_MASTER
    session = _SESSIONS.get(master)
    if session is not None:
        return session
    if _SESSIONS:  # Spark keeps one context per process: a second master would be ignored
        running = next(iter(_SESSIONS))
        raise EngineUnavailable(
            f"a Spark session with master {running!r} already runs in this process; "
            f"start another process for master {master!r}"
        )
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailable(
            "Spark is not installed: pip install 'cybernorms[spark]' (PySpark; it needs Java)"
        ) from None
    if not java_available():
        raise EngineUnavailable(
            "Spark needs Java, and no 'java' was found: install a JRE (scripts/java-install.sh "
            "installs Debian's default-jre-headless) or set JAVA_HOME"
        )
    try:
        session = (
            SparkSession.builder.master(master)
            .appName("cybernorms-bulk")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # Rules compile to very large expressions: whole-stage code generation spends
            # more time compiling them than it saves (measured: 90 s against 36 s on the
            # curated incidents), so Spark runs them with per-expression code instead.
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", os.environ.get("CYBERNORMS_SPARK_MEMORY", "2g"))
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
    except Exception as exc:  # a JVM that fails to start or a master that does not answer
        raise EngineUnavailable(
            f"Spark could not start with master {master!r}: {_first_line(exc)} "
            "(check that Java runs and the master URL is reachable)"
        ) from None
    _SESSIONS[master] = session
    return session


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def run_spark(plan: Plan, incidents: pa.Table | Path, *, master: str | None = None) -> pa.Table:
    """Run the plan on Spark SQL. An Arrow table is written to a temporary Parquet file that
    Spark reads (the same path a cluster job takes; on a cluster, pass a Parquet path that
    every executor can read)."""
    spark = spark_session(master)
    with tempfile.TemporaryDirectory(prefix="cybernorms-spark-") as tmp:
        if isinstance(incidents, Path):
            source = incidents
        else:
            source = Path(tmp) / "incidents.parquet"
            pq.write_table(incidents, source)
        spark.read.parquet(str(source)).createOrReplaceTempView(INCIDENTS)
        if plan.epochs is not None:
            epochs = Path(tmp) / "epochs.parquet"
            pq.write_table(plan.epochs, epochs)
            spark.read.parquet(str(epochs)).createOrReplaceTempView(EPOCHS)
        try:
            frame = spark.sql(plan.sql())
            table = frame.toArrow()
        except Exception as exc:
            if type(exc).__name__ in ("Py4JNetworkError", "ConnectionRefusedError"):
                raise EngineUnavailable(f"Spark stopped answering: {_first_line(exc)}") from None
            raise
        return _conform(table)
