"""Feature and label values on tiny hand-made series, against numbers worked out by hand."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from mfg.batch.events import error_episode_starts
from mfg.batch.features import FEATURE_TABLE_COLUMNS, build_features
from mfg.batch.labels import build_labels

pytestmark = pytest.mark.integration

T0 = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)  # a Monday


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _readings(spark: Any) -> Any:
    # temperature 1, 2, 3 in hour 0; 4, 6 in hour 1; nothing in hour 2; 10 in hour 3.
    # Other sensors are constant 5.0, except pressure which is always null.
    points = [(0, 1.0), (20, 2.0), (40, 3.0), (60, 4.0), (90, 6.0), (180, 10.0)]
    rows = [(_at(m), "E1", "P1", i, x, 5.0, None, 5.0, 5.0, 5.0, 5.0) for i, (m, x) in enumerate(points)]
    schema = (
        "event_time timestamp, equipment_id string, plant_id string, sequence long, temperature double, "
        "vibration_rms double, pressure double, rotational_speed double, torque double, power double, "
        "tool_wear double"
    )
    return spark.createDataFrame(rows, schema)


def _reference(spark: Any) -> dict[str, Any]:
    equipment = spark.createDataFrame(
        [("E1", "P1", "L1", "pump", date(2025, 12, 31), 10.0, 30.0)],
        "equipment_id string, plant_id string, line_id string, equipment_type string, install_date date, "
        "rated_power_kw double, ideal_cycle_time_s double",
    )
    plants = spark.createDataFrame([("P1", "Plant 1", "UTC")], "plant_id string, name string, timezone string")
    maintenance = spark.createDataFrame(
        [(_at(-600), _at(-540), "E1", "P1", "scheduled", None), (_at(150), _at(200), "E1", "P1", "corrective", "x")],
        "event_time timestamp, end_time timestamp, equipment_id string, plant_id string, kind string, "
        "failure_mode string",
    )
    return {"equipment": equipment, "plants": plants, "maintenance": maintenance}


def _features(spark: Any, failures: pd.DataFrame | None = None) -> pd.DataFrame:
    if failures is None:
        failures = pd.DataFrame({"equipment_id": ["E1"], "failure_time": [pd.Timestamp(_at(150))]})
    df = build_features(spark, _readings(spark), failures=failures, **_reference(spark)).toPandas()
    df["event_timestamp"] = pd.to_datetime(df["event_timestamp"], utc=True)
    return df.set_index("event_timestamp").sort_index()


def test_rolling_statistics_match_hand_computation(spark: Any) -> None:
    f = _features(spark)
    assert list(f.reset_index().columns) == [
        "event_timestamp",
        *[c for c in FEATURE_TABLE_COLUMNS if c != "event_timestamp"],
    ]
    # one row per hour with readings: hour ends 01:00, 02:00 and 04:00 (hour 2 had none)
    assert list(f.index) == [pd.Timestamp(_at(60)), pd.Timestamp(_at(120)), pd.Timestamp(_at(240))]
    h1, h2, h4 = f.iloc[0], f.iloc[1], f.iloc[2]
    # hour ending 01:00: x = 1, 2, 3 at t = 0, 1/3, 2/3 h
    assert h1["temperature_mean_1h"] == pytest.approx(2.0)
    assert h1["temperature_std_1h"] == pytest.approx(1.0)
    assert (h1["temperature_min_1h"], h1["temperature_max_1h"]) == (1.0, 3.0)
    assert h1["temperature_slope_1h"] == pytest.approx(3.0)  # +1 per 20 min
    # hour ending 02:00: x = 4, 6 at t = 1.0, 1.5 h
    assert h2["temperature_mean_1h"] == pytest.approx(5.0)
    assert h2["temperature_std_1h"] == pytest.approx(math.sqrt(2.0))
    assert h2["temperature_slope_1h"] == pytest.approx(4.0)
    # 6 h at 02:00: x = 1, 2, 3, 4, 6 -> mean 3.2, sample var 14.8 / 4, slope 4.4667 / 1.3556
    assert h2["temperature_mean_6h"] == pytest.approx(3.2)
    assert h2["temperature_std_6h"] == pytest.approx(math.sqrt(3.7))
    assert h2["temperature_slope_6h"] == pytest.approx(3.2950819672)
    # hour ending 04:00: 1 h holds only x = 10 (no std, no slope); 6 h and 24 h span the gap
    assert h4["temperature_mean_1h"] == pytest.approx(10.0)
    assert pd.isna(h4["temperature_std_1h"]) and pd.isna(h4["temperature_slope_1h"])
    assert h4["temperature_mean_6h"] == pytest.approx(26.0 / 6)
    assert h4["temperature_max_24h"] == 10.0 and h4["temperature_min_24h"] == 1.0
    # constant and all-null sensors
    assert h2["vibration_rms_std_6h"] == pytest.approx(0.0, abs=1e-9)
    assert h2["vibration_rms_slope_6h"] == pytest.approx(0.0, abs=1e-9)
    assert f["pressure_mean_24h"].isna().all()


def test_context_features(spark: Any) -> None:
    f = _features(spark)
    h1, h2, h4 = f.iloc[0], f.iloc[1], f.iloc[2]
    # last maintenance ended at -09:00 -> 10 h before 01:00; the corrective one runs 02:30-03:20
    assert h1["hours_since_maintenance"] == pytest.approx(10.0)
    assert h2["hours_since_maintenance"] == pytest.approx(11.0)
    assert h4["hours_since_maintenance"] == pytest.approx(40 / 60)
    assert list(f["failures_last_30d"]) == [0, 0, 1]
    assert h1["equipment_age_days"] == pytest.approx(5 + 1 / 24)
    assert list(f["hour_of_day"]) == [1, 2, 4]
    assert list(f["day_of_week"]) == [0, 0, 0]
    assert list(f["shift"]) == [2, 2, 2]
    assert h1["equipment_type"] == "pump"


def test_shift_and_weekday_use_plant_local_time(spark: Any) -> None:
    ref = _reference(spark)
    ref["plants"] = spark.createDataFrame(
        [("P1", "Plant 1", "Asia/Shanghai")], "plant_id string, name string, timezone string"
    )
    empty = pd.DataFrame({"equipment_id": pd.Series(dtype=str), "failure_time": pd.Series(dtype="datetime64[us, UTC]")})
    f = build_features(spark, _readings(spark), failures=empty, **ref).toPandas()
    # 01:00 UTC is 09:00 in Shanghai (morning shift); 04:00 UTC is 12:00
    assert sorted(f["hour_of_day"]) == [9, 10, 12]
    assert set(f["shift"]) == {0}
    assert set(f["failures_last_30d"]) == {0}


def test_labels_mark_the_seven_days_before_a_failure(spark: Any) -> None:
    hours = [T0 + timedelta(hours=h) for h in range(0, 24 * 12)]
    keys = spark.createDataFrame([("E1", t) for t in hours], "equipment_id string, event_timestamp timestamp")
    failure = T0 + timedelta(days=8, hours=12)
    failures = pd.DataFrame({"equipment_id": ["E1"], "failure_time": [pd.Timestamp(failure)]})
    labels = build_labels(spark, keys, failures).toPandas()
    labels["event_timestamp"] = pd.to_datetime(labels["event_timestamp"], utc=True)
    by_t = labels.set_index("event_timestamp")
    positive = by_t.index[by_t["failure_within_7_days"] == 1]
    # failure in (T, T + 7 d]: T from failure - 7 d (inclusive) up to the hour before the failure
    assert positive.min() == pd.Timestamp(failure - timedelta(days=7))
    assert positive.max() == pd.Timestamp(failure - timedelta(hours=1))
    assert len(positive) == 7 * 24
    # censored: a 0 whose T + 7 d runs past the last hour end of the data (a 1 is certain)
    end = max(hours)
    late = {pd.Timestamp(t) for t in hours if t + timedelta(days=7) > end}
    assert set(by_t.index[by_t["censored"]]) == late - set(positive)
    assert late & set(positive) and not by_t.loc[pd.Timestamp(T0), "censored"]
    assert set(labels.columns) == {"equipment_id", "event_timestamp", "failure_within_7_days", "censored"}


def test_error_episode_starts(spark: Any) -> None:
    seq = ["running", "error", "error", "running", "maintenance", "error", "running"]
    status = spark.createDataFrame(
        [(_at(10 * i), "E1", "P1", i, s, None) for i, s in enumerate(seq)],
        "event_time timestamp, equipment_id string, plant_id string, sequence long, status string, error_code string",
    )
    starts = sorted(r["failure_time"] for r in error_episode_starts(status).collect())
    assert len(starts) == 2
    assert [s.timestamp() for s in starts] == [_at(10).timestamp(), _at(50).timestamp()]
