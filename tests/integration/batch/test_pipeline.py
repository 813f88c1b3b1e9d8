"""All batch jobs on simulator data (or the numpy fleet while the simulator is absent): outputs and idempotence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mfg.batch.features import FEATURE_TABLE_COLUMNS
from mfg.batch.jobs import run_jobs
from mfg.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

OUTPUTS = (
    "cleansed/sensor_readings",
    "cleansed/equipment_status",
    "cleansed/quality_metrics",
    "features/features_hourly",
    "features/labels_hourly",
    "aggregates/sensor_hourly",
    "aggregates/production_hourly",
    "aggregates/equipment_daily",
)


def write_small_lake(lake: Path) -> str:
    try:
        from mfg.simulator import SimConfig, simulate, write_simulation
    except ImportError:
        from mfg.batch.synthetic import Fleet, write_fleet

        write_fleet(lake, Fleet(equipment=3, days=10, interval_s=300))
        return "numpy"
    write_simulation(simulate(SimConfig(equipment=3, days=10, seed=5, interval_s=300)), lake, progress=False)
    return "simulator"


def _snapshot(lake: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for name in OUTPUTS:
        df = pd.read_parquet(lake / name)
        out[name] = df.sort_values(list(df.columns[:4])).reset_index(drop=True)
    return out


def test_jobs_write_contract_tables_and_are_idempotent(spark: Any, settings: Settings) -> None:
    lake = settings.data_dir / "lake"
    write_small_lake(lake)
    conf = settings.model_copy(update={"lake_uri": str(lake), "spark_shuffle_partitions": 4})
    first = run_jobs(spark, conf)
    snap1 = _snapshot(lake)
    second = run_jobs(spark, conf)
    snap2 = _snapshot(lake)
    for name in OUTPUTS:
        pd.testing.assert_frame_equal(snap1[name], snap2[name], check_exact=True, obj=name)
    for job in ("features", "labels", "aggregates"):
        assert {k: v for k, v in first[job].items() if k != "seconds"} == {
            k: v for k, v in second[job].items() if k != "seconds"
        }

    features = snap1["features/features_hourly"]
    labels = snap1["features/labels_hourly"]
    assert list(features.columns) == FEATURE_TABLE_COLUMNS
    assert str(features["event_timestamp"].dt.tz) == "UTC"
    assert (features["event_timestamp"].dt.minute == 0).all()
    assert not features.duplicated(["equipment_id", "event_timestamp"]).any()
    assert features["shift"].isin([0, 1, 2]).all() and features["hour_of_day"].between(0, 23).all()
    assert features["temperature_mean_1h"].notna().mean() > 0.95
    assert (features["temperature_max_24h"] >= features["temperature_mean_24h"] - 1e-9).all()
    keys = ["equipment_id", "event_timestamp"]
    assert features[keys].merge(labels[keys], how="outer", indicator=True)["_merge"].eq("both").all()
    assert set(labels["failure_within_7_days"].unique()) <= {0, 1}
    assert labels["censored"].dtype == bool and labels["censored"].any()
    assert (
        first["cleansing"]["sensor_readings"]["output_rows"]
        > 0.99 * first["cleansing"]["sensor_readings"]["input_rows"]
    )


def test_labels_agree_with_simulator_ground_truth(spark: Any, settings: Settings) -> None:
    pytest.importorskip("mfg.simulator", reason="the simulator writes the ground truth")
    from mfg.simulator import SimConfig, simulate, write_simulation

    lake = settings.data_dir / "lake"
    result = simulate(SimConfig(equipment=4, days=14, seed=3, interval_s=600))
    write_simulation(result, lake, progress=False)
    conf = settings.model_copy(update={"lake_uri": str(lake)})
    run_jobs(spark, conf, ["cleansing", "features", "labels"])
    labels = pd.read_parquet(lake / "features" / "labels_hourly")
    truth = result.ground_truth["pdm_labels"].to_pandas()
    truth["event_timestamp"] = pd.to_datetime(truth["hour"], utc=True) + pd.Timedelta(hours=1)
    both = labels.merge(truth, on=["equipment_id", "event_timestamp"], suffixes=("", "_truth"))
    assert len(both) == len(labels)
    agree = (both["failure_within_7_days"] == both["failure_within_7_days_truth"]).mean()
    assert agree > 0.98, f"labels agree with the ground truth on only {agree:.2%} of hours"
    if result.ground_truth["failures"].num_rows:
        assert both["failure_within_7_days"].sum() > 0
