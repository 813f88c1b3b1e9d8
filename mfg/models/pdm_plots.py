"""Plots logged with a PdM run: ROC and precision-recall on the holdout, reliability, importance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import xgboost as xgb


def pdm_figures(y: Any, p: Any, threshold: float, booster: xgb.Booster, top: int = 15) -> dict[str, Any]:
    """``{"roc": Figure, "pr": Figure, "calibration": Figure, "importance": Figure}``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import precision_recall_curve, roc_curve

    figs: dict[str, Any] = {}
    fpr, tpr, _ = roc_curve(y, p)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(fpr, tpr)
    ax.plot([0, 1], [0, 1], ls="--", c="grey")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title="PdM ROC (holdout)")
    figs["roc"] = fig

    precision, recall, _ = precision_recall_curve(y, p)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(recall, precision)
    pred = np.asarray(p) >= threshold
    tp = float(np.sum(pred & (np.asarray(y) == 1)))
    ax.scatter([tp / max(1.0, float(np.sum(y)))], [tp / max(1.0, float(np.sum(pred)))], c="red", label="threshold")
    ax.set(xlabel="recall", ylabel="precision", title="PdM precision-recall (holdout)")
    ax.legend()
    figs["pr"] = fig

    frac, mean_p = calibration_curve(y, p, n_bins=10, strategy="quantile")
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(mean_p, frac, marker="o")
    ax.plot([0, 1], [0, 1], ls="--", c="grey")
    ax.set(xlabel="predicted probability", ylabel="observed frequency", title="PdM reliability (holdout)")
    figs["calibration"] = fig

    gain = booster.get_score(importance_type="gain")
    items = sorted(gain.items(), key=lambda kv: kv[1], reverse=True)[:top][::-1]
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.barh([k for k, _ in items], [v for _, v in items])
    ax.set(xlabel="total gain", title="PdM feature importance")
    fig.tight_layout()
    figs["importance"] = fig
    return figs
