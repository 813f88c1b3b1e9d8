"""Anomaly detection: an Isolation Forest and a torch autoencoder combined into one 0-1 score.

The detector learns from rows of *normal* operation only. Each component's raw score (the forest's
isolation score, the autoencoder's reconstruction error) is calibrated against its own distribution on
the normal training rows (an empirical CDF), so both land on 0-1; the combined score is their
weighted mean (``combine="mean"``) or the larger of the two (``combine="max"``: either model alarms).
The alarm threshold is the ``1 - target_fpr`` quantile of the combined score on normal rows, so about
``target_fpr`` of normal rows raise an alarm by construction.

The features are the caller's (see :mod:`mfg.models.anomaly_features` for sensor windows); this module
holds only the model: :class:`AnomalyDetector` with ``fit``, ``score``, ``predict``, plus
:func:`evaluate` and :func:`model_card`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mfg.settings import Settings


class AnomalyModelError(ValueError):
    """The detector was used wrongly (not fitted, wrong feature count, no normal rows)."""


@dataclass(frozen=True)
class AnomalyConfig:
    """Hyper-parameters of :class:`AnomalyDetector`."""

    target_fpr: float = 0.05  # share of normal rows allowed above the threshold
    if_weight: float = 0.3  # weight of the Isolation Forest in the combined score (AE gets the rest)
    combine: str = "mean"  # "mean": weighted mean of calibrated scores; "max": the larger one (either alarms)
    n_estimators: int = 200
    hidden: int = 16
    latent: int = 4
    epochs: int = 60
    batch_size: int = 256
    learning_rate: float = 1e-2
    max_train_rows: int = 200_000
    seed: int = 42

    def __post_init__(self) -> None:
        if not 0.0 < self.target_fpr < 1.0:
            raise AnomalyModelError(f"target_fpr={self.target_fpr!r}: expected a fraction in (0, 1)")
        if self.combine not in ("mean", "max"):
            raise AnomalyModelError(f"combine={self.combine!r}: expected 'mean' or 'max'")
        if not 0.0 <= self.if_weight <= 1.0:
            raise AnomalyModelError(f"if_weight={self.if_weight!r}: expected a weight in [0, 1]")


def _autoencoder(n_features: int, hidden: int, latent: int) -> Any:
    import torch

    return torch.nn.Sequential(
        torch.nn.Linear(n_features, hidden),
        torch.nn.Tanh(),
        torch.nn.Linear(hidden, latent),
        torch.nn.Tanh(),
        torch.nn.Linear(latent, hidden),
        torch.nn.Tanh(),
        torch.nn.Linear(hidden, n_features),
    )


def _train_autoencoder(x: np.ndarray, cfg: AnomalyConfig) -> Any:
    import torch

    torch.set_num_threads(2)
    gen = torch.Generator().manual_seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    net = _autoencoder(x.shape[1], cfg.hidden, cfg.latent)
    opt = torch.optim.Adam(net.parameters(), lr=cfg.learning_rate)
    data = torch.tensor(x, dtype=torch.float32)
    for _ in range(cfg.epochs):
        perm = torch.randperm(len(data), generator=gen)
        for start in range(0, len(data), cfg.batch_size):
            batch = data[perm[start : start + cfg.batch_size]]
            opt.zero_grad()
            loss = ((net(batch) - batch) ** 2).mean()
            loss.backward()
            opt.step()
    net.eval()
    return net


def _ecdf(reference: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Share of ``reference`` (sorted) strictly below each value: a 0-1 calibration."""
    return np.searchsorted(reference, values, side="left") / max(len(reference), 1)


