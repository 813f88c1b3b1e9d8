"""MLflow tracking and registry helpers shared by every model family.

Four calls cover the life of a model:

* :func:`configure` points MLflow at the settings' tracking and registry URIs and makes sure the
  experiment exists with its artifact location set explicitly (never ``./mlruns``).
* :func:`log_candidate` opens one run, logs params, metrics, figures, extra artifacts and the model
  (signature inferred from the input example, explicit ``pip_requirements``) and registers it as a
  new version of ``name``.
* :func:`promote` gives every new version the alias ``challenger`` and moves ``champion`` to it only
  when its gates pass and it does no worse than the current champion on the same holdout.
* :func:`load_champion` loads ``models:/<name>@champion``.

MLflow keeps its tracking URI in process state; every function here calls :func:`configure` first,
so callers never set it themselves. Nothing happens at import time.
"""

from __future__ import annotations

import importlib.metadata
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mfg.settings import Settings

Flavor = Literal["sklearn", "xgboost", "pytorch", "pyfunc", "prophet"]
FLAVORS: tuple[str, ...] = ("sklearn", "xgboost", "pytorch", "pyfunc", "prophet")
CHAMPION = "champion"
CHALLENGER = "challenger"

#: version tags written by :func:`promote`
TAG_HOLDOUT_METRIC = "holdout_metric"
TAG_HOLDOUT_SCORE = "holdout_score"
TAG_HOLDOUT_ID = "holdout_id"
TAG_DECISION = "promotion_decision"

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}

# distribution names the logged model needs at serving time, per flavor (versions pinned below)
_BASE_REQS = ("mlflow", "numpy", "pandas", "cloudpickle")
_FLAVOR_REQS: dict[str, tuple[str, ...]] = {
    "sklearn": ("scikit-learn",),
    "xgboost": ("xgboost-cpu", "scikit-learn"),
    "pytorch": ("torch",),
    "pyfunc": ("scikit-learn", "xgboost-cpu"),
    "prophet": ("prophet",),
}


class TrackingError(RuntimeError):
    """An MLflow operation failed or was asked for something inconsistent."""


@dataclass(frozen=True)
class Candidate:
    """A registered model version produced by :func:`log_candidate`."""

    name: str
    version: str
    run_id: str
    model_uri: str  # models:/<name>/<version>


@dataclass
class PromotionDecision:
    """The outcome of :func:`promote` and why."""

    name: str
    version: str
    promoted: bool
    reason: str
    holdout_metric: str
    holdout_score: float
    champion_version: str | None = None  # the champion before this decision
    champion_score: float | None = None
    gate_results: dict[str, bool] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """A flat summary for printing / JSON."""
        return {
            "model": self.name,
            "version": self.version,
            "champion": self.promoted,
            "reason": self.reason,
            f"holdout_{self.holdout_metric}": self.holdout_score,
            "previous_champion": self.champion_version,
            "previous_champion_score": self.champion_score,
        }


def _local_path(uri: str) -> Path | None:
    if uri.startswith("file://"):
        return Path(uri[len("file://") :])
    if "://" in uri:
        return None
    return Path(uri)


def _sqlite_file(uri: str) -> Path | None:
    if uri.startswith("sqlite:///"):
        return Path(uri[len("sqlite:///") :])
    return None


def configure(settings: Settings) -> str:
    """Point MLflow at the settings' stores and return the experiment id (created when missing).

    Creates the SQLite database's parent folder and the local artifact root, so the embedded setup
    works on a fresh checkout.
    """
    import mlflow

    tracking = settings.mlflow_tracking_uri
    registry = settings.mlflow_registry_uri or tracking
    for uri in (tracking, registry):
        db = _sqlite_file(uri)
        if db is not None:
            db.parent.mkdir(parents=True, exist_ok=True)
    artifact_root = settings.mlflow_artifact_root
    local_root = _local_path(artifact_root)
    if local_root is not None:
        local_root.mkdir(parents=True, exist_ok=True)
        artifact_root = local_root.resolve().as_uri()
    mlflow.set_tracking_uri(tracking)
    mlflow.set_registry_uri(registry)
    experiment = mlflow.get_experiment_by_name(settings.mlflow_experiment)
    if experiment is not None:
        return str(experiment.experiment_id)
    return str(mlflow.create_experiment(settings.mlflow_experiment, artifact_location=artifact_root))


