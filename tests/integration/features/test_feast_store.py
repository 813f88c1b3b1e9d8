"""Feast on a copy of the repo: apply, point-in-time training sets, materialize, online reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mfg.features import retrieval, store
from mfg.settings import Settings
from tests.unit.features.featuretable import tiny_features, write_features

pytestmark = [pytest.mark.slow, pytest.mark.integration]
REPO = Path(__file__).resolve().parents[3] / "feature_repo"


@pytest.fixture
def feast_settings(settings: Settings, tmp_path: Path) -> Settings:
    repo = tmp_path / "feature_repo"
    shutil.copytree(REPO, repo, ignore=shutil.ignore_patterns("__pycache__", "data"))
    return settings.model_copy(update={"feature_repo_dir": repo})


def test_apply_training_set_materialize_online(feast_settings: Settings) -> None:
    frame = tiny_features(machines=3, hours=48)
    write_features(frame, feast_settings.lake_path)

    applied = store.apply(feast_settings)
    assert applied["feature_views"] == 3 and applied["feature_services"] == 1
    assert applied["features"] == 105 + 7

    # point-in-time: an entity row 30 min after hour 10 sees hour 10's values, never hour 11's
    t10 = frame.loc[(frame.equipment_id == "EQ-000"), "event_timestamp"].iloc[10]
    entity = pd.DataFrame(
        {
            "equipment_id": ["EQ-000", "EQ-001"],
            "event_timestamp": [t10 + pd.Timedelta(minutes=30), t10],
            "label": [1, 0],
        }
    )
    ts = retrieval.training_set(feast_settings, entity)
    assert len(ts) == 2 and "label" in ts.columns
    row0 = ts[ts.equipment_id == "EQ-000"].iloc[0]
    assert row0["vibration_rms_mean_24h"] == pytest.approx(1.0)  # hour 10 of machine 0, not 1.1
    assert row0["hours_since_maintenance"] == pytest.approx(10.0)

    summary = store.materialize(feast_settings)
    assert summary["materialized_to"] > summary["materialized_from"]
    online = retrieval.online_features(feast_settings, ["EQ-002", "EQ-000"])
    assert list(online["equipment_id"]) == ["EQ-002", "EQ-000"]
    assert online["vibration_rms_mean_24h"].tolist() == pytest.approx([47 * 0.1 + 2, 47 * 0.1])
    assert online["equipment_type"].tolist() == ["cnc_mill", "cnc_mill"]


def test_missing_repo_and_table_are_named(settings: Settings, tmp_path: Path) -> None:
    bad = settings.model_copy(update={"feature_repo_dir": tmp_path / "nope"})
    with pytest.raises(store.FeatureStoreError, match="MFG_FEATURE_REPO_DIR"):
        store.repo_config(bad)
    copy = settings.model_copy(update={"feature_repo_dir": REPO})
    with pytest.raises(store.FeatureStoreError, match="run `mfg batch` first"):
        store.data_range(copy)
    with pytest.raises(store.FeatureStoreError, match="entity_df lacks"):
        retrieval.training_set(copy, pd.DataFrame({"equipment_id": ["x"]}))


def test_training_set_equals_an_exact_as_of_join(feast_settings: Settings) -> None:
    frame = tiny_features(machines=3, hours=48, seed=1)
    write_features(frame, feast_settings.lake_path)
    store.apply(feast_settings)
    rng = np.random.default_rng(7)
    first = frame["event_timestamp"].min()
    # entity times from before the first row to 10 h past the last one (the views' TTL is 6 h)
    minutes = rng.integers(-120, (48 + 10) * 60, size=200)
    entity = pd.DataFrame(
        {
            "equipment_id": rng.choice(["EQ-000", "EQ-001", "EQ-002"], size=200),
            "event_timestamp": first + pd.to_timedelta(minutes, unit="min") + pd.Timedelta(seconds=1),
            "label": rng.integers(0, 2, size=200),
        }
    )
    got = retrieval.training_set(feast_settings, entity)
    expected = pd.merge_asof(
        entity.sort_values("event_timestamp"),
        frame.rename(columns={"event_timestamp": "feature_ts"}).sort_values("feature_ts"),
        left_on="event_timestamp",
        right_on="feature_ts",
        by="equipment_id",
        direction="backward",
        tolerance=pd.Timedelta(hours=6),
    )
    expected = expected.sort_values(["equipment_id", "event_timestamp"]).reset_index(drop=True)
    assert len(got) == len(entity)
    assert expected["feature_ts"].isna().any() and expected["feature_ts"].notna().any()  # both cases occur
    for col in ("vibration_rms_mean_24h", "hours_since_maintenance", "pressure_slope_6h", "equipment_type"):
        missing = got[col].isna().to_numpy()
        assert (missing == expected[col].isna().to_numpy()).all(), col
        assert (got[col].to_numpy()[~missing] == expected[col].to_numpy()[~missing]).all(), col
    assert (got["label"].to_numpy() == expected["label"].to_numpy()).all()
