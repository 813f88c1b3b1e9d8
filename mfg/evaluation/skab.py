"""The SKAB outlier-detection protocol, run with our anomaly detector.

Protocol (SKAB leaderboard, "outlier detection"): the detector may learn from ``anomaly-free/`` and
from the first 400 rows of every run; it then labels every row of every run as normal or anomalous.
Metrics are point-wise over all runs' rows concatenated: F1, FAR = FP / (FP + TN) (false-alarm rate)
and MAR = FN / (FN + TP) (missed-alarm rate), as in SKAB's ``evaluating(..., metric='binary')``.

Our recipe, using no label of an evaluated row:

* each run is standardised on its own first 400 rows (the anomaly-free file per 1000-row chunk, on the
  chunk's first 400 rows);
* per channel, trailing rolling mean and standard deviation over each of ``windows`` rows;
* the level (rolling mean) of the thermally drifting channels (motor temperature, fluid thermocouple)
  is left out: in normal operation they wander several standard deviations away from their first
  400 rows, so a level compared to that reference says nothing; their rolling std stays in;
* the Isolation Forest + autoencoder ensemble of :mod:`mfg.models.anomaly` fits on all fit rows;
* the per-run score is smoothed by a centred rolling median of ``smooth`` rows (offline detection);
* the threshold is the ``1 - target_fpr`` quantile of the smoothed score on the fit rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mfg.models.anomaly import AnomalyConfig, AnomalyDetector, binary_metrics

FIT_ROWS = 400
LABEL = "anomaly"
#: SKAB channels under their contract / mapping names
CHANNELS = (
    "vibration_rms",
    "accelerometer2_rms",
    "current",
    "pressure",
    "temperature",
    "thermocouple",
    "voltage",
    "volume_flow_rate",
)
DRIFTING = ("temperature", "thermocouple")


class SkabError(ValueError):
    """The folder does not hold SKAB runs."""


@dataclass(frozen=True)
class SkabConfig:
    """Recipe knobs (defaults are what the report uses)."""

    windows: tuple[int, ...] = (10, 60)
    smooth: int = 41
    target_fpr: float = 0.03
    if_weight: float = 0.3
    epochs: int = 30
    seed: int = 42
    drop_drifting_levels: bool = True


def load_runs(path: Path) -> tuple[list[tuple[str, pd.DataFrame]], pd.DataFrame | None]:
    """The runs under ``path`` (one frame per file) and ``anomaly-free`` beside it, if present."""
    from mfg.datasets import DatasetError, load_frame

    path = Path(path)
    try:
        frame = load_frame("skab", path)
    except DatasetError as exc:
        raise SkabError(f"--path {path}: cannot read SKAB runs: {exc}") from exc
    if LABEL not in frame.columns:
        raise SkabError(f"--path {path}: no {LABEL!r} label column")
    runs = [(str(name), run.reset_index(drop=True)) for name, run in frame.groupby("source_file", sort=False)]
    free: pd.DataFrame | None = None
    free_dir = path.parent / "anomaly-free"
    if free_dir.is_dir() and free_dir.resolve() != path.resolve():
        free = load_frame("skab", free_dir)
    return runs, free


def run_features(run: pd.DataFrame, reference: pd.DataFrame, cfg: SkabConfig) -> tuple[np.ndarray, list[str]]:
    """Rolling features of one run, standardised on ``reference`` (its fit rows)."""
    cols = [c for c in CHANNELS if c in run.columns and run[c].notna().any()]
    x = run[cols].astype(float)
    ref = reference[cols].astype(float)
    z = (x - ref.mean()) / ref.std().replace(0.0, 1.0).fillna(1.0)
    level_cols = [c for c in cols if not (cfg.drop_drifting_levels and c in DRIFTING)]
    parts = []
    for w in cfg.windows:
        parts.append(z[level_cols].rolling(w, min_periods=1).mean().add_suffix(f"_mean_{w}"))
        parts.append(z.rolling(w, min_periods=2).std().bfill().fillna(0.0).add_suffix(f"_std_{w}"))
    feats = pd.concat(parts, axis=1).fillna(0.0)
    return feats.to_numpy(), list(feats.columns)


def _smooth(scores: np.ndarray, k: int) -> np.ndarray:
    if k <= 1:
        return scores
    return np.asarray(pd.Series(scores).rolling(k, min_periods=1, center=True).median().to_numpy())


def evaluate_skab(path: Path, cfg: SkabConfig | None = None) -> dict[str, Any]:
    """Run the protocol on every run under ``path``; the one JSON-able result dict."""
    cfg = cfg or SkabConfig()
    runs, free = load_runs(path)
    if not runs:
        raise SkabError(f"--path {path}: no runs found")
    fit_parts: list[np.ndarray] = []
    eval_parts: list[tuple[np.ndarray, np.ndarray]] = []
    names: list[str] = []
    if free is not None:
        for start in range(0, len(free) - FIT_ROWS, 1000):
            chunk = free.iloc[start : start + 1000]
            feats, names = run_features(chunk, chunk.iloc[:FIT_ROWS], cfg)
            fit_parts.append(feats)
    for _, run in runs:
        if len(run) <= FIT_ROWS:
            raise SkabError(f"a run has {len(run)} rows; the protocol needs more than {FIT_ROWS}")
        feats, names = run_features(run, run.iloc[:FIT_ROWS], cfg)
        fit_parts.append(feats[:FIT_ROWS])
        eval_parts.append((feats, run[LABEL].to_numpy()))
    detector = AnomalyDetector(
        AnomalyConfig(target_fpr=cfg.target_fpr, if_weight=cfg.if_weight, epochs=cfg.epochs, seed=cfg.seed)
    ).fit(np.vstack(fit_parts), names)
    fit_scores = np.concatenate([_smooth(detector.score(part), cfg.smooth) for part in fit_parts])
    threshold = detector.threshold_for(fit_scores)
    preds = [_smooth(detector.score(feats), cfg.smooth) > threshold for feats, _ in eval_parts]
    labels = np.concatenate([y for _, y in eval_parts]).astype(bool)
    m = binary_metrics(labels, np.concatenate(preds))
    return {
        "dataset": "skab",
        "path": str(path),
        "runs": len(runs),
        "rows": len(labels),
        "f1": round(m["f1"], 4),
        "far": round(m["far"], 4),
        "mar": round(m["mar"], 4),
        "precision": round(m["precision"], 4),
        "recall": round(m["recall"], 4),
        "threshold": round(threshold, 4),
        "protocol": "fit on anomaly-free/ + first 400 rows per run; point-wise over all rows of all runs",
        "model": "isolation_forest+autoencoder",
        "config": asdict(cfg),
    }
