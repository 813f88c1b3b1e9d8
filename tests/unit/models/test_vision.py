"""Vision: frozen EfficientNet-Lite0 features separate simple synthetic defect images; index checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mfg.models.vision import DefectClassifier, VisionError, evaluate, extract_features, load_backbone, load_index


def _images(folder: Path, per_class: int) -> tuple[list[Path], list[str]]:
    rng = np.random.default_rng(0)
    paths, labels = [], []
    for label in ("scratch", "stain"):
        for i in range(per_class):
            img = np.full((64, 64, 3), 180, dtype=np.uint8) + rng.integers(0, 20, (64, 64, 3), dtype=np.uint8)
            if label == "scratch":
                row = rng.integers(10, 54)
                img[row : row + 2, 5:60] = 30  # a thin dark line
            else:
                cy, cx = rng.integers(20, 44, 2)
                yy, xx = np.ogrid[:64, :64]
                img[(yy - cy) ** 2 + (xx - cx) ** 2 < 100] = (120, 90, 40)  # a brown blot
            path = folder / f"{label}-{i}.png"
            Image.fromarray(img).save(path)
            paths.append(path)
            labels.append(label)
    return paths, labels


def test_frozen_features_and_head_classify_held_out_images(tmp_path: Path) -> None:
    paths, labels = _images(tmp_path, per_class=10)
    backbone = load_backbone()
    feats = extract_features(paths, backbone=backbone, batch_size=8)
    assert feats.shape == (20, 1280)
    train = [i for i in range(20) if i % 5 != 0]
    test = [i for i in range(20) if i % 5 == 0]
    clf = DefectClassifier().fit(feats[train], [labels[i] for i in train])
    assert set(clf.classes) == {"scratch", "stain"}
    metrics = evaluate(clf, feats[test], [labels[i] for i in test])
    assert metrics["accuracy"] >= 0.75
    proba = clf.predict_proba(feats[test])
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(VisionError, match="no defect image index"):
        load_index(tmp_path)
    with pytest.raises(VisionError, match="no such file"):
        extract_features([tmp_path / "missing.png"], backbone=object())
    with pytest.raises(VisionError, match="two defect classes"):
        DefectClassifier().fit(np.zeros((3, 4)), ["a", "a", "a"])
    with pytest.raises(VisionError, match="not fitted"):
        DefectClassifier().predict(np.zeros((1, 4)))
