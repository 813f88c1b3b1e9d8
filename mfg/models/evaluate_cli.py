"""``mfg evaluate ...``: the model recipes on your own (or public) data; each prints one JSON line.

* ``mfg evaluate anomaly --format skab --path DIR`` - SKAB outlier-detection protocol;
* ``mfg evaluate forecast --format nab --path CSV --horizon 24h`` - rolling-origin backtest;
* ``mfg evaluate failure-classifier --source PATH --mapping M`` - PdM recipe, stratified 5-fold CV.

Heavy imports happen inside the commands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
_err = Console(stderr=True)


def _emit(result: dict[str, Any]) -> None:
    print(json.dumps(result, default=str))


def _fail(message: str) -> typer.Exit:
    _err.print(f"[red]error[/red]: {message}")
    return typer.Exit(2)


@app.command("anomaly")
def anomaly_cmd(
    path: Path = typer.Option(..., "--path", help="Folder of SKAB runs, e.g. datasets/skab/valve1."),
    fmt: str = typer.Option("skab", "--format", help="Dataset protocol; only 'skab' is supported."),
    seed: int = typer.Option(42, help="Random seed of the detector."),
) -> None:
    """SKAB outlier detection: fit on anomaly-free + first 400 rows per run; print f1, far, mar."""
    from mfg.datasets import DatasetError
    from mfg.evaluation.skab import SkabConfig, SkabError, evaluate_skab
    from mfg.models.anomaly import AnomalyModelError

    if fmt != "skab":
        raise _fail(f"--format {fmt!r}: only 'skab' is supported")
    if not path.is_dir():
        raise _fail(f"--path {path}: not a folder")
    try:
        with _err.status("fitting the detector and scoring the runs"):
            result = evaluate_skab(path, SkabConfig(seed=seed))
    except (SkabError, DatasetError, AnomalyModelError) as exc:
        raise _fail(str(exc)) from None
    _emit(result)


@app.command("forecast")
def forecast_cmd(
    path: Path = typer.Option(..., "--path", help="The NAB CSV (timestamp,value)."),
    fmt: str = typer.Option("nab", "--format", help="Dataset protocol; only 'nab' is supported."),
    horizon: str = typer.Option("24h", "--horizon", help="Forecast horizon, e.g. 24h or 1d."),
) -> None:
    """Rolling-origin backtest of Prophet and the LSTM; print mape, mae of the chosen model."""
    from mfg.datasets import DatasetError
    from mfg.evaluation.nab import NabError, evaluate_nab, parse_horizon
    from mfg.models.forecast import ForecastError

    if fmt != "nab":
        raise _fail(f"--format {fmt!r}: only 'nab' is supported")
    if not path.is_file():
        raise _fail(f"--path {path}: no such file")
    try:
        result = evaluate_nab(path, horizon=parse_horizon(horizon), progress=True)
    except (NabError, DatasetError, ForecastError) as exc:
        raise _fail(str(exc)) from None
    _emit(result)


@app.command("failure-classifier")
def failure_cmd(
    source: Path = typer.Option(..., "--source", help="A CSV file or a folder of CSVs."),
    mapping: str = typer.Option("generic_failure", "--mapping", help="Shipped mapping name or YAML path."),
    folds: int = typer.Option(5, min=2, help="Cross-validation folds."),
    seed: int = typer.Option(42, help="Random seed."),
) -> None:
    """The PdM recipe on a tabular failure dataset; print precision, recall, f1, roc_auc."""
    from mfg.datasets import DatasetError
    from mfg.evaluation.failure import FailureEvalError, LeakageError, evaluate_failure_classifier

    if not source.exists():
        raise _fail(f"--source {source}: no such file or folder")
    try:
        with _err.status("cross-validating"):
            result = evaluate_failure_classifier(source, mapping, folds=folds, seed=seed)
    except (FailureEvalError, LeakageError, DatasetError) as exc:
        raise _fail(str(exc)) from None
    _emit(result)
