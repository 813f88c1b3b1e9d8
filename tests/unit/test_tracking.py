"""MLflow helpers on a real SQLite tracking store: logging, registration, aliases, promotion rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from mfg import tracking
from mfg.settings import Settings

pytestmark = pytest.mark.slow


def _fit(seed: int) -> tuple[LogisticRegression, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    y = (x["a"] + 0.3 * rng.normal(size=60) > 0).astype(int)
    return LogisticRegression().fit(x, y), x


def _candidate(settings: Settings, score: float, seed: int = 0) -> tracking.Candidate:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model, x = _fit(seed)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    return tracking.log_candidate(
        settings,
        name="toy",
        model=model,
        flavor="sklearn",
        params={"C": 1.0},
        metrics={"accuracy": score},
        figures={"roc": fig},
        input_example=x.head(3),
        texts={"model_card.md": "# toy"},
    )


def test_configure_creates_dirs_and_experiment(settings: Settings) -> None:
    exp_id = tracking.configure(settings)
    assert exp_id == tracking.configure(settings)  # idempotent
    assert (settings.data_dir / "mlflow.db").is_file()
    import mlflow

    exp = mlflow.get_experiment(exp_id)
    assert exp.artifact_location.endswith("mlartifacts")


def test_log_candidate_registers_with_signature_and_artifacts(settings: Settings) -> None:
    cand = _candidate(settings, 0.9)
    assert cand.version == "1"
    mlclient = tracking.client(settings)
    arts = {a.path for a in mlclient.list_artifacts(cand.run_id)}
    assert {"plots", "model_card.md"} <= arts
    import mlflow

    info = mlflow.models.get_model_info(cand.model_uri)
    assert info.signature is not None
    assert [c.name for c in info.signature.inputs.inputs] == ["a", "b"]
    reqs = Path(mlflow.pyfunc.get_model_dependencies(cand.model_uri)).read_text()
    assert "scikit-learn==" in reqs


def test_promote_gates_and_champion_comparison(settings: Settings) -> None:
    gates = {"accuracy": (">=", 0.8)}
    first = _candidate(settings, 0.85)
    d1 = tracking.promote(
        settings,
        "toy",
        first.version,
        holdout_metric="accuracy",
        higher_is_better=True,
        gates=gates,
        holdout_score=0.85,
        holdout_id="h1",
    )
    assert d1.promoted and "no champion" in d1.reason

    failing = _candidate(settings, 0.5, seed=1)
    d2 = tracking.promote(
        settings,
        "toy",
        failing.version,
        holdout_metric="accuracy",
        higher_is_better=True,
        gates=gates,
        holdout_score=0.5,
        holdout_id="h1",
    )
    assert not d2.promoted and "gates failed" in d2.reason

    worse = _candidate(settings, 0.82, seed=2)
    d3 = tracking.promote(
        settings,
        "toy",
        worse.version,
        holdout_metric="accuracy",
        higher_is_better=True,
        gates=gates,
        holdout_score=0.82,
        holdout_id="h1",
    )
    assert not d3.promoted and "worse than champion v1" in d3.reason

    better = _candidate(settings, 0.95, seed=3)
    d4 = tracking.promote(
        settings,
        "toy",
        better.version,
        holdout_metric="accuracy",
        higher_is_better=True,
        gates=gates,
        holdout_score=0.95,
        holdout_id="h1",
    )
    assert d4.promoted and d4.champion_version == "1" and d4.champion_score == pytest.approx(0.85)

    mlclient = tracking.client(settings)
    assert str(mlclient.get_model_version_by_alias("toy", "champion").version) == better.version
    assert str(mlclient.get_model_version_by_alias("toy", "challenger").version) == better.version

    # a re-scoring callback overrides the stored score (lower is better here: an error metric)
    d5 = tracking.promote(
        settings,
        "toy",
        worse.version,
        holdout_metric="error",
        higher_is_better=False,
        gates={},
        holdout_score=0.2,
        score_champion=lambda uri: 0.1,
    )
    assert not d5.promoted and "worse" in d5.reason


def test_load_champion_round_trip(settings: Settings) -> None:
    cand = _candidate(settings, 0.9)
    tracking.promote(
        settings,
        "toy",
        cand.version,
        holdout_metric="accuracy",
        higher_is_better=True,
        gates={},
        holdout_score=0.9,
    )
    model = tracking.load_champion(settings, "toy")
    _, x = _fit(0)
    assert set(np.unique(model.predict(x))) <= {0, 1}


def test_errors_name_the_problem(settings: Settings) -> None:
    with pytest.raises(tracking.TrackingError, match="flavor='onnx'"):
        tracking.pip_requirements("onnx")
    with pytest.raises(tracking.TrackingError, match="no champion for model 'absent'"):
        tracking.load_champion(settings, "absent")
    with pytest.raises(tracking.TrackingError, match="operator '=='"):
        tracking.check_gates({"a": 1.0}, {"a": ("==", 1.0)})
