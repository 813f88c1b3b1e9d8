"""Quality grade: multi-class gradient boosting (good / minor / major / reject) from process parameters.

Rows are the lake's ``quality_metrics`` batches; inputs are the process parameters and the tool
wear reported on each batch plus the machine type (from the ``equipment`` reference table). The
split is by time (the last 20 % of the span is the holdout). Classes are weighted inversely to
their frequency so the rare ``major``/``reject`` batches count. ``run_training`` logs the run with a
confusion matrix and registers the model under ``quality``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mfg.contracts.tables import DEFECT_CLASSES, EQUIPMENT_TYPES
from mfg.settings import Settings

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline

NAME = "quality"
LABEL = "defect_class"
NUMERIC = (
    "process_temperature",
    "process_speed",
    "process_pressure",
    "cycle_time_s",
    "material_hardness",
    "tool_wear",
)
INPUTS = (*NUMERIC, "equipment_type")
GATES: dict[str, tuple[str, float]] = {"holdout_accuracy": (">", 0.85)}


class QualityDataError(ValueError):
    """The quality training data is missing, empty or malformed."""


@dataclass
class TrainedQuality:
    """A fitted pipeline with its split, metrics and plots."""

    model: Pipeline
    train: pd.DataFrame
    holdout: pd.DataFrame
    metrics: dict[str, float]
    params: dict[str, Any]
    figures: dict[str, Any] = field(default_factory=dict)


def load_frame(settings: Settings) -> pd.DataFrame:
    """``quality_metrics`` from the lake with each batch's ``equipment_type``."""
    import pandas as pd

    from mfg.lake import read_pandas

    try:
        batches = read_pandas(settings.lake_uri, "quality_metrics")
    except FileNotFoundError as exc:
        raise QualityDataError(f"no quality_metrics table under {settings.lake_uri}: {exc}") from exc
    try:
        equipment = read_pandas(settings.lake_uri, "equipment", columns=["equipment_id", "equipment_type"])
    except FileNotFoundError:
        equipment = pd.DataFrame({"equipment_id": [], "equipment_type": []})
    return batches.merge(equipment, on="equipment_id", how="left")


