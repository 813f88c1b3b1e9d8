"""A tiny feature table and label table that follow the feature table contract (COMMON.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mfg.contracts.tables import SENSOR_FIELDS

WINDOWS = ("1h", "6h", "24h")
STATS = ("mean", "std", "min", "max", "slope")


def feature_columns() -> list[str]:
    return [f"{s}_{stat}_{w}" for s in SENSOR_FIELDS for w in WINDOWS for stat in STATS]


def tiny_features(machines: int = 3, hours: int = 48, seed: int = 0) -> pd.DataFrame:
    """Hourly rows per machine; vibration rises with the hour index for machine 0."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-01T01:00", tz="UTC")
    rows = []
    for m in range(machines):
        for h in range(hours):
            row: dict[str, object] = {
                "equipment_id": f"EQ-{m:03d}",
                "event_timestamp": start + pd.Timedelta(hours=h),
                "equipment_type": "cnc_mill",
            }
            for col in feature_columns():
                row[col] = float(rng.normal())
            row["vibration_rms_mean_24h"] = float(h * 0.1 + m)
            row["hours_since_maintenance"] = float(h)
            row["failures_last_30d"] = np.int32(0)
            row["equipment_age_days"] = 100.0 + h / 24
            row["hour_of_day"] = np.int32((h + 1) % 24)
            row["day_of_week"] = np.int32(3)
            row["shift"] = np.int32(0)
            rows.append(row)
    return pd.DataFrame(rows)


def write_features(frame: pd.DataFrame, lake: Path) -> Path:
    """Write like Spark does: a folder of part files plus a _SUCCESS marker."""
    out = lake / "features" / "features_hourly"
    out.mkdir(parents=True, exist_ok=True)
    half = len(frame) // 2
    frame.iloc[:half].to_parquet(out / "part-00000.parquet", index=False)
    frame.iloc[half:].to_parquet(out / "part-00001.parquet", index=False)
    (out / "_SUCCESS").write_text("")
    return out


def tiny_pdm_frame(machines: int = 8, days: int = 24, seed: int = 0) -> pd.DataFrame:
    """Features plus labels where failures follow wear: vibration and tool wear rise before each one.

    Each machine wears at its own rate; it fails when wear reaches a noisy limit, then wear resets.
    ``failure_within_7_days`` is 1 when a failure happens in (t, t + 7 d]; the last 7 days are censored.
    """
    rng = np.random.default_rng(seed)
    hours = days * 24
    start = pd.Timestamp("2026-01-01T01:00", tz="UTC")
    cols = feature_columns()
    frames = []
    for m in range(machines):
        rate = rng.uniform(0.7, 1.3) / (24 * 16)  # ~16 days per wear cycle
        wear, fail_at, failures = 0.0, rng.uniform(0.85, 1.15), []
        wear_series = np.empty(hours)
        for h in range(hours):
            wear += rate * rng.uniform(0.5, 1.5)
            if wear >= fail_at:
                failures.append(h)
                wear, fail_at = 0.0, rng.uniform(0.85, 1.15)
            wear_series[h] = wear
        noise = rng.normal(size=(hours, len(cols)))
        f = pd.DataFrame(noise, columns=cols)
        for w in ("1h", "6h", "24h"):
            f[f"vibration_rms_mean_{w}"] = 3.0 + 2.5 * wear_series**2 + 0.2 * rng.normal(size=hours)
            f[f"tool_wear_mean_{w}"] = 100 * wear_series + 5 * rng.normal(size=hours)
            f[f"temperature_mean_{w}"] = 60 + 8 * wear_series + rng.normal(size=hours)
        f.insert(0, "equipment_id", f"EQ-{m:03d}")
        f.insert(1, "event_timestamp", start + pd.to_timedelta(np.arange(hours), unit="h"))
        f.insert(2, "equipment_type", ["cnc_mill", "pump"][m % 2])
        f["hours_since_maintenance"] = 24.0 * wear_series * 16
        f["failures_last_30d"] = 0
        f["equipment_age_days"] = 300.0 + np.arange(hours) / 24
        f["hour_of_day"] = (np.arange(hours) + 1) % 24
        f["day_of_week"] = ((np.arange(hours) + 1) // 24) % 7
        f["shift"] = 0
        hrs = np.arange(hours)
        label = np.zeros(hours, dtype=int)
        for fh in failures:
            label[(hrs < fh) & (hrs >= fh - 7 * 24)] = 1
        f["failure_within_7_days"] = label
        f["censored"] = hrs >= hours - 7 * 24
        frames.append(f)
    return pd.concat(frames, ignore_index=True)
