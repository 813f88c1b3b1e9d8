"""Training entry points on a tiny simulation with a real MLflow (SQLite): register, alias, load, predict."""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from mfg import tracking
from mfg.settings import Settings
from mfg.simulator import simulate, write_simulation
from mfg.simulator.config import make_config

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def sim_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("simtrain")
    config = make_config(equipment=3, days=6, seed=7, anomaly_rate=3.0, images=60, image_size=64)
    write_simulation(simulate(config), root / "sim", progress=False)
    return Settings(
        data_dir=root,
        sim_dir=root / "sim",
        lake_uri=str(root / "lake"),
        mlflow_tracking_uri=f"sqlite:///{root / 'mlflow.db'}",
        mlflow_artifact_root=str(root / "artifacts"),
    )


def _load(settings: Settings, name: str, version: str) -> object:
    tracking.configure(settings)
    return mlflow.pyfunc.load_model(f"models:/{name}/{version}")


def test_anomaly_training_registers_a_loadable_model(sim_settings: Settings) -> None:
    from mfg.models.anomaly import run_training
    from mfg.models.anomaly_features import SensorStats, read_simulation, window_features

    out = run_training(sim_settings)
    assert out["model"] == "anomaly" and out["version"] == "1"
    assert 0.0 <= out["fpr"] <= 1.0 and 0.0 <= out["f1"] <= 1.0
    client = tracking.client(sim_settings)
    assert str(client.get_model_version_by_alias("anomaly", "challenger").version) == "1"
    model = _load(sim_settings, "anomaly", "1")
    readings, _ = read_simulation(sim_settings.sim_dir)
    stats = model.unwrap_python_model().stats  # type: ignore[attr-defined]
    assert isinstance(stats, SensorStats)
    feats = window_features(readings.head(600), stats)
    pred = model.predict(feats)  # type: ignore[attr-defined]
    assert set(pred.columns) == {"score", "is_anomaly"}
    assert pred["score"].between(0, 1).all()


def test_forecast_training_chooses_by_backtest_and_serves_intervals(sim_settings: Settings) -> None:
    from mfg.models.forecast import run_training

    out = run_training(sim_settings)
    assert out["chosen"] in ("prophet", "lstm", "calendar", "persistence") and out["mape"] > 0
    assert out["interval_width_h24"] >= out["interval_width_h1"]
    model = _load(sim_settings, "forecast", out["version"])
    equipment = sorted(pd.read_parquet(sim_settings.sim_dir / "equipment").equipment_id)[0]
    fc = model.predict(pd.DataFrame({"equipment_id": [equipment], "threshold": [1e9]}))  # type: ignore[attr-defined]
    assert len(fc) == 24 and (fc["upper"] >= fc["lower"]).all()
    assert fc["expected_crossing"].isna().all()


def test_vision_training_registers_the_head(sim_settings: Settings) -> None:
    from mfg.models.vision import extract_features, load_index, run_training

    out = run_training(sim_settings)
    assert out["model"] == "vision" and 0.0 <= out["accuracy"] <= 1.0
    assert out["accuracy"] > 0.5  # well above chance (1/7) even on 60 tiny images
    head = _load(sim_settings, "vision", out["version"])
    index = load_index(sim_settings.sim_dir).head(2)
    feats = extract_features(list(index["file"])).astype(np.float64)
    assert len(head.predict(feats)) == 2  # type: ignore[attr-defined]


def test_missing_simulation_is_reported(tmp_path: Path) -> None:
    from mfg.lake import LakeError
    from mfg.models.anomaly import run_training

    settings = Settings(
        data_dir=tmp_path, sim_dir=tmp_path / "nothing", mlflow_tracking_uri=f"sqlite:///{tmp_path}/m.db"
    )
    with pytest.raises(LakeError, match="sensor_readings"):
        run_training(settings)
