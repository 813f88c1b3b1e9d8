"""PdM on tiny synthetic data: split without leakage, threshold, calibration, explanations, behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mfg.models import pdm
from mfg.models.pdm_data import HORIZON, LABEL, PdmDataError, time_split
from mfg.models.pdm_explain import sentence
from mfg.settings import Settings
from tests.unit.features.featuretable import tiny_pdm_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return tiny_pdm_frame(machines=8, days=60)


@pytest.fixture(scope="module")
def trained(frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> pdm.TrainedPdm:
    settings = Settings(data_dir=tmp_path_factory.mktemp("pdm"))
    return pdm.train(settings, frame, engine="local", rounds=150)


def test_split_is_by_time_drops_censored_and_purges_later_events(frame: pd.DataFrame) -> None:
    split = time_split(frame)
    parts = (split.train, split.validation, split.holdout)
    assert not any(part["censored"].any() for part in parts)
    assert split.train["event_timestamp"].max() < split.validation_start
    assert split.validation["event_timestamp"].min() >= split.validation_start
    assert split.validation["event_timestamp"].max() < split.holdout_start
    assert split.holdout["event_timestamp"].min() >= split.holdout_start
    # no training positive announces a failure at or after the validation start (embargo)
    last_pos = split.train[split.train[LABEL] == 1].groupby("equipment_id")["event_timestamp"].max()
    assert (last_pos < split.validation_start - pd.Timedelta(hours=1)).all()
    assert len(split.train[split.train["event_timestamp"] >= split.validation_start - HORIZON]) > 0  # negatives stay
    # validation and holdout are every uncensored row of their blocks, untouched
    uncensored = frame[~frame["censored"]]
    assert len(split.holdout) == int((uncensored["event_timestamp"] >= split.holdout_start).sum())
    in_val = uncensored["event_timestamp"].between(split.validation_start, split.holdout_start, inclusive="left")
    assert len(split.validation) == int(in_val.sum())


def test_lookback_cut_off_feature_is_not_a_model_input(frame: pd.DataFrame) -> None:
    from mfg.models.pdm_data import feature_columns

    cols = feature_columns(frame)
    assert "failures_last_30d" in frame.columns and "failures_last_30d" not in cols
    assert "vibration_rms_mean_24h" in cols and "hours_since_maintenance" in cols


def test_threshold_is_chosen_on_validation_by_the_model_that_scores_the_holdout(trained: pdm.TrainedPdm) -> None:
    again = pdm.evaluate(trained.model, trained.split.validation)
    assert again["recall"] == pytest.approx(trained.metrics["validation_recall"])
    assert again["recall"] >= 0.9
    p = trained.model.probability(trained.split.validation)
    positives = np.sort(p[trained.split.validation[LABEL].to_numpy() == 1])
    assert trained.model.threshold in positives  # the threshold is a validation positive's calibrated probability
    assert (p[p > trained.model.threshold] > trained.model.threshold).all()
    assert trained.model.calibrator.slope > 0  # calibration keeps the score order


def test_split_refuses_too_little_data(frame: pd.DataFrame) -> None:
    with pytest.raises(PdmDataError, match=r"single class|no uncensored"):
        time_split(frame[frame["event_timestamp"] < frame["event_timestamp"].min() + pd.Timedelta(days=2)])


def test_threshold_reaches_target_recall() -> None:
    y = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    p = np.array([0.9, 0.1, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.05])
    t = pdm.choose_threshold(y, p, 0.9)
    assert t == 0.3  # 9 of 10 positives at or above it
    assert ((p >= t) & (y == 1)).sum() / y.sum() >= 0.9


def test_trained_model_is_useful_and_calibrated(trained: pdm.TrainedPdm) -> None:
    m = trained.metrics
    assert m["validation_recall"] >= 0.9  # where the threshold was chosen
    assert m["holdout_roc_auc"] > 0.8
    assert m["holdout_brier"] < 0.2
    p = trained.model.probability(trained.split.holdout)
    assert ((p >= 0) & (p <= 1)).all()
    assert set(trained.figures) == {"roc", "pr", "calibration", "importance"}


def test_rising_vibration_and_wear_raise_failure_probability(trained: pdm.TrainedPdm) -> None:
    base = trained.split.holdout.sort_values("vibration_rms_mean_24h").iloc[[0]].copy()
    worn = base.copy()
    for w in ("1h", "6h", "24h"):
        worn[f"vibration_rms_mean_{w}"] = base[f"vibration_rms_mean_{w}"] * 1.8
        worn[f"tool_wear_mean_{w}"] = 95.0
    worn["hours_since_maintenance"] = 200.0
    p_base, p_worn = trained.model.probability(base)[0], trained.model.probability(worn)[0]
    assert p_worn > p_base + 0.2


def test_predict_explains_with_sentences_about_the_machines_normal(trained: pdm.TrainedPdm) -> None:
    risky = trained.split.holdout.sort_values("vibration_rms_mean_24h").iloc[[-1]]
    out = pdm.predict(trained.model, risky)
    assert out.loc[out.index[0], "risk_level"] in {"high", "medium"}
    factors = out.loc[out.index[0], "contributing_factors"]
    assert 1 <= len(factors) <= 3
    assert any("this machine's normal" in s for s in factors)


def test_evaluate_matches_training_holdout(trained: pdm.TrainedPdm) -> None:
    again = pdm.evaluate(trained.model, trained.split.holdout)
    assert again["recall"] == pytest.approx(trained.metrics["holdout_recall"])


def test_sentence_wording() -> None:
    assert sentence("vibration_rms_mean_24h", 4.1, 3.66) == (
        "vibration_rms 24h mean 12 % above this machine's normal (4.1 vs 3.66)"
    )
    assert "below" in sentence("pressure_min_1h", 5.0, 6.0)
    assert sentence("hours_since_maintenance", 10.0, None) == "hours since maintenance is 10"
