"""MLflow pyfunc wrapper of the anomaly detector (imports mlflow on import; load it lazily)."""

from __future__ import annotations

from typing import Any

import mlflow.pyfunc
import pandas as pd


class AnomalyModel(mlflow.pyfunc.PythonModel):  # type: ignore[name-defined]
    """Input: a frame of the detector's feature columns (build them from raw readings with
    ``mfg.models.anomaly_features.window_features(readings, model.stats)``). Output: ``score`` (0-1)
    and ``is_anomaly``."""

    def __init__(self, detector: Any, stats: Any = None) -> None:
        self.detector = detector
        self.stats = stats  # SensorStats of the training period

    def predict(self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        x = model_input[self.detector.feature_names].to_numpy(dtype=float)
        score = self.detector.score(x)
        return pd.DataFrame({"score": score, "is_anomaly": score > self.detector.threshold})
