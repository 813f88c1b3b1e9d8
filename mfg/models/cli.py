"""``mfg train``: train, evaluate and register the model families; prints headline metrics as JSON.

``mfg train pdm|quality|anomaly|forecast|vision|all``. Every family exposes
``run_training(settings) -> dict`` (in ``mfg.models.<family>`` or ``mfg.models.<family>_training``);
each run logs to MLflow, registers a version and reports the promotion decision.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import typer

from mfg.cli import get_settings
from mfg.settings import Settings

app = typer.Typer(no_args_is_help=True)

#: model families in training order
FAMILIES: tuple[str, ...] = ("pdm", "quality", "anomaly", "forecast", "vision")


class UnknownFamilyError(ValueError):
    """A model family without a ``run_training`` entry point."""


def entry_point(family: str) -> Callable[[Settings], dict[str, Any]]:
    """The family's ``run_training`` function."""
    if family not in FAMILIES:
        raise UnknownFamilyError(f"model family {family!r}: expected one of {', '.join(FAMILIES)}")
    for module in (f"mfg.models.{family}", f"mfg.models.{family}_training"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        fn = getattr(mod, "run_training", None)
        if callable(fn):
            return fn
    raise UnknownFamilyError(f"model family {family!r} has no run_training entry point yet")


def run_family(settings: Settings, family: str, *, engine: str = "ray", progress: bool = False) -> dict[str, Any]:
    """Train one family; PdM takes the training engine (``ray`` or ``local``)."""
    if family == "pdm":
        from mfg.models.pdm import run_training

        return run_training(settings, engine="local" if engine == "local" else "ray", progress=progress)
    return entry_point(family)(settings)


def _emit(family: str, result: dict[str, Any]) -> None:
    print(json.dumps({"model": family, **result}, default=str))


@app.command("pdm")
def pdm_cmd(
    ctx: typer.Context,
    engine: str = typer.Option("ray", help="ray (Ray Train XGBoostTrainer) or local (xgboost in-process)."),
) -> None:
    """Predictive maintenance: failure within 7 days (XGBoost through Ray Train)."""
    _emit("pdm", run_family(get_settings(ctx), "pdm", engine=engine, progress=True))


@app.command("quality")
def quality_cmd(ctx: typer.Context) -> None:
    """Quality grade: good / minor / major / reject from process parameters."""
    _emit("quality", run_family(get_settings(ctx), "quality"))


@app.command("anomaly")
def anomaly_cmd(ctx: typer.Context) -> None:
    """Anomaly detection (Isolation Forest + autoencoder)."""
    _emit("anomaly", run_family(get_settings(ctx), "anomaly"))


@app.command("forecast")
def forecast_cmd(ctx: typer.Context) -> None:
    """Forecasting (Prophet / LSTM chosen by backtest)."""
    _emit("forecast", run_family(get_settings(ctx), "forecast"))


@app.command("vision")
def vision_cmd(ctx: typer.Context) -> None:
    """Defect-image classifier (EfficientNet-Lite0 features + trained head)."""
    _emit("vision", run_family(get_settings(ctx), "vision"))


@app.command("all")
def all_cmd(
    ctx: typer.Context,
    engine: str = typer.Option("ray", help="PdM training engine: ray or local."),
) -> None:
    """Train every family in turn."""
    settings = get_settings(ctx)
    for family in FAMILIES:
        _emit(family, run_family(settings, family, engine=engine, progress=True))
