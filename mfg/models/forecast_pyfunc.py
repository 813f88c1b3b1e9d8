"""MLflow pyfunc wrapper of the forecaster (imports mlflow on import; load it lazily)."""

from __future__ import annotations

from typing import Any

import mlflow.pyfunc
import numpy as np
import pandas as pd

from mfg.models.forecast import ForecastConfig, forecast_with_intervals, threshold_crossing


class ForecastModel(mlflow.pyfunc.PythonModel):  # type: ignore[name-defined]
    """Input rows: ``equipment_id`` (and optional ``threshold``). Output: 24 h forecast rows per machine
    with ``timestamp``, ``yhat``, ``lower``, ``upper`` and, when a threshold is given, the first
    ``expected_crossing`` / ``possible_crossing`` time."""

    def __init__(self, model: str, cfg: ForecastConfig, step_q: np.ndarray, histories: dict[str, pd.Series]) -> None:
        self.model = model
        self.cfg = cfg
        self.step_q = np.asarray(step_q)
        self.histories = histories

    def predict(self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        frames = []
        for row in model_input.itertuples(index=False):
            equipment_id = str(row.equipment_id)
            if equipment_id not in self.histories:
                raise KeyError(f"equipment_id={equipment_id!r}: no history in this model")
            fc = forecast_with_intervals(self.histories[equipment_id], self.model, self.cfg, self.step_q)
            fc.insert(0, "equipment_id", equipment_id)
            threshold = getattr(row, "threshold", float("nan"))
            if threshold is not None and np.isfinite(threshold):
                crossing = threshold_crossing(fc, float(threshold))
                fc["expected_crossing"] = crossing["expected_crossing"]
                fc["possible_crossing"] = crossing["possible_crossing"]
            frames.append(fc)
        return pd.concat(frames, ignore_index=True)
