"""Fitting the PdM booster: Ray Train's ``XGBoostTrainer`` (default) or plain xgboost in-process.

One booster is fitted on the training block of :mod:`mfg.models.pdm_data`; calibration, the
decision threshold and the holdout score all use that same booster (:mod:`mfg.models.pdm`). Both
engines fit it with the same parameters; the engine changes where training happens, not what is
learnt. Ray starts locally with ``settings.ray_num_cpus`` CPUs unless ``settings.ray_address``
names a cluster (in Kubernetes the KubeRay ``RayJob`` in ``k8s/ray/rayjob-pdm.yaml`` runs
``mfg train pdm`` with ``MFG_RAY_ADDRESS=auto``). The trainer reports once, at the end (each extra
report costs 1.4-2 s).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mfg.settings import Settings

if TYPE_CHECKING:
    import pandas as pd
    import xgboost as xgb

Engine = Literal["ray", "local"]
LABEL_COLUMN = "__label__"
MODEL_FILE = "model.ubj"


class PdmTrainingError(RuntimeError):
    """Training the PdM booster failed."""


def booster_params(positives: int, negatives: int, seed: int) -> dict[str, Any]:
    """xgboost parameters; ``scale_pos_weight`` = negatives / positives balances the classes."""
    if positives == 0:
        raise PdmTrainingError("no positive training rows (failure_within_7_days == 1)")
    return {
        "objective": "binary:logistic",
        "eval_metric": "aucpr",
        "tree_method": "hist",
        "max_depth": 4,
        "eta": 0.05,
        "subsample": 0.8,
        "colsample_bytree": 0.6,
        "min_child_weight": 5,
        "lambda": 2.0,
        "scale_pos_weight": negatives / positives,
        "seed": seed,
        "nthread": 1,
    }


def _booster(params: dict[str, Any], rows: pd.DataFrame, rounds: int) -> xgb.Booster:
    """The booster fitted on ``rows`` (model inputs plus ``__label__``)."""
    import xgboost as xgb

    dtrain = xgb.DMatrix(rows.drop(columns=[LABEL_COLUMN]), label=rows[LABEL_COLUMN])
    return xgb.train(params, dtrain, num_boost_round=rounds, verbose_eval=False)


def _ray_train_loop(config: dict[str, Any]) -> None:
    """Runs on the Ray Train worker: fit, then report once with the model as checkpoint."""
    import ray.train

    frame = ray.train.get_dataset_shard("train").materialize().to_pandas()
    booster = _booster(config["params"], frame, config["rounds"])
    with tempfile.TemporaryDirectory() as tmp:
        booster.save_model(os.path.join(tmp, MODEL_FILE))
        ray.train.report({"trees": booster.num_boosted_rounds()}, checkpoint=ray.train.Checkpoint.from_directory(tmp))


def _ensure_ray(settings: Settings) -> bool:
    """Connect to (or start) Ray; True when this call started it."""
    import ray

    if ray.is_initialized():
        return False
    if settings.ray_address:
        ray.init(address=settings.ray_address, log_to_driver=False)
    else:
        ray.init(num_cpus=settings.ray_num_cpus, include_dashboard=False, log_to_driver=False)
    return True


def fit_with_ray(settings: Settings, params: dict[str, Any], frame: pd.DataFrame, rounds: int) -> xgb.Booster:
    """The booster, fitted inside ``ray.train.xgboost.XGBoostTrainer`` (one worker)."""
    import ray
    import ray.data
    import ray.train
    import xgboost as xgb
    from ray.train.xgboost import XGBoostTrainer

    started = _ensure_ray(settings)
    try:
        storage = (settings.data_dir / "ray_results").resolve()
        storage.mkdir(parents=True, exist_ok=True)
        trainer = XGBoostTrainer(
            _ray_train_loop,
            train_loop_config={"params": params, "rounds": rounds},
            scaling_config=ray.train.ScalingConfig(num_workers=1, resources_per_worker={"CPU": 1}),
            run_config=ray.train.RunConfig(storage_path=str(storage), name="pdm"),
            datasets={"train": ray.data.from_pandas(frame.reset_index(drop=True))},
        )
        result = trainer.fit()
        if result.checkpoint is None:
            raise PdmTrainingError(f"Ray Train finished without a checkpoint (error: {result.error})")
        with result.checkpoint.as_directory() as folder:
            booster = xgb.Booster()
            booster.load_model(str(Path(folder) / MODEL_FILE))
        return booster
    finally:
        if started:
            ray.shutdown()


def fit(
    settings: Settings, engine: Engine, params: dict[str, Any], x: pd.DataFrame, y: pd.Series, rounds: int = 300
) -> xgb.Booster:
    """The booster fitted on (x, y) with the chosen engine."""
    frame = x.assign(**{LABEL_COLUMN: y.to_numpy()})
    if engine == "ray":
        return fit_with_ray(settings, params, frame, rounds)
    if engine == "local":
        return _booster(params, frame, rounds)
    raise PdmTrainingError(f"engine={engine!r}: expected 'ray' or 'local'")
