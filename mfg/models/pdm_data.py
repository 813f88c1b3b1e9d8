"""Predictive-maintenance data: the labelled training frame, the leakage-safe split, model inputs.

The frame is one row per (machine, hour end) with the feature table's columns and the label
``failure_within_7_days``. Rows whose 7-day horizon runs past the data (``censored``) are dropped:
their label is unknown, not negative.

Split (:func:`time_split`): three consecutive time blocks on every machine, ``train`` |
``validation`` | ``holdout`` (by default 60 / 20 / 20 % of the time span). The booster is fitted on
``train``; calibration and the decision threshold are fitted on that same booster's predictions of
``validation``; the holdout is scored by that same booster, never refitted, so the threshold is
chosen on the model that is evaluated. A positive row announces one failure event: the failure that
ends its run of consecutive positive rows (:func:`announced_failure`, found from the labels alone).
Training rows announcing a failure at or after the validation start are purged (embargo), so no
failure event is learnt from and then scored. The validation and holdout blocks are never purged.

``failures_last_30d`` is kept in the feature table but is not a model input
(:data:`EXCLUDED_FEATURES`): its 30-day lookback is cut off at the start of the data, so its
distribution in the early (training) weeks differs from later weeks. With it, the booster's
holdout AUC fell from 0.98 to 0.95 and the threshold did not carry over (see ``docs/models.md``).

Model inputs (:func:`model_matrix`): the numeric feature columns, ``equipment_type`` one-hot, and
for every ``<sensor>_{mean,max}_{6h,24h}`` its ratio to the machine's normal (``rel_<column>``, 0 =
normal). A machine's normal is the median of each column over its rows before the holdout
(:func:`machine_baselines`, feature values only, no labels); an unknown machine falls back to its
type's normal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from mfg.contracts.tables import EQUIPMENT_TYPES, SENSOR_FIELDS

if TYPE_CHECKING:
    import pandas as pd

LABEL = "failure_within_7_days"
HORIZON = timedelta(days=7)
KEYS = ("equipment_id", "event_timestamp")
NON_FEATURES = frozenset({*KEYS, "equipment_type", LABEL, "censored"})
EXCLUDED_FEATURES = frozenset({"failures_last_30d"})
REL_COLUMNS = tuple(f"{s}_{stat}_{w}" for s in SENSOR_FIELDS for stat in ("mean", "max") for w in ("6h", "24h"))


class PdmDataError(ValueError):
    """The PdM training data is missing, empty or lacks a column."""


@dataclass
class Split:
    """Training, validation and holdout rows and the two block boundaries."""

    train: pd.DataFrame
    validation: pd.DataFrame
    holdout: pd.DataFrame
    validation_start: pd.Timestamp
    holdout_start: pd.Timestamp

    def sizes(self) -> dict[str, int]:
        parts = {"train": self.train, "validation": self.validation, "holdout": self.holdout}
        rows = {f"{name}_rows": len(part) for name, part in parts.items()}
        return rows | {f"{name}_positives": int(part[LABEL].sum()) for name, part in parts.items()}


def drop_censored(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose label is known."""
    for col in (*KEYS, LABEL, "censored"):
        if col not in frame.columns:
            raise PdmDataError(f"PdM frame lacks column {col!r}")
    return frame[~frame["censored"].astype(bool)].reset_index(drop=True)


def announced_failure(data: pd.DataFrame) -> pd.Series:
    """For each positive row, the last timestamp of its run of positive rows (the failure follows it).

    NaT for negative rows. When two failures are less than 7 days apart their runs merge and the
    later one is returned, which can only purge more, never less.
    """
    import pandas as pd

    order = data.sort_values(list(KEYS))
    positive = order[LABEL].astype(int) == 1
    new_run = (positive != positive.shift()) | (order["equipment_id"] != order["equipment_id"].shift())
    run_id = new_run.cumsum()
    run_end = pd.to_datetime(order["event_timestamp"], utc=True).groupby(run_id).transform("max")
    return run_end.where(positive).reindex(data.index)


def time_split(frame: pd.DataFrame, holdout: float = 0.2, validation: float = 0.2) -> Split:
    """Split uncensored rows into train | validation | holdout time blocks (see the module docstring)."""
    import pandas as pd

    if not (0 < holdout < 1 and 0 < validation < 1 and holdout + validation < 1):
        raise PdmDataError(f"holdout={holdout} and validation={validation} must be in (0, 1) and sum below 1")
    data = drop_censored(frame)
    if data.empty:
        raise PdmDataError("no uncensored rows: the data must span more than the 7-day label horizon")
    ts = pd.to_datetime(data["event_timestamp"], utc=True)
    t0 = ts.min()
    t_h = t0 + (ts.max() - t0) * (1 - holdout)
    t_v = t0 + (ts.max() - t0) * (1 - holdout - validation)
    failure = announced_failure(data)
    train = data[(ts < t_v) & ~(failure >= t_v)]
    split = Split(train, data[(ts >= t_v) & (ts < t_h)], data[ts >= t_h], t_v, t_h)
    for name, part in (("train", split.train), ("validation", split.validation), ("holdout", split.holdout)):
        if part[LABEL].nunique() < 2:
            raise PdmDataError(f"{name} split ({len(part)} rows) has a single class; simulate more machines or days")
    return split


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """Numeric model-input columns of the feature table present in ``frame`` (contract order)."""
    return [c for c in frame.columns if c not in NON_FEATURES | EXCLUDED_FEATURES and not c.startswith("rel_")]


def machine_baselines(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Per-machine medians of ``columns``, plus per-type rows keyed ``type:<t>``.

    Computed from feature values only (no labels), over rows before the holdout.
    """
    import pandas as pd

    per_machine = rows.groupby("equipment_id")[columns].median()
    per_type = rows.groupby("equipment_type")[columns].median()
    per_type.index = [f"type:{t}" for t in per_type.index]
    return pd.concat([per_machine, per_type])


def baseline_rows(frame: pd.DataFrame, baselines: pd.DataFrame) -> pd.DataFrame:
    """The normal of each row's machine (its type's normal when the machine is unknown)."""
    by_machine = baselines.reindex(frame["equipment_id"].to_numpy())
    by_type = baselines.reindex([f"type:{t}" for t in frame["equipment_type"]])
    out = by_machine.fillna(by_type.set_axis(by_machine.index))
    return out.set_axis(frame.index)


def model_matrix(frame: pd.DataFrame, columns: list[str], baselines: pd.DataFrame) -> pd.DataFrame:
    """The model's input matrix: numeric features, type one-hot, ratios to the machine's normal."""
    import numpy as np

    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PdmDataError(f"input lacks feature column(s) {missing[:5]}{'...' if len(missing) > 5 else ''}")
    x = frame[columns].astype("float64").copy()
    for t in EQUIPMENT_TYPES:
        x[f"type_{t}"] = (frame["equipment_type"] == t).astype("float64")
    normal = baseline_rows(frame, baselines)
    for col in REL_COLUMNS:
        if col in columns:
            base = normal[col].astype("float64").replace(0.0, np.nan)
            x[f"rel_{col}"] = frame[col].astype("float64") / base - 1.0
    return x
