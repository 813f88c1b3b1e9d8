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


def test_split_is_by_time_drops_censored_and_purges_holdout_events(frame: pd.DataFrame) -> None:
    split = time_split(frame)
    assert not split.train["censored"].any() and not split.holdout["censored"].any()
    assert split.train["event_timestamp"].max() < split.holdout_start
    assert split.holdout["event_timestamp"].min() >= split.holdout_start
    # no training positive announces a failure inside the holdout: its run of positives ends before it
    last_pos = split.train[split.train[LABEL] == 1].groupby("equipment_id")["event_timestamp"].max()
    assert (last_pos < split.holdout_start - pd.Timedelta(hours=1)).all()
    assert len(split.train[split.train["event_timestamp"] >= split.holdout_start - HORIZON]) > 0  # negatives stay
    # the holdout is every uncensored row after the boundary, untouched
    assert len(split.holdout) == int(((frame["event_timestamp"] >= split.holdout_start) & ~frame["censored"]).sum())
    # folds are consecutive time blocks; events name the failure each positive row announces
    bounds = split.train.groupby(split.folds)["event_timestamp"].agg(["min", "max"]).sort_index()
    assert (bounds["max"].iloc[:-1].to_numpy() < bounds["min"].iloc[1:].to_numpy()).all()
    assert ((split.events != "") == (split.train[LABEL] == 1)).all()


def test_cross_fit_never_trains_a_fold_on_its_own_failure_events(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mfg.models import pdm_train
    from mfg.models.pdm_data import feature_columns, machine_baselines, model_matrix

    split = time_split(frame)
    cols = feature_columns(frame)
    x = model_matrix(split.train, cols, machine_baselines(split.train, cols))
    seen: list[tuple[set[str], set[str]]] = []
    real = pdm_train._booster

    def spy(params: dict, rows: pd.DataFrame, rounds: int):  # type: ignore[no-untyped-def]
        seen.append((set(rows[pdm_train.EVENT_COLUMN]) - {""}, set(rows[pdm_train.FOLD_COLUMN].astype(int))))
        return real(params, rows, 5)

    monkeypatch.setattr(pdm_train, "_booster", spy)
    params = pdm_train.booster_params(1, 1, 0)
    _, oof = pdm_train.fit(Settings(), "local", params, x, split.train[LABEL], split.folds, split.events)
    assert not np.isnan(oof).any()
    for fold in range(4):
        events, folds = seen[fold]
        own = set(split.events[split.folds == fold]) - {""}
        assert fold not in folds and not (events & own)
    assert seen[-1][1] == {0, 1, 2, 3}  # the final booster sees every fold


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
    assert m["validation_recall"] >= 0.9  # out-of-fold, where the threshold was chosen
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
