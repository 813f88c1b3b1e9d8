"""Label job: ``<lake>/features/labels_hourly`` with ``failure_within_7_days`` and ``censored``.

For the row at hour end ``T``: ``failure_within_7_days = 1`` when a failure (see
:mod:`mfg.batch.events`) starts in ``(T, T + 7 d]``; ``censored`` is true when the label is 0 and
``T + 7 d`` runs past the end of the data (the last hour end in ``features_hourly``): that 0 is not
yet certain (a 1 is). Same rule as the simulator's ground truth ``pdm_labels``.
Rows are the keys of ``features_hourly``, so features and labels join one to one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mfg.batch.events import failure_times, failures_frame
from mfg.batch.io import features_path, read_cleansed, read_lake_table, read_parquet_dir, write_overwrite
from mfg.settings import Settings

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

HORIZON_DAYS = 7
LABEL_COLUMNS: list[str] = ["equipment_id", "event_timestamp", "failure_within_7_days", "censored"]


def build_labels(spark: SparkSession, keys: DataFrame, failures: pd.DataFrame) -> DataFrame:
    """Labels for the (equipment_id, event_timestamp) rows of ``keys``."""
    from pyspark.sql import functions as F

    T = F.col("event_timestamp")
    horizon = T + F.expr(f"INTERVAL {HORIZON_DAYS} DAYS")
    data_end = keys.agg(F.max("event_timestamp").alias("_end"))
    upcoming = F.exists(F.coalesce(F.col("_failures"), F.array()), lambda f: (f > T) & (f <= horizon))
    return (
        keys.select("equipment_id", "event_timestamp")
        .join(F.broadcast(failures_frame(spark, failures)), "equipment_id", "left")
        .crossJoin(F.broadcast(data_end))
        .select(
            "equipment_id",
            "event_timestamp",
            upcoming.cast("int").alias("failure_within_7_days"),
            (~upcoming & (horizon > F.col("_end"))).alias("censored"),
        )
    )


def run_labels(spark: SparkSession, settings: Settings) -> dict[str, Any]:
    """Compute and write ``labels_hourly`` for the rows of ``features_hourly``."""
    from pyspark.sql import functions as F

    keys = read_parquet_dir(spark, features_path(settings, "features_hourly"), what="features_hourly")
    failures = failure_times(
        read_cleansed(spark, settings, "equipment_status"), read_lake_table(spark, settings, "maintenance_events")
    )
    path = features_path(settings, "labels_hourly")
    write_overwrite(build_labels(spark, keys, failures), path)
    row = (
        spark.read.parquet(path)
        .agg(
            F.count(F.lit(1)).alias("rows"),
            F.sum("failure_within_7_days").alias("positive"),
            F.sum(F.col("censored").cast("int")).alias("censored"),
        )
        .first()
    )
    assert row is not None
    return {
        "label_rows": int(row["rows"]),
        "positive_labels": int(row["positive"] or 0),
        "censored_labels": int(row["censored"] or 0),
    }
