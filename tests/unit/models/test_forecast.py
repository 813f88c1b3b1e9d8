"""Forecasting on tiny series: backtest, model choice, intervals that widen with the horizon, crossings."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mfg.models.forecast import (
    BacktestResult,
    ForecastConfig,
    ForecastError,
    LSTMForecaster,
    backtest,
    choose_model,
    forecast_with_intervals,
    origins_for,
    persistence_forecast,
    threshold_crossing,
)
from mfg.models.forecast_calendar import calendar_cell, calendar_forecast

CFG = ForecastConfig(horizon=24, fit_window=96, lookback=24, epochs=5, hidden=8, lstm_refit=10)


def _series(days: int, seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    n = days * 24
    t = np.arange(n)
    walk = np.cumsum(rng.normal(0, 0.4, n))  # errors of any forecast grow with the steps ahead
    values = 70 + 3 * np.sin(2 * np.pi * t / 24) + walk + rng.normal(0, 0.2, n)
    return pd.Series(values, index=pd.date_range("2026-01-01", periods=n, freq="h", tz="UTC"))


@pytest.fixture(scope="module")
def prophet_backtest() -> BacktestResult:
    s = _series(12, 0)
    return backtest(s, "prophet", CFG, origins_for(s, CFG, every=12))


def test_prophet_backtest_tracks_a_seasonal_series(prophet_backtest: BacktestResult) -> None:
    err = prophet_backtest.errors()
    assert err["origins"] == len(prophet_backtest.forecasts) >= 10
    assert err["mape"] < 10.0
    assert all(len(f) == CFG.horizon for f in prophet_backtest.forecasts)


def test_intervals_widen_with_the_horizon(prophet_backtest: BacktestResult) -> None:
    q = prophet_backtest.step_quantiles(0.1)
    assert np.all(np.diff(q) >= 0)
    assert q[-1] > 1.5 * q[0]
    history = _series(12, 0)
    fc = forecast_with_intervals(history, "prophet", CFG, q)
    width = (fc["upper"] - fc["lower"]).to_numpy()
    assert width[-1] > width[0]
    assert (fc["lower"] <= fc["yhat"]).all() and (fc["yhat"] <= fc["upper"]).all()
    assert fc["timestamp"].iloc[0] == history.index[-1] + pd.Timedelta(hours=1)


def test_lstm_fits_and_forecasts_the_horizon() -> None:
    s = _series(8, 1)
    fc = LSTMForecaster(CFG).fit(s).predict(s)
    assert fc.shape == (CFG.horizon,) and np.isfinite(fc).all()
    assert abs(fc.mean() - s.iloc[-48:].mean()) < 10


def test_choose_model_picks_the_lower_mape() -> None:
    a = BacktestResult("prophet", [pd.Timestamp("2026-01-01")], [np.array([10.0])], [np.array([10.0])])
    b = BacktestResult("lstm", [pd.Timestamp("2026-01-01")], [np.array([12.0])], [np.array([10.0])])
    assert choose_model({"prophet": a, "lstm": b}) == "prophet"


def _one(model: str, forecast: float) -> BacktestResult:
    return BacktestResult(model, [pd.Timestamp("2026-01-01")], [np.array([forecast])], [np.array([100.0])])


def test_a_learned_model_must_beat_persistence_by_the_margin() -> None:
    # persistence MAPE 10 %, LSTM 9.6 %: better, but not by 5 % relative -> the anchor is kept
    results = {"lstm": _one("lstm", 109.6), "persistence": _one("persistence", 110.0)}
    assert choose_model(results, min_gain=0.05) == "persistence"
    assert choose_model(results) == "lstm"  # no margin: the lower MAPE wins
    results["lstm"] = _one("lstm", 109.0)  # 9 % < 0.95 * 10 %
    assert choose_model(results, min_gain=0.05) == "lstm"


def test_persistence_backtest_repeats_the_last_hour() -> None:
    s = _series(6, 3)
    positions = origins_for(s, CFG, every=24)
    r = backtest(s, "persistence", CFG, positions)
    for pos, fc in zip(positions, r.forecasts, strict=True):
        assert np.allclose(fc, s.iloc[pos - 1]) and len(fc) == CFG.horizon
    q = r.step_quantiles(0.1)
    fc = forecast_with_intervals(s, "persistence", CFG, q)
    assert np.allclose(fc["yhat"], s.iloc[-1]) and (fc["upper"] >= fc["yhat"]).all()


def test_threshold_crossing_reports_expected_and_possible_times() -> None:
    idx = pd.date_range("2026-01-01", periods=4, freq="h", tz="UTC")
    fc = pd.DataFrame(
        {"timestamp": idx, "yhat": [80, 84, 86, 90.0], "lower": [78, 81, 82, 85.0], "upper": [82, 87, 90, 95.0]}
    )
    hit = threshold_crossing(fc, 85.0)
    assert hit["expected_crossing"] == idx[2].isoformat()
    assert hit["possible_crossing"] == idx[1].isoformat()
    assert threshold_crossing(fc, 100.0)["expected_crossing"] is None


def test_too_short_series_and_unknown_model_are_refused() -> None:
    with pytest.raises(ForecastError, match="too short"):
        origins_for(_series(3, 2), CFG)
    with pytest.raises(ForecastError, match="expected one of"):
        backtest(_series(8, 2), "arima", CFG, [100])


def test_calendar_profile_follows_shifts_and_weekends() -> None:
    idx = pd.date_range("2026-01-05", periods=21 * 24, freq="h", tz="UTC")  # starts on a Monday
    cell = calendar_cell(idx)
    assert cell[6] == 0 and cell[14] == 1 and cell[22] == 2 and cell[5] == 2  # 06-14, 14-22, 22-06
    assert calendar_cell(pd.DatetimeIndex([pd.Timestamp("2026-01-11 10:00", tz="UTC")]))[0] == 6  # Sunday, shift 0
    level = np.array([90.0, 80.0, 60.0, 70.0, 55.0, 25.0, 25.0, 50.0, 25.0])[cell]
    drift = np.linspace(0, 5, len(idx))  # wear: the level climbs
    s = pd.Series(level + drift + np.random.default_rng(4).normal(0, 0.3, len(idx)), index=idx)
    history, actual = s.iloc[:-24], s.iloc[-24:]
    fc = calendar_forecast(history, actual.index)
    assert np.mean(np.abs(fc - actual.to_numpy())) < 1.0  # the offset tracks the drift
    assert np.mean(np.abs(persistence_forecast(history, CFG) - actual.to_numpy())) > 5.0  # misses the shift
    two_weeks = replace(CFG, fit_window=14 * 24)  # every weekday/weekend cell is in the window
    r = backtest(s, "calendar", two_weeks, origins_for(s, two_weeks, every=24))
    assert len(r.origins) == 7 and r.errors()["mape"] < 3.0
