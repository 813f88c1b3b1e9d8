"""Failure events and the per-hour context features derived from events and reference tables.

A *failure* is the start of an error episode in ``equipment_status`` (an ``error`` record whose
previous record for the machine is not ``error``) or the start of a *corrective* maintenance event.
The two usually describe the same breakdown, so failures of one machine closer than
:data:`MERGE_GAP` to the previous kept one are merged into it.

Context features at an hour end ``T`` (see the feature table contract):
``hours_since_maintenance`` (0 while a maintenance is under way; since installation if none yet),
``failures_last_30d`` (failures in ``(T - 30 d, T]``), ``equipment_age_days``, and ``hour_of_day``,
``day_of_week`` (0 = Monday) and ``shift`` (0: 06-14, 1: 14-22, 2: 22-06) in the plant's local time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

MERGE_GAP = timedelta(hours=2)
FAILURE_LOOKBACK_DAYS = 30


def error_episode_starts(status: DataFrame) -> DataFrame:
    """``equipment_id``, ``failure_time`` for each start of an error episode."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    w = Window.partitionBy("equipment_id").orderBy("event_time", "sequence")
    prev = F.lag("status").over(w)
    return (
        status.select("equipment_id", "event_time", "sequence", "status")
        .withColumn("_prev", prev)
        .where((F.col("status") == "error") & (F.col("_prev").isNull() | (F.col("_prev") != "error")))
        .select("equipment_id", F.col("event_time").alias("failure_time"))
    )


def merge_failure_times(candidates: pd.DataFrame, gap: timedelta = MERGE_GAP) -> pd.DataFrame:
    """Collapse failure candidates of one machine closer than ``gap`` to the previous kept one."""
    if candidates.empty:
        return pd.DataFrame(
            {"equipment_id": pd.Series(dtype=str), "failure_time": pd.Series(dtype="datetime64[us, UTC]")}
        )
    df = candidates.sort_values(["equipment_id", "failure_time"]).reset_index(drop=True)
    keep: list[bool] = []
    last: dict[str, pd.Timestamp] = {}
    for eq, t in zip(df["equipment_id"], df["failure_time"], strict=True):
        prev = last.get(eq)
        if prev is None or t - prev >= gap:
            keep.append(True)
            last[eq] = t
        else:
            keep.append(False)
    return df[keep].reset_index(drop=True)


def failure_times(status: DataFrame, maintenance: DataFrame) -> pd.DataFrame:
    """The merged failures of every machine (small: collected to the driver)."""
    from pyspark.sql import functions as F

    corrective = maintenance.where(F.col("kind") == "corrective").select(
        "equipment_id", F.col("event_time").alias("failure_time")
    )
    both = pd.DataFrame(error_episode_starts(status).unionByName(corrective).toPandas())
    both["failure_time"] = pd.to_datetime(both["failure_time"], utc=True)
    return merge_failure_times(both)


def failures_frame(spark: SparkSession, failures: pd.DataFrame) -> DataFrame:
    """Per machine, the sorted array of failure times (joins cheaply onto hourly rows)."""
    from pyspark.sql import functions as F

    schema = "equipment_id string, failure_time timestamp"
    rows = [
        (str(e), t.to_pydatetime()) for e, t in zip(failures["equipment_id"], failures["failure_time"], strict=True)
    ]
    df = spark.createDataFrame(rows, schema)
    return df.groupBy("equipment_id").agg(F.array_sort(F.collect_list("failure_time")).alias("_failures"))


def context_features(
    hourly: DataFrame,
    equipment: DataFrame,
    plants: DataFrame,
    maintenance: DataFrame,
    failures: DataFrame,
) -> DataFrame:
    """Add equipment_type and the context features to rows keyed by (equipment_id, event_timestamp)."""
    from pyspark.sql import functions as F

    maint = maintenance.groupBy("equipment_id").agg(
        F.collect_list(F.struct(F.col("event_time").alias("s"), F.col("end_time").alias("e"))).alias("_maint")
    )
    ref = equipment.join(plants.select("plant_id", "timezone"), "plant_id", "left").select(
        "equipment_id", "equipment_type", "install_date", "timezone"
    )
    T = F.col("event_timestamp")
    started = F.filter(F.coalesce(F.col("_maint"), F.array()), lambda m: m["s"] <= T)
    ongoing = F.exists(started, lambda m: m["e"] > T)
    last_end = F.array_max(F.transform(started, lambda m: m["e"]))
    installed = F.col("install_date").cast("timestamp")
    since = F.when(ongoing, F.lit(0.0)).otherwise(
        (T.cast("double") - F.coalesce(last_end, installed).cast("double")) / 3600.0
    )
    lookback = T - F.expr(f"INTERVAL {FAILURE_LOOKBACK_DAYS} DAYS")
    recent = F.filter(F.coalesce(F.col("_failures"), F.array()), lambda f: (f > lookback) & (f <= T))
    local = F.from_utc_timestamp(T, F.coalesce(F.col("timezone"), F.lit("UTC")))
    hour = F.hour(local)
    return (
        hourly.join(F.broadcast(ref), "equipment_id", "left")
        .join(F.broadcast(maint), "equipment_id", "left")
        .join(F.broadcast(failures), "equipment_id", "left")
        .withColumn("hours_since_maintenance", since)
        .withColumn("failures_last_30d", F.size(recent).cast("int"))
        .withColumn("equipment_age_days", (T.cast("double") - installed.cast("double")) / 86400.0)
        .withColumn("hour_of_day", hour.cast("int"))
        .withColumn("day_of_week", ((F.dayofweek(local) + 5) % 7).cast("int"))
        .withColumn(
            "shift",
            F.when((hour >= 6) & (hour < 14), 0).when((hour >= 14) & (hour < 22), 1).otherwise(2).cast("int"),
        )
        .drop("_maint", "_failures", "install_date", "timezone")
    )
