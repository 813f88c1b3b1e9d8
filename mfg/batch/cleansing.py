"""Cleansing job: null keys, duplicates by (equipment_id, sequence), impossible values and outliers.

Rules are in :mod:`mfg.batch.rules`. Writes ``<lake>/cleansed/<table>`` and
``<lake>/cleansed/<table>_rejected`` (the rejected records with a ``reject_reason``), overwriting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mfg.batch import rules
from mfg.batch.io import cleansed_path, read_lake_table, write_overwrite
from mfg.contracts.tables import SENSOR_FIELDS
from mfg.settings import Settings

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

KEYS = ("event_time", "equipment_id", "plant_id", "sequence")


def _key_and_duplicate_reason(df: DataFrame) -> Column:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    first = Window.partitionBy("equipment_id", "sequence").orderBy("event_time")
    null_key = F.lit(False)
    for k in KEYS:
        null_key = null_key | F.col(k).isNull()
    return F.when(null_key, F.lit(rules.REJECT_NULL_KEY)).when(
        F.row_number().over(first) > 1, F.lit(rules.REJECT_DUPLICATE)
    )


def flag_sensor_readings(df: DataFrame) -> DataFrame:
    """Add ``reject_reason`` and null out impossible values and outliers (``_imp_*``/``_out_*`` flags)."""
    from pyspark.sql import functions as F

    keys = [F.col(k) for k in KEYS]
    df = df.select(*keys, *SENSOR_FIELDS, _key_and_duplicate_reason(df).alias("reject_reason"))
    cols = [*keys, F.col("reject_reason")]
    for s in SENSOR_FIELDS:
        rule = rules.SENSOR_RULES[s]
        x = F.col(s)
        impossible = x.isNotNull() & (F.isnan(x) | (x < rule.low) | (x > rule.high))
        cols += [
            F.when(impossible, F.lit(None).cast("double")).otherwise(x).alias(s),
            impossible.cast("int").alias(f"_imp_{s}"),
        ]
    df = df.select(*cols)
    checked = [s for s in SENSOR_FIELDS if rules.SENSOR_RULES[s].outlier_k is not None]
    aggs = [F.percentile_approx(s, list(rules.FENCE_QUANTILES), 1000).alias(f"_q_{s}") for s in checked]
    stats = df.where(F.col("reject_reason").isNull()).groupBy("equipment_id").agg(*aggs)
    df = df.join(F.broadcast(stats), "equipment_id", "left")
    cols = [*keys, F.col("reject_reason"), *[F.col(f"_imp_{s}") for s in SENSOR_FIELDS]]
    for s in SENSOR_FIELDS:
        x, k = F.col(s), rules.SENSOR_RULES[s].outlier_k
        if k is None:
            outlier = F.lit(False)
        else:
            q = F.col(f"_q_{s}")
            lo, hi = q.getItem(0), q.getItem(1)
            width = F.lit(k) * (hi - lo)
            outlier = F.coalesce(x.isNotNull() & ((x < lo - width) | (x > hi + width)), F.lit(False))
        cleaned = F.when(outlier, F.lit(None).cast("double")).otherwise(x)
        cols += [cleaned.alias(s), outlier.cast("int").alias(f"_out_{s}")]
    df = df.select(*cols)
    all_null = F.lit(True)
    for s in SENSOR_FIELDS:
        all_null = all_null & F.col(s).isNull()
    return df.withColumn(
        "reject_reason", F.coalesce(F.col("reject_reason"), F.when(all_null, F.lit(rules.REJECT_NO_VALUES)))
    )


def flag_equipment_status(df: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    reason = _key_and_duplicate_reason(df)
    valid = F.col("status").isin(*rules.VALID_STATUSES)
    return df.withColumn("reject_reason", F.coalesce(reason, F.when(~valid, F.lit(rules.REJECT_INVALID_STATUS))))


def flag_quality_metrics(df: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    reason = _key_and_duplicate_reason(df)
    bad_class = ~F.col("defect_class").isin(*rules.VALID_DEFECT_CLASSES)
    bad_units = (
        F.col("units_produced").isNull()
        | F.col("units_defective").isNull()
        | (F.col("units_produced") < 0)
        | (F.col("units_defective") < 0)
        | (F.col("units_defective") > F.col("units_produced"))
    )
    return df.withColumn(
        "reject_reason",
        F.coalesce(
            reason,
            F.when(bad_class, F.lit(rules.REJECT_INVALID_DEFECT_CLASS)).when(
                bad_units, F.lit(rules.REJECT_IMPOSSIBLE_UNITS)
            ),
        ),
    )


def _split(
    spark: SparkSession, settings: Settings, table: str, flagged: DataFrame, columns: list[str]
) -> dict[str, Any]:
    from pyspark.sql import functions as F

    flagged = flagged.persist()
    try:
        flag_cols = [c for c in flagged.columns if c.startswith(("_imp_", "_out_"))]
        row = flagged.agg(
            F.count(F.lit(1)).alias("input_rows"),
            F.sum(F.col("reject_reason").isNull().cast("int")).alias("output_rows"),
            *[F.sum(c).alias(c) for c in flag_cols],
        ).first()
        reasons = flagged.where(F.col("reject_reason").isNotNull()).groupBy("reject_reason").count().collect()
        write_overwrite(flagged.where(F.col("reject_reason").isNull()).select(*columns), cleansed_path(settings, table))
        write_overwrite(
            flagged.where(F.col("reject_reason").isNotNull()).select(*columns, "reject_reason"),
            cleansed_path(settings, f"{table}_rejected"),
            files=1,
        )
    finally:
        flagged.unpersist()
    assert row is not None
    summary: dict[str, Any] = {
        "input_rows": int(row["input_rows"]),
        "output_rows": int(row["output_rows"] or 0),
        "rejected": {r["reject_reason"]: int(r["count"]) for r in reasons},
    }
    if flag_cols:
        summary["values_nulled"] = {
            "impossible": {c[5:]: int(row[c] or 0) for c in flag_cols if c.startswith("_imp_")},
            "outlier": {c[5:]: int(row[c] or 0) for c in flag_cols if c.startswith("_out_")},
        }
    return summary


def run_cleansing(spark: SparkSession, settings: Settings) -> dict[str, Any]:
    """Cleanse sensor_readings, equipment_status and quality_metrics; returns counts per table."""
    out: dict[str, Any] = {}
    for table, flag in (
        ("sensor_readings", flag_sensor_readings),
        ("equipment_status", flag_equipment_status),
        ("quality_metrics", flag_quality_metrics),
    ):
        raw = read_lake_table(spark, settings, table)
        out[table] = _split(spark, settings, table, flag(raw), list(raw.columns))
    return out