def time_split(frame: pd.DataFrame, holdout: float = 0.2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows before and after the time that leaves ``holdout`` of the span at the end."""
    import pandas as pd

    missing = [c for c in (*NUMERIC, LABEL, "event_time") if c not in frame.columns]
    if missing:
        raise QualityDataError(f"quality frame lacks column(s) {missing}")
    unknown = sorted(set(frame[LABEL]) - set(DEFECT_CLASSES))
    if unknown:
        raise QualityDataError(f"defect_class has unknown value(s) {unknown}; expected {list(DEFECT_CLASSES)}")
    ts = pd.to_datetime(frame["event_time"], utc=True)
    cut = ts.min() + (ts.max() - ts.min()) * (1 - holdout)
    train, hold = frame[ts < cut], frame[ts >= cut]
    if len(train) == 0 or len(hold) == 0 or train[LABEL].nunique() < 2:
        raise QualityDataError(f"too little data to split ({len(frame)} batches, {frame[LABEL].nunique()} classes)")
    return train.reset_index(drop=True), hold.reset_index(drop=True)


def build_pipeline(seed: int) -> Pipeline:
    """One-hot machine type + numeric inputs -> ``HistGradientBoostingClassifier``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    encode = ColumnTransformer(
        [
            (
                "type",
                OneHotEncoder(categories=[list(EQUIPMENT_TYPES)], handle_unknown="ignore"),
                ["equipment_type"],
            ),
            ("numeric", "passthrough", list(NUMERIC)),
        ]
    )
    booster = HistGradientBoostingClassifier(
        max_iter=300, learning_rate=0.08, max_leaf_nodes=15, early_stopping=True, random_state=seed
    )
    return Pipeline([("encode", encode), ("boost", booster)])


def _inputs(frame: pd.DataFrame) -> pd.DataFrame:
    x = frame.reindex(columns=list(INPUTS)).copy()
    x["equipment_type"] = x["equipment_type"].fillna("unknown").astype(str)
    return x


def evaluate(model: Pipeline, frame: pd.DataFrame, prefix: str = "") -> dict[str, float]:
    """Accuracy, macro F1, balanced accuracy and per-class recall on labelled batches."""
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, recall_score

    y = frame[LABEL].astype(str)
    pred = model.predict(_inputs(frame))
    out = {
        "accuracy": accuracy_score(y, pred),
        "macro_f1": f1_score(y, pred, average="macro", labels=list(DEFECT_CLASSES), zero_division=0),
        "balanced_accuracy": balanced_accuracy_score(y, pred),
    }
    recalls = recall_score(y, pred, labels=list(DEFECT_CLASSES), average=None, zero_division=0)
    out |= {f"recall_{c}": float(r) for c, r in zip(DEFECT_CLASSES, recalls, strict=True)}
    return {f"{prefix}{k}": float(v) for k, v in out.items()}


def predict(model: Pipeline, frame: pd.DataFrame) -> pd.DataFrame:
    """Per batch: predicted ``defect_class`` and the probability of each class."""
    import pandas as pd

    x = _inputs(frame)
    proba = model.predict_proba(x)
    out = pd.DataFrame(proba, columns=[f"p_{c}" for c in model.classes_], index=frame.index)
    out.insert(0, "defect_class", model.predict(x))
    return out


def confusion_figure(model: Pipeline, frame: pd.DataFrame) -> Any:
    """The holdout confusion matrix as a matplotlib Figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = plt.subplots(figsize=(5, 4.5))
    ConfusionMatrixDisplay.from_predictions(
        frame[LABEL].astype(str), model.predict(_inputs(frame)), labels=list(DEFECT_CLASSES), ax=ax, colorbar=False
    )
    ax.set_title("Quality grade confusion matrix (holdout)")
    fig.tight_layout()
    return fig


def train(settings: Settings, frame: pd.DataFrame) -> TrainedQuality:
    """Fit on the earlier batches with balanced class weights; score the holdout."""
    from sklearn.utils.class_weight import compute_sample_weight

    train_df, hold = time_split(frame)
    model = build_pipeline(settings.seed)
    model.fit(
        _inputs(train_df),
        train_df[LABEL].astype(str),
        boost__sample_weight=compute_sample_weight("balanced", train_df[LABEL].astype(str)),
    )
    metrics = evaluate(model, train_df, "train_") | evaluate(model, hold, "holdout_")
    shares = hold[LABEL].value_counts(normalize=True)
    metrics |= {
        "baseline_accuracy": float(shares.max()),
        "rows": float(len(frame)),
        "train_rows": float(len(train_df)),
        "holdout_rows": float(len(hold)),
        "iterations": float(model.named_steps["boost"].n_iter_),
    }
    params = {k: v for k, v in model.named_steps["boost"].get_params().items() if k != "random_state"}
    params |= {"seed": settings.seed, "class_weight": "balanced"}
    figures = {"confusion_matrix": confusion_figure(model, hold)}
    return TrainedQuality(model, train_df, hold, metrics, params, figures)


def card(trained: TrainedQuality) -> str:
    """The filled model card (markdown)."""
    from mfg.models.cards import render_card

    shares = trained.holdout[LABEL].value_counts(normalize=True).reindex(list(DEFECT_CLASSES)).fillna(0.0)
    text = ", ".join(f"{c} {v:.1%}" for c, v in shares.items())
    return render_card(NAME, trained.metrics | {"class_shares": text})


def register(settings: Settings, trained: TrainedQuality) -> dict[str, Any]:
    """Log and register the model; champion if it passes the gate and matches the champion's accuracy."""
    from mfg import tracking

    example = _inputs(trained.holdout.head(5))
    candidate = tracking.log_candidate(
        settings,
        name=NAME,
        model=trained.model,
        flavor="sklearn",
        params=trained.params,
        metrics=trained.metrics,
        figures=trained.figures,
        input_example=example,
        texts={"model_card.md": card(trained)},
    )

    def rescore(uri: str) -> float:
        import mlflow.sklearn

        return evaluate(mlflow.sklearn.load_model(uri), trained.holdout)["accuracy"]

    decision = tracking.promote(
        settings,
        NAME,
        candidate.version,
        holdout_metric="accuracy",
        higher_is_better=True,
        gates=GATES,
        holdout_score=trained.metrics["holdout_accuracy"],
        score_champion=rescore,
    )
    return {"version": candidate.version, "run_id": candidate.run_id, **decision.as_dict()}


def run_training(settings: Settings) -> dict[str, Any]:
    """Lake batches -> train -> MLflow run and registry; returns the headline figures."""
    trained = train(settings, load_frame(settings))
    registry = register(settings, trained)
    m = trained.metrics
    return {
        "accuracy": m["holdout_accuracy"],
        "macro_f1": m["holdout_macro_f1"],
        "baseline_accuracy": m["baseline_accuracy"],
        "holdout_rows": m["holdout_rows"],
        "version": registry["version"],
        "champion": registry["champion"],
        "decision": registry["reason"],
    }
