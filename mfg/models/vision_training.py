"""Train the defect-image classifier on the simulator's labelled images and register it as ``vision``.

A stratified 70/30 split of the indexed images (at most ``MAX_IMAGES``, sampled per class); features
from the frozen backbone; the logistic-regression head is logged with the sklearn flavor (its input is
the 1280-d feature vector). Champion gate: holdout accuracy >= 0.85.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mfg.models.vision import DefectClassifier, evaluate, extract_features, load_index, model_card
from mfg.settings import Settings

NAME = "vision"
MAX_IMAGES = 600
GATES = {"accuracy": (">=", 0.85)}


def _confusion_figure(labels: list[str], pred: list[str], classes: list[str]) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from sklearn.metrics import ConfusionMatrixDisplay

    disp = ConfusionMatrixDisplay.from_predictions(labels, pred, labels=classes, xticks_rotation=45, colorbar=False)
    return disp.figure_


def run_training(settings: Settings) -> dict[str, Any]:
    """Extract features, fit the head, evaluate, log/register ``vision``; headline metrics."""
    from rich.progress import Progress
    from sklearn.model_selection import train_test_split

    from mfg import tracking

    index = load_index(settings.sim_dir)
    if len(index) > MAX_IMAGES:
        index = index.groupby("defect_type", group_keys=False).apply(
            lambda g: g.sample(min(len(g), max(2, MAX_IMAGES * len(g) // len(index))), random_state=settings.seed)
        )
    labels = index["defect_type"].astype(str).tolist()
    counts = index["defect_type"].value_counts()
    stratify = labels if counts.min() >= 2 else None
    train_idx, test_idx = train_test_split(
        np.arange(len(index)), test_size=0.3, random_state=settings.seed, stratify=stratify
    )
    with Progress(transient=True) as bar:
        task = bar.add_task("image features", total=len(index))
        feats = extract_features(list(index["file"]), progress=lambda n: bar.advance(task, n))
    clf = DefectClassifier(seed=settings.seed).fit(feats[train_idx], [labels[i] for i in train_idx])
    test_labels = [labels[i] for i in test_idx]
    metrics = evaluate(clf, feats[test_idx], test_labels)
    card = model_card(clf, metrics, f"{len(index)} simulator images from {settings.sim_dir}; stratified 70/30 split.")
    candidate, decision = tracking.register(
        settings,
        name=NAME,
        model=clf.head,
        flavor="sklearn",
        params={"backbone": "efficientnet-lite0 (frozen, ImageNet)", "head": "logistic_regression", "C": clf.C},
        metrics=metrics,
        figures={"confusion_matrix": _confusion_figure(test_labels, clf.predict(feats[test_idx]), clf.classes)},
        input_example=feats[test_idx][:2].astype(np.float64),
        pip_requirements_extra=("torch",),
        texts={"model_card.md": card},
        holdout_metric="accuracy",
        higher_is_better=True,
        gates=GATES,
        holdout_id=f"sim:{settings.sim_dir}:{len(index)}",
    )
    return {
        "model": NAME,
        "version": candidate.version,
        "champion": decision.promoted,
        "accuracy": round(metrics["accuracy"], 4),
        "macro_f1": round(metrics["macro_f1"], 4),
        "n_test": int(metrics["n_test"]),
    }
