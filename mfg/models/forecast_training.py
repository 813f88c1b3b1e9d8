"""Train the forecaster on the simulator's hourly temperature, choose the model by backtest, register it.

For up to ``BACKTEST_MACHINES`` machines, Prophet, the LSTM and the persistence anchor are backtested
(rolling origins every 24 h once half the period, at most 14 days, is history); the model with the
lowest pooled MAPE wins (a learned model must beat persistence by ``min_gain``, see
:func:`mfg.models.forecast.choose_model`) and
its per-step absolute errors set the conformal intervals. The registered ``forecast`` pyfunc keeps each
machine's recent hourly history and refits the chosen model on demand (Prophet fits in well under a
second; the LSTM in seconds). Champion gate: backtest MAPE <= 10 %.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import pandas as pd

from mfg.models.forecast import (
    MODELS,
    BacktestResult,
    ForecastConfig,
    ForecastError,
    backtest,
    choose_model,
    origins_for,
)
from mfg.settings import Settings

NAME = "forecast"
METRIC = "temperature"
BACKTEST_MACHINES = 2
GATES = {"mape": ("<=", 10.0)}


def hourly_series(sim_dir: Any, metric: str = METRIC) -> dict[str, pd.Series]:
    """Hourly mean of ``metric`` per machine from the simulator's sensor readings."""
    from mfg.lake import read_pandas

    frame = read_pandas(sim_dir, "sensor_readings", columns=["equipment_id", "event_time", metric])
    frame["event_time"] = pd.to_datetime(frame["event_time"], utc=True)
    out: dict[str, pd.Series] = {}
    for equipment_id, group in frame.groupby("equipment_id", sort=True):
        series = group.set_index("event_time")[metric].astype(float).resample("1h").mean()
        out[str(equipment_id)] = series.interpolate(limit_direction="both")
    return out


def pooled(results: list[BacktestResult]) -> BacktestResult:
    merged = BacktestResult(model=results[0].model)
    for r in results:
        merged.origins += r.origins
        merged.forecasts += r.forecasts
        merged.actuals += r.actuals
    return merged


def select(series: dict[str, pd.Series], cfg: ForecastConfig) -> tuple[str, dict[str, BacktestResult]]:
    """Backtest every model (persistence included) on the first machines; the winner and the pooled results."""
    per_model: dict[str, list[BacktestResult]] = {name: [] for name in MODELS}
    for equipment_id in sorted(series)[:BACKTEST_MACHINES]:
        s = series[equipment_id]
        positions = origins_for(s, cfg)
        for name in per_model:
            per_model[name].append(backtest(s, name, cfg, positions))
    results = {name: pooled(rs) for name, rs in per_model.items()}
    return choose_model(results, min_gain=cfg.min_gain), results


def _plot(result: BacktestResult) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3))
    k = len(result.origins) - 1
    idx = pd.date_range(result.origins[k], periods=len(result.actuals[k]), freq="h")
    ax.plot(idx, result.actuals[k], label="actual")
    ax.plot(idx, result.forecasts[k], label=f"forecast ({result.model})")
    ax.set_title("last backtest origin: forecast vs actual")
    ax.legend()
    return fig


def run_training(settings: Settings) -> dict[str, Any]:
    """Backtest, choose, log and register ``forecast``; headline metrics and the decision."""
    from mfg import tracking
    from mfg.models.forecast_pyfunc import ForecastModel

    series = hourly_series(settings.sim_dir)
    if not series:
        raise ForecastError(f"no sensor readings under {settings.sim_dir}")
    hours = min(len(s) for s in series.values())
    cfg = ForecastConfig(fit_window=min(14 * 24, hours // 2), seed=settings.seed, epochs=20)
    if hours < cfg.fit_window + cfg.horizon + 8:
        raise ForecastError(f"{hours} hours of data per machine is too short for a 24 h backtest")
    cfg = replace(cfg, lookback=min(cfg.lookback, cfg.fit_window // 3))
    chosen, results = select(series, cfg)
    errors = {name: r.errors() for name, r in results.items()}
    step_q = results[chosen].step_quantiles(cfg.alpha)
    metrics = {
        "mape": errors[chosen]["mape"],
        "mae": errors[chosen]["mae"],
        "prophet_mape": errors["prophet"]["mape"],
        "lstm_mape": errors["lstm"]["mape"],
        "calendar_mape": errors["calendar"]["mape"],
        "persistence_mape": errors["persistence"]["mape"],
        "interval_width_h1": float(2 * step_q[0]),
        "interval_width_h24": float(2 * step_q[-1]),
    }
    histories = {k: v.iloc[-cfg.fit_window * 3 :] for k, v in series.items()}
    model = ForecastModel(chosen, cfg, step_q, histories)
    example = pd.DataFrame({"equipment_id": [sorted(series)[0]], "threshold": [float("nan")]})
    card = (
        f"# Model card: forecast\n\nHourly {METRIC} per machine, 24 h ahead. Chosen by rolling-origin backtest"
        f" on {min(len(series), BACKTEST_MACHINES)} machines: **{chosen}** (Prophet MAPE"
        f" {errors['prophet']['mape']:.2f} %, LSTM MAPE {errors['lstm']['mape']:.2f} %,"
        f" calendar MAPE {errors['calendar']['mape']:.2f} %,"
        f" persistence MAPE {errors['persistence']['mape']:.2f} %). Intervals: conformal"
        f" {1 - cfg.alpha:.0%} from backtest errors per step, widening from +-{step_q[0]:.2f} at 1 h to"
        f" +-{step_q[-1]:.2f} at 24 h.\n\nLimits: simulator data; refits on demand from stored history.\n"
    )
    candidate, decision = tracking.register(
        settings,
        name=NAME,
        model=model,
        flavor="pyfunc",
        params={**asdict(cfg), "chosen": chosen, "metric": METRIC},
        metrics=metrics,
        figures={"forecast_vs_actual": _plot(results[chosen])},
        input_example=example,
        pip_requirements_extra=("torch", "prophet"),
        texts={"model_card.md": card},
        holdout_metric="mape",
        higher_is_better=False,
        gates=GATES,
        holdout_id=f"sim:{settings.sim_dir}:{hours}",
    )
    return {
        "model": NAME,
        "version": candidate.version,
        "champion": decision.promoted,
        "chosen": chosen,
        "mape": round(metrics["mape"], 3),
        "mae": round(metrics["mae"], 3),
        "persistence_mape": round(metrics["persistence_mape"], 3),
        "interval_width_h1": round(metrics["interval_width_h1"], 3),
        "interval_width_h24": round(metrics["interval_width_h24"], 3),
        "origins": len(results[chosen].origins),
    }
