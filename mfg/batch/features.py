"""Feature job: ``<lake>/features/features_hourly`` per the feature table contract (see COMMON design).

One row per (equipment_id, event_timestamp) for every hour in which the machine sent at least one
cleansed reading; ``event_timestamp`` is the end of that hour (UTC).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mfg.batch.events import context_features, failure_times, failures_frame
from mfg.batch.io import features_path, read_cleansed, read_lake_table, write_overwrite
from mfg.batch.rolling import feature_columns, hourly_partials, rolling_stats
from mfg.settings import Settings

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

CONTEXT_COLUMNS: tuple[str, ...] = (
    "hours_since_maintenance",
    "failures_last_30d",
    "equipment_age_days",
    "hour_of_day",
    "day_of_week",
    "shift",
)
FEATURE_TABLE_COLUMNS: list[str] = [
    "equipment_id",
    "event_timestamp",
    "equipment_type",
    *feature_columns(),
    *CONTEXT_COLUMNS,
]


def build_features(
    spark: SparkSession,
    readings: DataFrame,
    *,
    equipment: DataFrame,
    plants: DataFrame,
    maintenance: DataFrame,
    failures: pd.DataFrame,
) -> DataFrame:
    """The feature table from cleansed readings, reference tables and the merged failures."""
    rolled = rolling_stats(hourly_partials(readings)).drop("hour_idx")
    full = context_features(rolled, equipment, plants, maintenance, failures_frame(spark, failures))
    return full.select(*FEATURE_TABLE_COLUMNS)


def run_features(spark: SparkSession, settings: Settings) -> dict[str, Any]:
    """Compute and write ``features_hourly``; returns row and machine counts."""
    readings = read_cleansed(spark, settings, "sensor_readings")
    maintenance = read_lake_table(spark, settings, "maintenance_events")
    status = read_cleansed(spark, settings, "equipment_status")
    failures = failure_times(status, maintenance)
    features = build_features(
        spark,
        readings,
        equipment=read_lake_table(spark, settings, "equipment"),
        plants=read_lake_table(spark, settings, "plants"),
        maintenance=maintenance,
        failures=failures,
    )
    path = features_path(settings, "features_hourly")
    write_overwrite(features, path)
    written = spark.read.parquet(path)
    return {
        "feature_rows": written.count(),
        "feature_columns": len(written.columns),
        "failures": len(failures),
    }
