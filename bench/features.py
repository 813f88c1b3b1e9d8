"""Rolling-feature benchmark: the Spark feature job vs plain DuckDB range-window SQL on the same readings.

Generates ~10M sensor readings (500 machines x 14 days at 1 minute; the simulator when it is
installed, else the numpy fleet of :mod:`mfg.batch.synthetic`, both in the lake contract), then in
the same run:

- Spark: :func:`mfg.batch.rolling.hourly_partials` + :func:`mfg.batch.rolling.rolling_stats`
  (hourly partial sums, then 1/6/24-hour frames over hourly rows), parquet in, parquet out.
  A second pass writes the partials first to show where the time goes.
- DuckDB: the plain reference SQL, range windows over the raw readings kept at each hour's last
  reading (see :func:`reference_sql`), one query per sensor, parquet in, parquet out.

Checks that both agree on a sample of rows and prints ONE JSON line with ``rows``, ``spark_s``,
``duckdb_s``, ``ratio`` (spark / duckdb), ``rows_per_s`` (Spark) and the breakdown.
Usage: ``python bench/features.py [--equipment 500 --days 14 --source auto|simulator|numpy]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mfg.batch.rolling import STATS, WINDOWS, feature_columns
from mfg.contracts.tables import SENSOR_FIELDS

SAMPLE_ROWS = 3000


def generate(root: Path, equipment: int, days: int, source: str) -> str:
    """Write sensor readings + reference tables into the lake at ``root``; returns the source used."""
    from mfg.lake import write_partitioned, write_table

    if source in ("auto", "simulator"):
        try:
            from mfg.simulator import SimConfig, simulate
        except ImportError:
            if source == "simulator":
                raise
        else:
            result = simulate(SimConfig(equipment=equipment, days=days, seed=42, interval_s=60))
            write_partitioned(result.tables["sensor_readings"], root, "sensor_readings", file_stem="bench")
            for name in ("equipment", "plants"):
                write_table(result.tables[name], root, name)
            return "simulator"
    from mfg.batch.synthetic import Fleet, write_fleet

    write_fleet(root, Fleet(equipment=equipment, days=days, interval_s=60, seed=42), sensors_only=True)
    return "numpy"


def run_spark(lake: Path, out: Path, driver_memory: str) -> dict[str, float]:
    from mfg.batch.io import read_parquet_dir, write_overwrite
    from mfg.batch.rolling import hourly_partials, rolling_stats
    from mfg.batch.session import build_session
    from mfg.settings import Settings

    settings = Settings(lake_uri=str(lake), data_dir=out, spark_driver_memory=driver_memory, spark_shuffle_partitions=8)
    t0 = time.perf_counter()
    spark = build_session(settings, app_name="bench-features")
    spark.range(1).count()
    session_s = time.perf_counter() - t0
    readings = str(lake / "sensor_readings")
    t0 = time.perf_counter()
    features = rolling_stats(hourly_partials(read_parquet_dir(spark, readings, what="readings")))
    write_overwrite(features, str(out / "spark_features"))
    spark_s = time.perf_counter() - t0
    # the same work in two stages, to see where the time goes
    t0 = time.perf_counter()
    write_overwrite(hourly_partials(read_parquet_dir(spark, readings, what="readings")), str(out / "partials"))
    partials_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_overwrite(rolling_stats(spark.read.parquet(str(out / "partials"))), str(out / "spark_features2"))
    windows_s = time.perf_counter() - t0
    spark.stop()
    return {"session_s": session_s, "spark_s": spark_s, "partials_s": partials_s, "windows_s": windows_s}


def reference_sql(glob: str, sensor: str, out_file: str) -> str:
    """Plain SQL: range windows ``(t - w, t]`` over the raw readings, kept at each hour's last reading.

    On the 1-minute grid the last reading of the hour ending at ``T`` is ``T - 1 min``, so the frame
    holds exactly the readings of ``[T - w, T)``, the Spark job's definition. Timestamps are
    milliseconds, so ``(t - w, t]`` is ``[t - w + 1 ms, t]``.
    """
    frames = ",\n".join(
        f"w{w} AS (PARTITION BY equipment_id ORDER BY event_time "
        f"RANGE BETWEEN INTERVAL {n * 3_600_000 - 1} MILLISECOND PRECEDING AND CURRENT ROW)"
        for w, n in WINDOWS.items()
    )
    fn = {"mean": "avg(x)", "std": "stddev_samp(x)", "min": "min(x)", "max": "max(x)", "slope": "regr_slope(x, t)"}
    selects = ",\n".join(f"{fn[stat]} OVER w{w} AS {sensor}_{stat}_{w}" for w in WINDOWS for stat in STATS)
    return f"""
    COPY (
    WITH raw AS (
        SELECT equipment_id, event_time::TIMESTAMP AS event_time, {sensor} AS x
        FROM read_parquet('{glob}')
    ), timed AS (
        SELECT *, (epoch_ms(event_time) - (SELECT min(epoch_ms(event_time)) FROM raw)) / 3600000.0 AS t FROM raw
    ), windowed AS (
        SELECT equipment_id, date_trunc('hour', event_time) + INTERVAL 1 HOUR AS event_timestamp,
        date_trunc('hour', lead(event_time) OVER (PARTITION BY equipment_id ORDER BY event_time))
            IS DISTINCT FROM date_trunc('hour', event_time) AS last_of_hour,
        {selects}
        FROM timed
        WINDOW {frames}
    )
    SELECT * EXCLUDE (last_of_hour) FROM windowed WHERE last_of_hour
    ) TO '{out_file}' (FORMAT parquet)
    """


def run_duckdb(lake: Path, out: Path) -> float:
    import duckdb

    glob = str(lake / "sensor_readings" / "**" / "*.parquet")
    (out / "duckdb").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": os.cpu_count() or 2, "memory_limit": "6GB"})
    con.execute("SET TimeZone = 'UTC'")
    t0 = time.perf_counter()
    for s in SENSOR_FIELDS:
        con.execute(reference_sql(glob, s, str(out / "duckdb" / f"{s}.parquet")))
    seconds = time.perf_counter() - t0
    con.close()
    return seconds


def compare(out: Path) -> dict[str, Any]:
    """Join a sample of Spark rows with the DuckDB rows; returns mismatch counts."""
    spark = pd.read_parquet(out / "spark_features")
    spark["event_timestamp"] = pd.to_datetime(spark["event_timestamp"], utc=True).dt.tz_localize(None)
    sample = spark.sample(n=min(SAMPLE_ROWS, len(spark)), random_state=0)
    ref: pd.DataFrame | None = None
    for s in SENSOR_FIELDS:
        part = pd.read_parquet(out / "duckdb" / f"{s}.parquet")
        part["event_timestamp"] = pd.to_datetime(part["event_timestamp"]).dt.tz_localize(None)
        ref = part if ref is None else ref.merge(part, on=["equipment_id", "event_timestamp"])
    assert ref is not None
    joined = sample.merge(ref, on=["equipment_id", "event_timestamp"], suffixes=("", "_ref"))
    bad = 0
    for c in feature_columns():
        a, b = joined[c].to_numpy(float), joined[f"{c}_ref"].to_numpy(float)
        ok = np.isclose(a, b, rtol=1e-6, atol=1e-6) | (np.isnan(a) & np.isnan(b))
        bad += int((~ok).sum())
    return {"sampled": len(joined), "mismatches": bad, "spark_rows": len(spark), "duckdb_rows": len(ref)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--equipment", type=int, default=500)
    p.add_argument("--days", type=int, default=14)
    p.add_argument("--source", choices=("auto", "simulator", "numpy"), default="auto")
    p.add_argument("--driver-memory", default="4g")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    work = Path(tempfile.mkdtemp(prefix="bench-features-"))
    try:
        t0 = time.perf_counter()
        source = generate(work / "lake", args.equipment, args.days, args.source)
        gen_s = time.perf_counter() - t0
        import pyarrow.dataset as ds

        rows = ds.dataset(str(work / "lake" / "sensor_readings"), format="parquet").count_rows()
        duckdb_s = run_duckdb(work / "lake", work / "out")
        spark = run_spark(work / "lake", work / "out", args.driver_memory)
        check = compare(work / "out")
        result = {
            "rows": rows,
            "spark_s": round(spark["spark_s"], 2),
            "duckdb_s": round(duckdb_s, 2),
            "ratio": round(spark["spark_s"] / duckdb_s, 3),
            "rows_per_s": round(rows / spark["spark_s"]),
            "duckdb_rows_per_s": round(rows / duckdb_s),
            "spark_session_s": round(spark["session_s"], 2),
            "spark_partials_s": round(spark["partials_s"], 2),
            "spark_windows_s": round(spark["windows_s"], 2),
            "features": len(feature_columns()),
            "source": source,
            "generate_s": round(gen_s, 1),
            **check,
        }
        print(json.dumps(result))
        return 0 if check["mismatches"] == 0 and check["sampled"] > 0 else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
