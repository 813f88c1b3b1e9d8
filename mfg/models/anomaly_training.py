"""Train the anomaly detector on the simulator's output, score the time holdout, log and register it.

Split by time: the first ``train_share`` of the simulated period trains (normal rows only: the
ground-truth anomaly windows are left out so the threshold is set on normal data), the rest is the
holdout. Within the training period the models fit on the earlier rows; the score calibration and the
threshold (``TARGET_FPR`` = 1.5 % there, so the holdout stays under 5 %) come from the last
``CALIBRATION_SHARE`` of it (normal rows the models have not seen). Features are regime residuals
(:mod:`mfg.models.anomaly_regime`); the AE dominates the combined score (weight 0.9, forest 0.1).
Registered as ``anomaly`` through :mod:`mfg.tracking`; champion gates: holdout FPR <= 0.10, recall >= 0.3.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from mfg.models.anomaly import AnomalyConfig, AnomalyDetector, evaluate, model_card
from mfg.models.anomaly_features import SensorStats, feature_columns, label_rows, read_simulation, window_features
from mfg.settings import Settings

NAME = "anomaly"
GATES = {"fpr": ("<=", 0.10), "recall": (">=", 0.3)}
#: the last share of the training period's normal rows calibrates scores and threshold (out of sample)
CALIBRATION_SHARE = 0.25
#: alarm rate aimed at on the calibration block: a margin under the 5 % target, because later data holds
#: unlabelled but real changes (developing failures) that the calibration block shows less of
TARGET_FPR = 0.015


def split_by_time(readings: pd.DataFrame, train_share: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    times = readings["event_time"]
    cut = times.min() + (times.max() - times.min()) * train_share
    return readings[times < cut], readings[times >= cut]


def train_on_readings(
    readings: pd.DataFrame, windows: pd.DataFrame, config: AnomalyConfig, train_share: float = 0.7
) -> tuple[AnomalyDetector, SensorStats, dict[str, float], pd.DataFrame]:
    """Fit on the training period's normal rows; metrics on the holdout; returns the holdout features too."""
    train, test = split_by_time(readings, train_share)
    stats = SensorStats.fit(train)
    f_train = window_features(train, stats)
    f_test = window_features(test, stats)
    y_train = label_rows(f_train, windows)
    cols = feature_columns(f_train)
    normal = f_train.loc[~y_train]
    times = normal["event_time"]
    cal_cut = times.min() + (times.max() - times.min()) * (1 - CALIBRATION_SHARE)
    detector = AnomalyDetector(config).fit(normal.loc[times < cal_cut, cols].to_numpy(), cols)
    detector.calibrate(normal.loc[times >= cal_cut, cols].to_numpy())
    y_test = label_rows(f_test, windows)
    metrics = evaluate(detector, f_test[cols].to_numpy(), y_test)
    metrics["holdout_rows"] = float(len(y_test))
    metrics["holdout_anomalous_rows"] = float(y_test.sum())
    return detector, stats, metrics, f_test


def run_training(settings: Settings) -> dict[str, Any]:
    """Train on ``settings.sim_dir``, log and register ``anomaly``; headline metrics and the decision."""
    from mfg import tracking
    from mfg.models.anomaly_pyfunc import AnomalyModel

    readings, windows = read_simulation(settings.sim_dir)
    config = AnomalyConfig(
        epochs=20, max_train_rows=50_000, combine="mean", if_weight=0.1, target_fpr=TARGET_FPR, seed=settings.seed
    )
    detector, stats, metrics, f_test = train_on_readings(readings, windows, config)
    card = model_card(
        detector,
        metrics,
        f"simulator output in {settings.sim_dir}: {readings['equipment_id'].nunique()} machines, "
        f"{len(readings)} readings; first 70 % of time trains (normal rows), last 30 % is the holdout.",
    )
    example = f_test[detector.feature_names].head(5)
    clean = {k: v for k, v in metrics.items() if np.isfinite(v)}
    candidate, decision = tracking.register(
        settings,
        name=NAME,
        model=AnomalyModel(detector, stats),
        flavor="pyfunc",
        params={**asdict(config), "windows": "10,60", "baseline": 360, "stride": 5, "train_share": 0.7},
        metrics=clean,
        input_example=example,
        pip_requirements_extra=("torch",),
        texts={"model_card.md": card},
        holdout_metric="f1",
        higher_is_better=True,
        gates=GATES,
        holdout_id=f"sim:{settings.sim_dir}:{len(readings)}",
    )
    return {
        "model": NAME,
        "version": candidate.version,
        "champion": decision.promoted,
        "f1": round(metrics["f1"], 4),
        "fpr": round(metrics["fpr"], 4),
        "precision": round(metrics["precision"], 4),
        "recall": round(metrics["recall"], 4),
        "roc_auc": round(metrics["roc_auc"], 4) if np.isfinite(metrics["roc_auc"]) else None,
    }