def client(settings: Settings) -> Any:
    """An ``MlflowClient`` bound to the settings' tracking and registry URIs."""
    from mlflow import MlflowClient

    configure(settings)
    return MlflowClient(
        tracking_uri=settings.mlflow_tracking_uri,
        registry_uri=settings.mlflow_registry_uri or settings.mlflow_tracking_uri,
    )


def pip_requirements(flavor: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Pinned requirements of a flavor from the installed versions (skips packages not installed)."""
    if flavor not in FLAVORS:
        raise TrackingError(f"flavor={flavor!r}: expected one of {', '.join(FLAVORS)}")
    reqs: list[str] = []
    for dist in (*_BASE_REQS, *_FLAVOR_REQS[flavor], *extra):
        try:
            reqs.append(f"{dist}=={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return reqs


def _infer_signature(model: Any, flavor: str, input_example: Any, output_example: Any) -> Any:
    from mlflow.models import infer_signature

    if input_example is None:
        return None
    if output_example is None and flavor in ("sklearn", "xgboost") and hasattr(model, "predict"):
        output_example = model.predict(input_example)
    if output_example is None and flavor == "pyfunc" and hasattr(model, "predict"):
        output_example = model.predict(None, input_example)
    return infer_signature(input_example, output_example)


def _log_model(flavor: str, model: Any, kwargs: dict[str, Any], serialization_format: str | None) -> Any:
    import mlflow

    if flavor == "sklearn":
        import mlflow.sklearn

        return mlflow.sklearn.log_model(model, serialization_format=serialization_format or "cloudpickle", **kwargs)
    if flavor == "xgboost":
        import mlflow.xgboost

        return mlflow.xgboost.log_model(model, **kwargs)
    if flavor == "pytorch":
        import mlflow.pytorch

        return mlflow.pytorch.log_model(model, **kwargs)
    if flavor == "prophet":
        import mlflow.prophet

        return mlflow.prophet.log_model(model, **kwargs)
    if flavor == "pyfunc":
        return mlflow.pyfunc.log_model(python_model=model, **kwargs)
    raise TrackingError(f"flavor={flavor!r}: expected one of {', '.join(FLAVORS)}")


def log_candidate(
    settings: Settings,
    *,
    name: str,
    model: Any,
    flavor: Flavor,
    params: Mapping[str, Any],
    metrics: Mapping[str, float],
    figures: Mapping[str, Any] | None = None,
    input_example: Any = None,
    output_example: Any = None,
    pip_requirements_extra: tuple[str, ...] = (),
    extra_artifacts: Mapping[str, Path | str] | None = None,
    texts: Mapping[str, str] | None = None,
    tags: Mapping[str, str] | None = None,
    serialization_format: str | None = None,
    run_name: str | None = None,
) -> Candidate:
    """Log one training run and register its model as a new version of ``name``.

    ``figures`` maps a name to a matplotlib Figure (saved as ``plots/<name>.png`` and closed);
    ``extra_artifacts`` maps an artifact folder to a local file or folder; ``texts`` maps an
    artifact file name (e.g. ``model_card.md``) to its content. For ``pyfunc`` pass a
    ``mlflow.pyfunc.PythonModel`` instance as ``model``. ``serialization_format`` applies to
    sklearn (default ``cloudpickle``; skops refuses some tree types such as IsolationForest).
    """
    import matplotlib.pyplot as plt
    import mlflow

    if flavor not in FLAVORS:
        raise TrackingError(f"flavor={flavor!r}: expected one of {', '.join(FLAVORS)}")
    experiment_id = configure(settings)
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name or name) as run:
        mlflow.set_tags({"model_family": name, **(tags or {})})
        mlflow.log_params({k: _param(v) for k, v in params.items()})
        mlflow.log_metrics({k: float(v) for k, v in metrics.items()})
        for key, fig in (figures or {}).items():
            mlflow.log_figure(fig, f"plots/{key}.png")
            plt.close(fig)
        for folder, path in (extra_artifacts or {}).items():
            p = Path(path)
            if p.is_dir():
                mlflow.log_artifacts(str(p), artifact_path=folder)
            elif p.is_file():
                mlflow.log_artifact(str(p), artifact_path=folder)
            else:
                raise TrackingError(f"extra_artifacts[{folder!r}]={path!s}: no such file or folder")
        for file_name, text in (texts or {}).items():
            mlflow.log_text(text, file_name)
        kwargs: dict[str, Any] = {
            "name": "model",
            "registered_model_name": name,
            "signature": _infer_signature(model, flavor, input_example, output_example),
            "input_example": input_example,
            "pip_requirements": pip_requirements(flavor, pip_requirements_extra),
        }
        info = _log_model(flavor, model, kwargs, serialization_format)
        run_id = run.info.run_id
    version = getattr(info, "registered_model_version", None)
    if version is None:
        raise TrackingError(f"model {name!r} was logged in run {run_id} but not registered")
    return Candidate(name=name, version=str(version), run_id=run_id, model_uri=f"models:/{name}/{version}")


def _param(value: Any) -> Any:
    text = str(value)
    return text if len(text) <= 500 else text[:497] + "..."


def _champion(mlclient: Any, name: str) -> Any | None:
    from mlflow.exceptions import MlflowException

    try:
        return mlclient.get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        return None


def check_gates(metrics: Mapping[str, float], gates: Mapping[str, tuple[str, float]]) -> dict[str, bool]:
    """Evaluate ``{metric: (op, threshold)}`` against ``metrics``; a missing metric fails its gate."""
    results: dict[str, bool] = {}
    for metric, (op, threshold) in gates.items():
        if op not in _OPS:
            raise TrackingError(f"gate {metric!r}: operator {op!r} is not one of {', '.join(_OPS)}")
        value = metrics.get(metric)
        results[metric] = value is not None and _OPS[op](float(value), float(threshold))
    return results


def promote(
    settings: Settings,
    name: str,
    version: str,
    *,
    holdout_metric: str,
    higher_is_better: bool,
    gates: Mapping[str, tuple[str, float]],
    holdout_score: float,
    metrics: Mapping[str, float] | None = None,
    holdout_id: str | None = None,
    score_champion: Callable[[str], float] | None = None,
) -> PromotionDecision:
    """Mark ``version`` challenger; make it champion if its gates pass and it beats (or ties) the champion.

    ``gates`` are checked against ``metrics`` (default: the metrics logged in the version's run).
    The current champion's score comes from ``score_champion(model_uri)`` when given (it re-scores
    the champion on this holdout); otherwise from its ``holdout_score`` tag, which is used only when
    its ``holdout_id`` tag equals ``holdout_id`` (the same holdout). A champion scored on another
    holdout and not re-scored blocks nothing but is named in the reason.
    """
    mlclient = client(settings)
    mv = mlclient.get_model_version(name, version)
    if metrics is None:
        metrics = dict(mlclient.get_run(mv.run_id).data.metrics) if mv.run_id else {}
    mlclient.set_model_version_tag(name, version, TAG_HOLDOUT_METRIC, holdout_metric)
    mlclient.set_model_version_tag(name, version, TAG_HOLDOUT_SCORE, repr(float(holdout_score)))
    if holdout_id is not None:
        mlclient.set_model_version_tag(name, version, TAG_HOLDOUT_ID, holdout_id)
    mlclient.set_registered_model_alias(name, CHALLENGER, version)

    decision = PromotionDecision(
        name=name,
        version=str(version),
        promoted=False,
        reason="",
        holdout_metric=holdout_metric,
        holdout_score=float(holdout_score),
        gate_results=check_gates(metrics, gates),
    )
    failed = [m for m, ok in decision.gate_results.items() if not ok]
    current = _champion(mlclient, name)
    if current is not None and str(current.version) != str(version):
        decision.champion_version = str(current.version)
        decision.champion_score, note = _champion_score(current, name, holdout_metric, holdout_id, score_champion)
    else:
        note = ""
    if failed:
        shown = ", ".join(f"{m}={metrics.get(m)!r} not {gates[m][0]} {gates[m][1]}" for m in failed)
        decision.reason = f"gates failed: {shown}"
    elif decision.champion_score is not None and _worse(
        float(holdout_score), decision.champion_score, higher_is_better
    ):
        decision.reason = (
            f"{holdout_metric}={holdout_score:.4g} is worse than champion v{decision.champion_version}"
            f" ({decision.champion_score:.4g}) on the same holdout"
        )
    else:
        decision.promoted = True
        if decision.champion_version is None:
            decision.reason = "gates passed; no champion yet"
        elif decision.champion_score is None:
            decision.reason = f"gates passed; champion v{decision.champion_version} {note}"
        else:
            decision.reason = (
                f"gates passed and {holdout_metric}={holdout_score:.4g} >= champion"
                f" v{decision.champion_version} ({decision.champion_score:.4g})"
                if higher_is_better
                else f"gates passed and {holdout_metric}={holdout_score:.4g} <= champion"
                f" v{decision.champion_version} ({decision.champion_score:.4g})"
            )
        mlclient.set_registered_model_alias(name, CHAMPION, version)
    mlclient.set_model_version_tag(name, version, TAG_DECISION, decision.reason[:500])
    return decision


def register(
    settings: Settings,
    *,
    name: str,
    metrics: Mapping[str, float],
    holdout_metric: str,
    higher_is_better: bool,
    gates: Mapping[str, tuple[str, float]],
    holdout_id: str | None = None,
    **log_kwargs: Any,
) -> tuple[Candidate, PromotionDecision]:
    """:func:`log_candidate` then :func:`promote`, scoring the holdout on ``metrics[holdout_metric]``.

    The usual path of a training job whose gates and champion comparison use the metrics it logs.
    """
    candidate = log_candidate(settings, name=name, metrics=metrics, **log_kwargs)
    decision = promote(
        settings,
        name,
        candidate.version,
        holdout_metric=holdout_metric,
        higher_is_better=higher_is_better,
        gates=gates,
        holdout_score=metrics[holdout_metric],
        metrics=metrics,
        holdout_id=holdout_id,
    )
    return candidate, decision


def _worse(score: float, champion: float, higher_is_better: bool) -> bool:
    return score < champion if higher_is_better else score > champion


def _champion_score(
    current: Any,
    name: str,
    holdout_metric: str,
    holdout_id: str | None,
    score_champion: Callable[[str], float] | None,
) -> tuple[float | None, str]:
    if score_champion is not None:
        return float(score_champion(f"models:/{name}/{current.version}")), "re-scored on this holdout"
    tags = dict(current.tags or {})
    if tags.get(TAG_HOLDOUT_METRIC) != holdout_metric or TAG_HOLDOUT_SCORE not in tags:
        return None, f"has no stored {holdout_metric} score"
    if holdout_id is not None and tags.get(TAG_HOLDOUT_ID) != holdout_id:
        return None, "was scored on a different holdout and not re-scored"
    return float(tags[TAG_HOLDOUT_SCORE]), "stored score on the same holdout"


def model_uri(name: str, alias: str = CHAMPION) -> str:
    """``models:/<name>@<alias>``."""
    return f"models:/{name}@{alias}"


def load_champion(settings: Settings, name: str, flavor: str = "pyfunc") -> Any:
    """Load ``models:/<name>@champion`` as a pyfunc (default) or with a native flavor's loader."""
    import importlib

    from mlflow.exceptions import MlflowException

    configure(settings)
    if flavor not in FLAVORS:
        raise TrackingError(f"flavor={flavor!r}: expected one of {', '.join(FLAVORS)}")
    loader = importlib.import_module(f"mlflow.{flavor}")
    try:
        return loader.load_model(model_uri(name))
    except MlflowException as exc:
        raise TrackingError(f"no champion for model {name!r} in {settings.mlflow_tracking_uri}: {exc}") from exc
