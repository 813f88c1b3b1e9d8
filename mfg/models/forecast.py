"""Forecasting one metric of one machine: Prophet, a torch LSTM, a shift-calendar profile
(:mod:`mfg.models.forecast_calendar`) and a persistence anchor, chosen by backtest.

Every model forecasts an hourly series ``horizon`` steps ahead from the history before an origin.
:func:`backtest` runs a rolling-origin evaluation (refit at every origin; the LSTM is retrained every
``lstm_refit`` origins and reused in between); :func:`choose_model` picks the model with the lowest
MAPE, except that a fitted model (Prophet, LSTM, calendar) must beat the ``persistence`` anchor (the last hour
repeated) by at least ``min_gain`` (relative) on the selection origins, else persistence is kept: a
small edge on a few validation days is not evidence that a fitted model generalises.
Prediction intervals are conformal: the ``1 - alpha`` quantile of the absolute backtest errors
at each step ahead, made non-decreasing with the step, so intervals widen with the horizon.
:func:`threshold_crossing` says when a forecast first crosses a limit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from mfg.models.forecast_calendar import calendar_forecast
from mfg.settings import Settings

ModelName = Literal["prophet", "lstm", "calendar", "persistence"]
MODELS: tuple[ModelName, ...] = ("prophet", "lstm", "calendar", "persistence")
ANCHOR: ModelName = "persistence"


class ForecastError(ValueError):
    """Bad input to a forecast (too short, unknown model, no origins)."""


@dataclass(frozen=True)
class ForecastConfig:
    """Hyper-parameters shared by the models and the backtest."""

    horizon: int = 24  # steps (hours)
    fit_window: int = 14 * 24  # history steps each fit sees
    lookback: int = 48  # LSTM input length
    hidden: int = 32
    epochs: int = 20
    lstm_refit: int = 7  # retrain the LSTM every this many origins
    alpha: float = 0.1  # intervals cover 1 - alpha
    min_gain: float = 0.05  # a learned model must cut the anchor's selection MAPE by this fraction
    seed: int = 42


def _quiet_prophet() -> None:
    for name in ("prophet", "cmdstanpy"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.ERROR)
        logger.propagate = False


def prophet_forecast(history: pd.Series, cfg: ForecastConfig) -> np.ndarray:
    """Fit Prophet on the last ``fit_window`` points; forecast ``horizon`` steps.

    Daily seasonality always; weekly seasonality when the window holds at least two weeks.
    """
    from prophet import Prophet

    _quiet_prophet()
    hist = history.iloc[-cfg.fit_window :]
    frame = pd.DataFrame({"ds": hist.index.tz_localize(None) if hist.index.tz else hist.index, "y": hist.values})
    weekly = len(hist) >= 14 * 24  # two weeks of hourly history: a weekly pattern can be estimated
    model = Prophet(daily_seasonality=True, weekly_seasonality=weekly, yearly_seasonality=False, uncertainty_samples=0)
    model.fit(frame)
    future = model.make_future_dataframe(
        periods=cfg.horizon, freq=pd.infer_freq(frame["ds"]) or "h", include_history=False
    )
    return np.asarray(model.predict(future)["yhat"].to_numpy(), dtype=np.float64)


@dataclass
class LSTMForecaster:
    """A direct multi-step LSTM: the last ``lookback`` values in, ``horizon`` values out, both taken
    relative to the last observed value (so an untrained net forecasts persistence)."""

    cfg: ForecastConfig
    net: Any = None
    mean: float = 0.0
    std: float = 1.0

    def fit(self, history: pd.Series) -> LSTMForecaster:
        import torch

        torch.set_num_threads(2)
        torch.manual_seed(self.cfg.seed)
        values = history.to_numpy(dtype=np.float64)[-(self.cfg.fit_window * 3) :]
        self.mean, self.std = float(values.mean()), float(values.std() + 1e-9)
        lb, h = self.cfg.lookback, self.cfg.horizon
        n = len(values) - lb - h + 1
        if n < 8:
            raise ForecastError(f"LSTM needs at least {lb + h + 8} history points, got {len(values)}")
        # inputs and targets relative to the last observed value: the net learns the change from "now"
        x = np.stack([(values[i : i + lb] - values[i + lb - 1]) / self.std for i in range(n)])[:, :, None]
        y = np.stack([(values[i + lb : i + lb + h] - values[i + lb - 1]) / self.std for i in range(n)])
        self.net = _LSTMNet(self.cfg.hidden, h)
        opt = torch.optim.Adam(self.net.parameters(), lr=5e-3)
        loss_fn = torch.nn.SmoothL1Loss()  # Huber: a breakdown in the history does not dominate the fit
        xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
        for _ in range(self.cfg.epochs):
            perm = torch.randperm(n)
            for s in range(0, n, 64):
                idx = perm[s : s + 64]
                opt.zero_grad()
                loss = loss_fn(self.net(xt[idx]), yt[idx])
                loss.backward()
                opt.step()
        return self

    def predict(self, history: pd.Series) -> np.ndarray:
        import torch

        if self.net is None:
            raise ForecastError("the LSTM is not fitted")
        window = history.to_numpy(dtype=np.float64)[-self.cfg.lookback :]
        z = (window - window[-1]) / self.std
        with torch.no_grad():
            out = self.net(torch.tensor(z[None, :, None], dtype=torch.float32)).numpy()[0]
        return np.asarray(out * self.std + window[-1], dtype=np.float64)


def _LSTMNet(hidden: int, horizon: int) -> Any:
    import torch

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(1, hidden, batch_first=True)
            self.head = torch.nn.Linear(hidden, horizon)

        def forward(self, x: Any) -> Any:
            out, _ = self.lstm(x)
            return self.head(out[:, -1, :])

    return Net()


@dataclass
class BacktestResult:
    """Per-origin forecasts of one model."""

    model: str
    origins: list[pd.Timestamp] = field(default_factory=list)
    forecasts: list[np.ndarray] = field(default_factory=list)
    actuals: list[np.ndarray] = field(default_factory=list)

    def errors(self, which: slice = slice(None)) -> dict[str, float]:
        f = np.concatenate(self.forecasts[which])
        a = np.concatenate(self.actuals[which])
        ape = np.abs(a - f) / np.maximum(np.abs(a), 1e-9)
        per_origin = [
            float(np.mean(np.abs(x - y) / np.maximum(np.abs(x), 1e-9)))
            for x, y in zip(self.actuals[which], self.forecasts[which], strict=True)
        ]
        return {
            "mape": float(ape.mean() * 100),
            "mae": float(np.abs(a - f).mean()),
            "median_origin_mape": float(np.median(per_origin) * 100),
            "origins": len(per_origin),
        }

    def step_quantiles(self, alpha: float) -> np.ndarray:
        """Non-decreasing ``1 - alpha`` quantile of |error| per step ahead."""
        err = np.abs(np.stack(self.actuals) - np.stack(self.forecasts))
        return np.maximum.accumulate(np.quantile(err, 1 - alpha, axis=0))


def origins_for(series: pd.Series, cfg: ForecastConfig, every: int = 24) -> list[int]:
    """Positions of rolling origins: after ``fit_window`` history, every ``every`` steps, full horizon left."""
    first = cfg.fit_window
    positions = list(range(first, len(series) - cfg.horizon + 1, every))
    if not positions:
        raise ForecastError(
            f"series of {len(series)} points is too short for fit_window={cfg.fit_window} + horizon={cfg.horizon}"
        )
    return positions


def backtest(
    series: pd.Series, model: str, cfg: ForecastConfig, positions: list[int], progress: Any = None
) -> BacktestResult:
    """Rolling-origin backtest of ``model`` at ``positions`` (index of each origin's first forecast step)."""
    if model not in MODELS:
        raise ForecastError(f"model={model!r}: expected one of {', '.join(MODELS)}")
    result = BacktestResult(model=model)
    lstm: LSTMForecaster | None = None
    for k, pos in enumerate(positions):
        history = series.iloc[:pos]
        if model == "prophet":
            forecast = prophet_forecast(history, cfg)
        elif model == ANCHOR:
            forecast = persistence_forecast(history, cfg)
        elif model == "calendar":
            forecast = calendar_forecast(history.iloc[-cfg.fit_window :], future_index(history, cfg))
        else:
            if lstm is None or k % cfg.lstm_refit == 0:
                lstm = LSTMForecaster(cfg).fit(history)
            forecast = lstm.predict(history)
        result.origins.append(series.index[pos])
        result.forecasts.append(forecast)
        result.actuals.append(series.iloc[pos : pos + cfg.horizon].to_numpy(dtype=np.float64))
        if progress is not None:
            progress()
    return result


def future_index(history: pd.Series, cfg: ForecastConfig) -> pd.DatetimeIndex:
    """The ``horizon`` timestamps after the last one of ``history``."""
    freq = pd.infer_freq(history.index[-10:]) or "h"
    return pd.date_range(history.index[-1], periods=cfg.horizon + 1, freq=freq)[1:]


def persistence_forecast(history: pd.Series, cfg: ForecastConfig) -> np.ndarray:
    """The last observed value repeated over the horizon (the anchor every learned model must beat)."""
    return np.full(cfg.horizon, float(history.iloc[-1]), dtype=np.float64)


def choose_model(results: dict[str, BacktestResult], which: slice = slice(None), min_gain: float = 0.0) -> str:
    """The model with the lowest MAPE over the origins ``which``; when the ``persistence`` anchor is among
    ``results``, any other model must have a MAPE below ``(1 - min_gain)`` times the anchor's."""
    mape = {name: r.errors(which)["mape"] for name, r in results.items()}
    best = min(mape, key=lambda name: mape[name])
    if ANCHOR in mape and best != ANCHOR and mape[best] >= (1 - min_gain) * mape[ANCHOR]:
        return ANCHOR
    return best


def forecast_with_intervals(
    history: pd.Series, model: str, cfg: ForecastConfig, step_q: np.ndarray, lstm: LSTMForecaster | None = None
) -> pd.DataFrame:
    """Point forecast plus conformal interval from backtest step quantiles ``step_q``."""
    if model == "prophet":
        yhat = prophet_forecast(history, cfg)
    elif model == ANCHOR:
        yhat = persistence_forecast(history, cfg)
    elif model == "calendar":
        yhat = calendar_forecast(history.iloc[-cfg.fit_window :], future_index(history, cfg))
    else:
        yhat = (lstm or LSTMForecaster(cfg).fit(history)).predict(history)
    index = future_index(history, cfg)
    width = np.asarray(step_q[: cfg.horizon], dtype=np.float64)
    return pd.DataFrame({"timestamp": index, "yhat": yhat, "lower": yhat - width, "upper": yhat + width})


def threshold_crossing(forecast: pd.DataFrame, threshold: float, above: bool = True) -> dict[str, Any]:
    """When the forecast (``yhat``) and its pessimistic bound first cross ``threshold``."""

    def first(col: str) -> str | None:
        hit = forecast[col] > threshold if above else forecast[col] < threshold
        return None if not hit.any() else str(pd.Timestamp(forecast.loc[hit.idxmax(), "timestamp"]).isoformat())

    bound = "upper" if above else "lower"
    return {"threshold": threshold, "expected_crossing": first("yhat"), "possible_crossing": first(bound)}


def run_training(settings: Settings) -> dict[str, Any]:
    """Train on the simulator output, log and register ``forecast`` (see :mod:`mfg.models.forecast_training`)."""
    from mfg.models.forecast_training import run_training as _run

    return _run(settings)
