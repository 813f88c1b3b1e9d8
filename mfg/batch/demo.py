"""Demo step "batch": cleansing -> features -> labels -> aggregates on the lake, with a local Spark."""

from __future__ import annotations

from typing import Any

from mfg.settings import Settings


def demo_step(settings: Settings, ctx: Any) -> dict[str, Any]:
    from mfg.batch.jobs import run_jobs
    from mfg.batch.session import build_session

    spark = build_session(settings, app_name="mfg-demo-batch")
    try:
        res = run_jobs(spark, settings)
    finally:
        spark.stop()
    readings = res["cleansing"]["sensor_readings"]
    rejected = sum(sum(t["rejected"].values()) for t in res["cleansing"].values() if isinstance(t, dict))
    nulled = sum(sum(v.values()) for v in readings.get("values_nulled", {}).values())
    return {
        "readings_in": readings["input_rows"],
        "readings_clean": readings["output_rows"],
        "rejected_records": rejected,
        "values_nulled": nulled,
        "feature_rows": res["features"]["feature_rows"],
        "feature_columns": res["features"]["feature_columns"],
        "label_rows": res["labels"]["label_rows"],
        "positive_labels": res["labels"]["positive_labels"],
        "failures": res["features"]["failures"],
        "sensor_hourly_rows": res["aggregates"]["sensor_hourly_rows"],
        "equipment_daily_rows": res["aggregates"]["equipment_daily_rows"],
        "spark_seconds": round(sum(v["seconds"] for v in res.values()), 1),
    }
