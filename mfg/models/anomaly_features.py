"""Window features of sensor readings for the anomaly detector, and their ground-truth labels.

Per machine and sensor, readings are standardised with that machine's per-sensor mean and std on the
training rows (:class:`SensorStats`) and summarised over trailing windows: level (drifts), deviation
from the level (spikes), spread, share of repeated values (stuck sensors) and share of missing values
(dropouts). Rows are taken every ``stride`` readings to keep training fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mfg.contracts.tables import SENSOR_FIELDS
from mfg.models.anomaly_regime import RegimeModel

KEYS = ["equipment_id", "event_time"]
#: monotone counters: their level only says how long since the last reset, never "unusual"
COUNTERS = ("tool_wear",)


@dataclass
class SensorStats:
    """Per-machine (and fleet-wide fallback) mean and std of each sensor."""

    mean: dict[str, dict[str, float]] = field(default_factory=dict)
    std: dict[str, dict[str, float]] = field(default_factory=dict)
    fleet_mean: dict[str, float] = field(default_factory=dict)
    fleet_std: dict[str, float] = field(default_factory=dict)

    regime: RegimeModel = field(default_factory=RegimeModel)

    @classmethod
    def fit(cls, readings: pd.DataFrame, sensors: tuple[str, ...] = SENSOR_FIELDS) -> SensorStats:
        grouped = readings.groupby("equipment_id")[list(sensors)]
        mean, std = grouped.mean(), grouped.std().fillna(0.0)
        stats = cls(
            mean={str(k): {s: float(v) for s, v in row.items()} for k, row in mean.iterrows()},
            std={str(k): {s: float(v) for s, v in row.items()} for k, row in std.iterrows()},
            fleet_mean={s: float(readings[s].mean()) for s in sensors},
            fleet_std={s: float(readings[s].std()) for s in sensors},
        )
        targets = tuple(s for s in sensors if s not in COUNTERS)
        stats.regime = RegimeModel(sensors=targets)
        for equipment_id, group in readings.sort_values(KEYS).groupby("equipment_id", sort=True):
            z = stats.standardise(str(equipment_id), group, targets).to_numpy()
            stats.regime.fit_machine(str(equipment_id), group, z, _hours(group))
        return stats

    def standardise(self, equipment_id: str, frame: pd.DataFrame, sensors: tuple[str, ...]) -> pd.DataFrame:
        mean = self.mean.get(equipment_id, self.fleet_mean)
        std = self.std.get(equipment_id, self.fleet_std)
        out = pd.DataFrame(index=frame.index)
        for s in sensors:
            scale = std.get(s, 1.0) or 1.0
            out[s] = (frame[s].astype(float) - mean.get(s, 0.0)) / (scale if np.isfinite(scale) else 1.0)
        return out


def _hours(group: pd.DataFrame) -> np.ndarray:
    times = pd.to_datetime(group["event_time"], utc=True)
    return np.asarray(times.dt.hour + times.dt.minute / 60.0, dtype=float)


def _repeats(values: pd.DataFrame, running: np.ndarray) -> pd.DataFrame:
    """True where a reading equals the one before, leaving out what a stopped machine does anyway:
    exact zeros (speed, torque) and counters that do not move while it stands."""
    same = (values.diff() == 0) & (values != 0)
    for s in COUNTERS:
        if s in same:
            same[s] &= running
    return same


def window_features(
    readings: pd.DataFrame,
    stats: SensorStats,
    windows: tuple[int, int] = (10, 60),
    stride: int = 5,
    baseline: int = 360,
    sensors: tuple[str, ...] = SENSOR_FIELDS,
) -> pd.DataFrame:
    """``equipment_id``, ``event_time`` and fault-oriented window features per kept reading.

    Each sensor's regime residual ``r`` (:class:`~mfg.models.anomaly_regime.RegimeModel`: the reading
    minus its expected value given the other sensors, in units of its spread) is summarised with
    ``short, long = windows``: ``<s>_res`` (mean of ``r`` over ``short``: spikes, stuck values as the
    regime moves on), ``<s>_level`` (mean of ``r`` over ``long``: drifts), ``<s>_trend`` (``_level``
    minus the mean of ``r`` over the ``baseline`` readings before it: slow drifts against the
    machine's recent normal), ``<s>_repeat`` (share of unchanged consecutive readings over ``long``:
    stuck sensors), plus ``missing_share_<w>`` for both windows (dropouts). Counters (``COUNTERS``)
    keep only ``_repeat``.
    """
    short, long = windows
    targets = tuple(s for s in sensors if s not in COUNTERS)
    parts = []
    for equipment_id, group in readings.sort_values(KEYS).groupby("equipment_id", sort=True):
        z = stats.standardise(str(equipment_id), group, targets).to_numpy()
        res = stats.regime.residuals(str(equipment_id), group, z, _hours(group))
        r = pd.DataFrame(res, columns=list(targets), index=group.index).fillna(0.0)
        missing = group[list(sensors)].isna().mean(axis=1)
        recent = r.rolling(long, min_periods=1).mean()
        base = r.rolling(baseline, min_periods=1).mean().shift(long).fillna(recent)
        fast = r.rolling(short, min_periods=1).mean() - base
        trend = recent - base
        repeat = _repeats(group[list(sensors)], stats.regime.running(str(equipment_id), group))
        repeat = repeat.astype(float).rolling(long, min_periods=1).mean()
        cols: dict[str, pd.Series] = {f"missing_share_{w}": missing.rolling(w, min_periods=1).mean() for w in windows}
        for s in sensors:
            if s not in COUNTERS:
                cols[f"{s}_res"] = fast[s]
                cols[f"{s}_trend"] = trend[s]
            cols[f"{s}_repeat"] = repeat[s]
        feats = pd.DataFrame(cols, index=group.index)
        feats.insert(0, "event_time", group["event_time"])
        feats.insert(0, "equipment_id", group["equipment_id"])
        parts.append(feats.iloc[::stride])
    if not parts:
        return pd.DataFrame(columns=KEYS)
    return pd.concat(parts, ignore_index=True)


def feature_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in KEYS]


def label_rows(frame: pd.DataFrame, windows: pd.DataFrame) -> np.ndarray:
    """1 where a row's time falls inside an anomaly window of its machine (bounds included)."""
    y = np.zeros(len(frame), dtype=bool)
    if windows.empty:
        return y
    times = pd.to_datetime(frame["event_time"], utc=True)
    for w in windows.itertuples(index=False):
        mask = (frame["equipment_id"] == w.equipment_id).to_numpy()
        mask &= ((times >= pd.Timestamp(w.start_time)) & (times <= pd.Timestamp(w.end_time))).to_numpy()
        y |= mask
    return y


def read_simulation(sim_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sensor readings and anomaly windows written by ``write_simulation``."""
    from mfg.lake import read_pandas

    readings = read_pandas(sim_dir, "sensor_readings", columns=[*KEYS, *SENSOR_FIELDS])
    readings["event_time"] = pd.to_datetime(readings["event_time"], utc=True)
    windows_path = Path(sim_dir) / "ground_truth" / "anomaly_windows" / "data.parquet"
    windows = pd.read_parquet(windows_path) if windows_path.is_file() else pd.DataFrame()
    return readings, windows