@dataclass
class AnomalyDetector:
    """Isolation Forest + autoencoder ensemble; fit on normal rows only."""

    config: AnomalyConfig = field(default_factory=AnomalyConfig)
    feature_names: list[str] = field(default_factory=list)
    threshold: float = float("nan")
    _mean: np.ndarray | None = None
    _std: np.ndarray | None = None
    _forest: Any = None
    _net: Any = None
    _ref_if: np.ndarray | None = None
    _ref_ae: np.ndarray | None = None

    def fit(self, x: np.ndarray, feature_names: list[str] | None = None) -> AnomalyDetector:
        """Learn normal behaviour from ``x`` (rows of normal operation) and set the threshold."""
        from sklearn.ensemble import IsolationForest

        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or len(x) < 10:
            raise AnomalyModelError(f"fit needs a 2-D array of at least 10 normal rows, got shape {x.shape}")
        if not np.isfinite(x).all():
            raise AnomalyModelError("fit: the features hold NaN or infinite values; fill them first")
        cfg = self.config
        if len(x) > cfg.max_train_rows:
            idx = np.random.default_rng(cfg.seed).choice(len(x), cfg.max_train_rows, replace=False)
            x = x[np.sort(idx)]
        self.feature_names = list(feature_names or [f"f{i}" for i in range(x.shape[1])])
        self._mean = x.mean(axis=0)
        self._std = x.std(axis=0) + 1e-9
        xn = (x - self._mean) / self._std
        self._forest = IsolationForest(n_estimators=cfg.n_estimators, random_state=cfg.seed, n_jobs=1).fit(xn)
        self._net = _train_autoencoder(xn, cfg)
        raw_if, raw_ae = self._raw(xn)
        self._ref_if = np.sort(raw_if)
        self._ref_ae = np.sort(raw_ae)
        self.threshold = self.threshold_for(self.score(x))
        return self

    def calibrate(self, x: np.ndarray) -> AnomalyDetector:
        """Re-calibrate the component CDFs and the threshold on held-out normal rows ``x``.

        Scores of the rows a model was fitted on are optimistic (it has seen them); normal rows from
        later in time give an honest reference, so the target FPR holds better on new data.
        """
        xn = self._check(x)
        if len(xn) < 10:
            raise AnomalyModelError(f"calibrate needs at least 10 normal rows, got {len(xn)}")
        raw_if, raw_ae = self._raw(xn)
        self._ref_if, self._ref_ae = np.sort(raw_if), np.sort(raw_ae)
        self.threshold = self.threshold_for(self.score(x))
        return self

    def threshold_for(self, normal_scores: np.ndarray) -> float:
        """The ``1 - target_fpr`` quantile of scores of normal rows (e.g. smoothed ones)."""
        return float(np.quantile(np.asarray(normal_scores), 1.0 - self.config.target_fpr))

    def _check(self, x: np.ndarray) -> np.ndarray:
        if self._mean is None or self._std is None:
            raise AnomalyModelError("the detector is not fitted; call fit() first")
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(self._mean):
            raise AnomalyModelError(f"expected {len(self._mean)} features per row, got shape {x.shape}")
        return np.nan_to_num((x - self._mean) / self._std, nan=0.0, posinf=1e6, neginf=-1e6)

    def _raw(self, xn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import torch

        raw_if = -self._forest.score_samples(xn)
        with torch.no_grad():
            data = torch.tensor(xn, dtype=torch.float32)
            raw_ae = ((self._net(data) - data) ** 2).mean(dim=1).numpy().astype(np.float64)
        return raw_if, raw_ae

    def component_scores(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Calibrated 0-1 scores of each component: ``isolation_forest``, ``autoencoder``."""
        raw_if, raw_ae = self._raw(self._check(x))
        assert self._ref_if is not None and self._ref_ae is not None
        return {"isolation_forest": _ecdf(self._ref_if, raw_if), "autoencoder": _ecdf(self._ref_ae, raw_ae)}

    def score(self, x: np.ndarray) -> np.ndarray:
        """Combined anomaly score in [0, 1] per row (higher: more unusual)."""
        parts = self.component_scores(x)
        if self.config.combine == "max":
            return np.asarray(np.maximum(parts["isolation_forest"], parts["autoencoder"]))
        w = self.config.if_weight
        return np.asarray(w * parts["isolation_forest"] + (1.0 - w) * parts["autoencoder"])

    def predict(self, x: np.ndarray) -> np.ndarray:
        """True where the combined score is above the threshold."""
        return self.score(x) > self.threshold


def binary_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Point-wise F1, precision, recall, FAR (= false-positive rate) and MAR (= miss rate)."""
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    tp = float((p & t).sum())
    fp = float((p & ~t).sum())
    fn = float((~p & t).sum())
    tn = float((~p & ~t).sum())
    return {
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "far": fp / (fp + tn) if fp + tn else 0.0,
        "mar": fn / (fn + tp) if fn + tp else 0.0,
    }


def evaluate(detector: AnomalyDetector, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Metrics of ``detector.predict(x)`` against labels ``y`` (1 = anomalous); ``fpr`` = FAR."""
    from sklearn.metrics import roc_auc_score

    scores = detector.score(x)
    metrics = binary_metrics(y, scores > detector.threshold)
    metrics["fpr"] = metrics["far"]
    yb = np.asarray(y).astype(bool)
    metrics["roc_auc"] = float(roc_auc_score(yb, scores)) if 0 < yb.sum() < len(yb) else float("nan")
    return metrics


def model_card(detector: AnomalyDetector, metrics: dict[str, float], data: str) -> str:
    """A markdown model card."""
    cfg = asdict(detector.config)
    lines = [
        "# Model card: anomaly",
        "",
        "**What it does.** Scores sensor windows 0-1 for how unusual they are against normal operation;",
        f"alarms above {detector.threshold:.3f}, the {1 - detector.config.target_fpr:.0%} quantile on normal data.",
        "",
        "**Model.** Isolation Forest + dense autoencoder (torch, reconstruction error), each calibrated by",
        f"its empirical CDF on normal rows, combined by {detector.config.combine}"
        + (f" (weight {detector.config.if_weight} on the forest)." if detector.config.combine == "mean" else "."),
        f"Features ({len(detector.feature_names)}): {', '.join(detector.feature_names[:12])}"
        + (" ..." if len(detector.feature_names) > 12 else ""),
        "",
        f"**Data.** {data}",
        "",
        "**Holdout metrics.** " + ", ".join(f"{k}={v:.3f}" for k, v in sorted(metrics.items())),
        "",
        "**Config.** " + ", ".join(f"{k}={v}" for k, v in cfg.items()),
        "",
        "**Limits.** Learns what normal looked like in training; a new normal (re-tooling, new product)",
        "raises alarms until it is retrained. The score ranks rows; it is not a probability of failure.",
    ]
    return "\n".join(lines) + "\n"


def run_training(settings: Settings) -> dict[str, Any]:
    """Train on the simulator output, log and register ``anomaly`` (see :mod:`mfg.models.anomaly_training`)."""
    from mfg.models.anomaly_training import run_training as _run

    return _run(settings)
