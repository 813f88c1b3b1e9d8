"""The packaged PdM model: booster + calibrator + threshold + machine normals, as an MLflow pyfunc.

``predict`` takes feature-table rows (``equipment_id``, ``equipment_type`` and the feature
columns) and returns ``failure_probability`` (calibrated), ``failure_predicted`` (probability at or
above the decision threshold) and ``risk_level``. :meth:`PdmModel.explain` adds the contributing
factors. Loaded through MLflow, ``loaded.unwrap_python_model()`` gives this object back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlflow.pyfunc import PythonModel

from mfg.models.pdm_data import baseline_rows, model_matrix
from mfg.models.pdm_explain import Factor, factors

if TYPE_CHECKING:
    import pandas as pd
    import xgboost as xgb


@dataclass
class PlattCalibrator:
    """Platt scaling: ``p = sigmoid(slope * logit(raw) + intercept)``, fitted on validation rows.

    Strictly increasing (for a positive slope), so a threshold on the calibrated probability keeps
    exactly the rows the same raw-score threshold keeps; no plateaus tie many rows at one value.
    """

    slope: float = 1.0
    intercept: float = 0.0

    @staticmethod
    def _logit(raw: Any) -> Any:
        import numpy as np

        r = np.clip(np.asarray(raw, dtype=float), 1e-7, 1 - 1e-7)
        return np.log(r / (1 - r))

    def fit(self, raw: Any, y: Any) -> PlattCalibrator:
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=1e6).fit(self._logit(raw).reshape(-1, 1), y)
        self.slope, self.intercept = float(lr.coef_[0, 0]), float(lr.intercept_[0])
        return self

    def predict(self, raw: Any) -> Any:
        import numpy as np

        return 1.0 / (1.0 + np.exp(-(self.slope * self._logit(raw) + self.intercept)))


@dataclass
class RiskBands:
    """Calibrated probability cut points for risk levels (``high`` starts at the decision threshold)."""

    threshold: float
    medium: float

    def level(self, p: float) -> str:
        if p >= self.threshold:
            return "high"
        if p >= self.medium:
            return "medium"
        return "low"


class PdmModel(PythonModel):
    """Everything needed to score a feature row, in one picklable object."""

    def __init__(
        self,
        booster: xgb.Booster,
        calibrator: PlattCalibrator,
        threshold: float,
        feature_columns: list[str],
        baselines: pd.DataFrame,
    ) -> None:
        self.booster = booster
        self.calibrator = calibrator
        self.threshold = float(threshold)
        self.feature_columns = list(feature_columns)
        self.baselines = baselines
        self.bands = RiskBands(threshold=self.threshold, medium=self.threshold / 2)

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        return model_matrix(frame, self.feature_columns, self.baselines)

    def raw_probability(self, frame: pd.DataFrame) -> Any:
        import xgboost as xgb

        return self.booster.predict(xgb.DMatrix(self.matrix(frame)))

    def probability(self, frame: pd.DataFrame) -> Any:
        """Calibrated probability of a failure within 7 days, one per row."""
        import numpy as np

        return np.clip(self.calibrator.predict(self.raw_probability(frame)), 0.0, 1.0)

    def predict(self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        import pandas as pd

        p = self.probability(model_input)
        return pd.DataFrame(
            {
                "failure_probability": p,
                "failure_predicted": (p >= self.threshold).astype("int64"),
                "risk_level": [self.bands.level(float(v)) for v in p],
            },
            index=model_input.index,
        )

    def explain(self, frame: pd.DataFrame, top: int = 3) -> list[list[Factor]]:
        """The ``top`` factors that raised each row's risk, with readable sentences."""
        normal = baseline_rows(frame, self.baselines)
        return factors(self.booster, self.matrix(frame), frame, normal, top=top)
