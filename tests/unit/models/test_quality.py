"""Quality grade model on tiny synthetic batches: split, accuracy above baseline, behaviour, registry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mfg import tracking
from mfg.models import quality
from mfg.settings import Settings


def tiny_batches(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    """Batches whose class follows tool wear and material hardness (like the simulator's rule)."""
    rng = np.random.default_rng(seed)
    wear = rng.uniform(0, 40_000, n)
    hardness = rng.normal(30, 4, n)
    score = 1.6 * (wear / 32_000) ** 2 + 0.5 * np.maximum(0, (hardness - 30) / 4) ** 2 + rng.normal(0, 0.03, n)
    cls = np.select([score < 0.65, score < 0.95, score < 1.3], ["good", "minor", "major"], "reject")
    return pd.DataFrame(
        {
            "event_time": pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(np.arange(n), unit="h"),
            "equipment_id": [f"EQ-{i % 5}" for i in range(n)],
            "equipment_type": [["cnc_mill", "press"][i % 2] for i in range(n)],
            "process_temperature": rng.normal(180, 5, n),
            "process_speed": rng.normal(1.0, 0.1, n),
            "process_pressure": rng.normal(6, 0.5, n),
            "cycle_time_s": rng.normal(40, 3, n),
            "material_hardness": hardness,
            "tool_wear": wear,
            "defect_class": cls,
        }
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> quality.TrainedQuality:
    return quality.train(Settings(data_dir=tmp_path_factory.mktemp("q")), tiny_batches())


def test_split_is_by_time_and_accuracy_beats_baseline(trained: quality.TrainedQuality) -> None:
    assert trained.train["event_time"].max() < trained.holdout["event_time"].min()
    m = trained.metrics
    assert m["holdout_accuracy"] > 0.85
    assert m["holdout_accuracy"] > m["baseline_accuracy"] + 0.2
    assert "confusion_matrix" in trained.figures


def test_more_wear_gives_a_worse_grade(trained: quality.TrainedQuality) -> None:
    row = tiny_batches(1).assign(material_hardness=30.0)
    grades = [quality.predict(trained.model, row.assign(tool_wear=w))["defect_class"].iloc[0] for w in (2e3, 4e4)]
    order = {c: i for i, c in enumerate(("good", "minor", "major", "reject"))}
    assert order[grades[1]] > order[grades[0]]


def test_predict_returns_probabilities(trained: quality.TrainedQuality) -> None:
    out = quality.predict(trained.model, trained.holdout.head(10))
    probs = out[[c for c in out.columns if c.startswith("p_")]]
    assert np.allclose(probs.sum(axis=1), 1.0)


def test_bad_labels_are_named() -> None:
    with pytest.raises(quality.QualityDataError, match="unknown value"):
        quality.time_split(tiny_batches(50).assign(defect_class="awful"))


@pytest.mark.slow
def test_register_and_load_champion(settings: Settings, trained: quality.TrainedQuality) -> None:
    result = quality.register(settings, trained)
    assert result["champion"], result["reason"]
    loaded = tracking.load_champion(settings, "quality", flavor="sklearn")
    assert list(loaded.predict(quality._inputs(trained.holdout.head(3)))) == list(
        trained.model.predict(quality._inputs(trained.holdout.head(3)))
    )
    names = {a.path for a in tracking.client(settings).list_artifacts(result["run_id"])}
    assert "model_card.md" in names
