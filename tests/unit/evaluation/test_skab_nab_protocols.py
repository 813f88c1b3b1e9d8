"""SKAB and NAB protocols on tiny synthetic files in the real layouts (the real runs are integration tests)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mfg.evaluation.nab import NabError, evaluate_nab, load_hourly, parse_horizon
from mfg.evaluation.skab import SkabConfig, SkabError, evaluate_skab, run_features
from mfg.models.evaluate_cli import app
from mfg.models.forecast import MODELS, ForecastConfig, origins_for

SKAB_COLS = [
    "Accelerometer1RMS",
    "Accelerometer2RMS",
    "Current",
    "Pressure",
    "Temperature",
    "Thermocouple",
    "Voltage",
    "Volume Flow RateRMS",
]


def _skab_run(rows: int, seed: int, fault: tuple[int, int] | None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = {c: 10 + rng.normal(0, 1, rows) for c in SKAB_COLS}
    data["Temperature"] = 70 + np.linspace(0, 6, rows) + rng.normal(0, 0.3, rows)  # drifts in normal operation
    label = np.zeros(rows)
    if fault:
        a, b = fault
        data["Volume Flow RateRMS"][a:b] -= 3.0
        data["Current"][a:b] += 2.0
        label[a:b] = 1
    frame = pd.DataFrame(data)
    frame.insert(
        0, "datetime", pd.date_range("2020-03-09 10:00:00", periods=rows, freq="s").strftime("%Y-%m-%d %H:%M:%S")
    )
    if fault is not None:
        frame["anomaly"] = label
        frame["changepoint"] = 0.0
    return frame


@pytest.fixture(scope="module")
def skab_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("skab")
    (root / "valve1").mkdir()
    (root / "anomaly-free").mkdir()
    for k in range(3):
        _skab_run(900, k, (550, 800)).to_csv(root / "valve1" / f"{k}.csv", sep=";", index=False)
    _skab_run(2100, 9, None).to_csv(root / "anomaly-free" / "anomaly-free.csv", sep=";", index=False)
    return root / "valve1"


def test_skab_protocol_finds_a_level_shift_and_reports_fractions(skab_dir: Path) -> None:
    out = evaluate_skab(skab_dir, SkabConfig(epochs=10, windows=(10,), smooth=11))
    assert out["runs"] == 3 and out["rows"] == 2700
    assert 0.0 <= out["far"] <= 1.0 and 0.0 <= out["mar"] <= 1.0
    assert out["f1"] > 0.8 and out["far"] < 0.1


def test_drifting_levels_are_left_out_but_their_spread_is_kept() -> None:
    run = _skab_run(500, 0, (450, 480)).rename(
        columns={"Temperature": "temperature", "Volume Flow RateRMS": "volume_flow_rate", "Current": "current"}
    )
    feats, names = run_features(run, run.iloc[:400], SkabConfig(windows=(10,)))
    assert "temperature_mean_10" not in names and "temperature_std_10" in names
    assert "volume_flow_rate_mean_10" in names and feats.shape == (500, len(names))


def test_skab_errors_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(SkabError, match=str(tmp_path)):
        evaluate_skab(tmp_path)


def _nab_file(folder: Path, days: int) -> Path:
    n = days * 288
    t = pd.date_range("2013-12-02 21:15:00", periods=n, freq="5min")
    rng = np.random.default_rng(0)
    values = 85 + 4 * np.sin(2 * np.pi * np.arange(n) / 288) + rng.normal(0, 0.5, n)
    path = folder / "machine_temperature_system_failure.csv"
    pd.DataFrame({"timestamp": t.strftime("%Y-%m-%d %H:%M:%S"), "value": values}).to_csv(path, index=False)
    (folder / "combined_windows.json").write_text(
        json.dumps({"realKnownCause/machine_temperature_system_failure.csv": []})
    )
    return path


def test_nab_backtest_on_a_seasonal_series(tmp_path: Path) -> None:
    path = _nab_file(tmp_path, days=8)
    hourly = load_hourly(path)
    assert len(hourly) in (8 * 24, 8 * 24 + 1)  # the first and last hour may be partial
    cfg = ForecastConfig(horizon=24, fit_window=96, lookback=24, epochs=3, hidden=8)
    out = evaluate_nab(path, cfg=cfg)
    assert out["model"] in MODELS
    assert set(out["per_model_test"]) == set(MODELS)
    assert out["per_model_test"][out["model"]]["mape"] == out["mape"]
    assert out["per_model_test"]["persistence"]["mape"] == out["persistence_mape"]
    assert out["clear_of_anomaly_test_origins"] == out["origins"]  # the synthetic file has no anomaly windows
    assert out["origins"] + out["validation_origins"] == len(origins_for(hourly, cfg)) >= 3
    assert 0 < out["mape"] < 10 and out["mae"] > 0


def test_parse_horizon_and_errors(tmp_path: Path) -> None:
    assert parse_horizon("24h") == 24 and parse_horizon("2d") == 48 and parse_horizon("6") == 6
    with pytest.raises(NabError, match="--horizon"):
        parse_horizon("soon")
    result = CliRunner().invoke(app, ["forecast", "--path", str(tmp_path / "none.csv")])
    assert result.exit_code == 2 and "none.csv" in result.output
    result = CliRunner().invoke(app, ["anomaly", "--path", str(tmp_path), "--format", "nab"])
    assert result.exit_code == 2 and "only 'skab'" in result.output
