"""Aggregate job: hourly and daily tables under ``<lake>/aggregates/``.

- ``sensor_hourly``: per (equipment_id, hour_start) count, mean, min and max of every sensor.
- ``production_hourly``: per (equipment_id, hour_start) batches, units produced/defective/good and
  cycle time, with the machine's ideal cycle time (feeds ``fact_production_metrics``).
- ``equipment_daily``: per (equipment_id, date) readings, sensor means, units, defect rate and the
  minutes spent in each status (status records are changes; see :func:`status_day_seconds`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mfg.batch.io import aggregates_path, read_cleansed, read_lake_table, write_overwrite
from mfg.contracts.tables import SENSOR_FIELDS, STATUSES
from mfg.settings import Settings

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame


def sensor_hourly(readings: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    aggs = [F.count(F.lit(1)).alias("readings")]
    for s in SENSOR_FIELDS:
        aggs += [F.avg(s).alias(f"{s}_mean"), F.min(s).alias(f"{s}_min"), F.max(s).alias(f"{s}_max")]
    return readings.groupBy("equipment_id", "plant_id", F.date_trunc("hour", "event_time").alias("hour_start")).agg(
        *aggs
    )


def production_hourly(quality: DataFrame, equipment: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    hourly = quality.groupBy("equipment_id", "plant_id", F.date_trunc("hour", "event_time").alias("hour_start")).agg(
        F.count(F.lit(1)).alias("batches"),
        F.sum("units_produced").alias("units_produced"),
        F.sum("units_defective").alias("units_defective"),
        F.sum(F.col("units_produced") - F.col("units_defective")).alias("units_good"),
        F.sum("cycle_time_s").alias("cycle_time_s"),
    )
    ideal = equipment.select("equipment_id", "ideal_cycle_time_s")
    return hourly.join(F.broadcast(ideal), "equipment_id", "left")


def status_day_seconds(status: DataFrame, data_end: Column) -> DataFrame:
    """Seconds per (equipment_id, date, status): each status record lasts until the machine's next one
    (the last until ``data_end``), split at midnight UTC."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    w = Window.partitionBy("equipment_id").orderBy("event_time", "sequence")
    intervals = status.select(
        "equipment_id",
        "status",
        F.col("event_time").alias("start"),
        F.coalesce(F.lead("event_time").over(w), data_end).alias("end"),
    ).where(F.col("end") > F.col("start"))
    days = intervals.withColumn(
        "date",
        F.explode(F.sequence(F.to_date("start"), F.to_date(F.col("end") - F.expr("INTERVAL 1 MICROSECOND")))),
    )
    day_start = F.col("date").cast("timestamp")
    day_end = F.date_add("date", 1).cast("timestamp")
    seconds = F.least("end", day_end).cast("double") - F.greatest("start", day_start).cast("double")
    return days.select("equipment_id", "date", "status", seconds.alias("seconds"))


def equipment_daily(readings: DataFrame, quality: DataFrame, status: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    day = F.to_date("event_time").alias("date")
    sensors = readings.groupBy("equipment_id", day).agg(
        F.count(F.lit(1)).alias("readings"), *[F.avg(s).alias(f"{s}_mean") for s in SENSOR_FIELDS]
    )
    units = quality.groupBy("equipment_id", day).agg(
        F.sum("units_produced").alias("units_produced"), F.sum("units_defective").alias("units_defective")
    )
    end_row = readings.agg(F.max("event_time").alias("end")).first()
    data_end = F.lit(end_row["end"] if end_row is not None else None).cast("timestamp")
    durations = status_day_seconds(status, data_end)
    minutes = durations.groupBy("equipment_id", "date").agg(
        *[F.sum(F.when(F.col("status") == s, F.col("seconds")).otherwise(0.0)).alias(f"{s}_minutes") for s in STATUSES]
    )
    for s in STATUSES:
        minutes = minutes.withColumn(f"{s}_minutes", F.col(f"{s}_minutes") / 60.0)
    out = sensors.join(units, ["equipment_id", "date"], "full").join(minutes, ["equipment_id", "date"], "full")
    return out.withColumn(
        "defect_rate",
        F.when(F.col("units_produced") > 0, F.col("units_defective") / F.col("units_produced")),
    )


def run_aggregates(spark: Any, settings: Settings) -> dict[str, Any]:
    """Write the three aggregate tables; returns their row counts."""
    readings = read_cleansed(spark, settings, "sensor_readings")
    quality = read_cleansed(spark, settings, "quality_metrics")
    status = read_cleansed(spark, settings, "equipment_status")
    equipment = read_lake_table(spark, settings, "equipment")
    outputs = {
        "sensor_hourly": sensor_hourly(readings),
        "production_hourly": production_hourly(quality, equipment),
        "equipment_daily": equipment_daily(readings, quality, status),
    }
    counts: dict[str, Any] = {}
    for name, df in outputs.items():
        path = aggregates_path(settings, name)
        write_overwrite(df, path)
        counts[f"{name}_rows"] = spark.read.parquet(path).count()
    return counts
