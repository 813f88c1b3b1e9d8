"""Anomaly detector on tiny data: calibration, threshold at the target FPR, errors, stuck-sensor behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mfg.contracts.tables import SENSOR_FIELDS
from mfg.models.anomaly import AnomalyConfig, AnomalyDetector, AnomalyModelError, binary_metrics, evaluate
from mfg.models.anomaly_features import SensorStats, feature_columns, label_rows, window_features

FAST = AnomalyConfig(epochs=15, n_estimators=50, target_fpr=0.05, seed=0)


def _normal(rows: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(rows, 2))
    return np.column_stack([base, base[:, 0] + 0.1 * rng.normal(size=rows), rng.normal(size=(rows, 2))])


@pytest.fixture(scope="module")
def detector() -> AnomalyDetector:
    return AnomalyDetector(FAST).fit(_normal(2000, 0))


def test_scores_are_in_unit_interval_and_outliers_score_higher(detector: AnomalyDetector) -> None:
    normal = _normal(500, 1)
    outliers = normal[:50] + np.array([6.0, -6.0, 0.0, 4.0, 0.0])
    s_normal, s_out = detector.score(normal), detector.score(outliers)
    assert s_normal.min() >= 0.0 and s_out.max() <= 1.0
    assert np.median(s_out) > np.quantile(s_normal, 0.95)
    assert detector.predict(outliers).mean() > 0.9


def test_threshold_gives_about_the_target_fpr_on_fresh_normal_data(detector: AnomalyDetector) -> None:
    fpr = detector.predict(_normal(4000, 2)).mean()
    assert 0.01 <= fpr <= 0.10


def test_broken_correlation_is_caught_by_the_autoencoder(detector: AnomalyDetector) -> None:
    x = _normal(300, 3)
    broken = x.copy()
    broken[:, 2] = -broken[:, 0]  # each value is in range, the relation between columns is not
    parts_ok, parts_bad = detector.component_scores(x), detector.component_scores(broken)
    assert parts_bad["autoencoder"].mean() > parts_ok["autoencoder"].mean() + 0.2


def test_misuse_raises_specific_errors() -> None:
    with pytest.raises(AnomalyModelError, match="not fitted"):
        AnomalyDetector(FAST).score(np.zeros((3, 5)))
    with pytest.raises(AnomalyModelError, match="target_fpr"):
        AnomalyConfig(target_fpr=1.5)
    with pytest.raises(AnomalyModelError, match="NaN"):
        AnomalyDetector(FAST).fit(np.full((20, 2), np.nan))
    fitted = AnomalyDetector(FAST).fit(_normal(200, 4))
    with pytest.raises(AnomalyModelError, match="expected 5 features"):
        fitted.score(np.zeros((3, 4)))


def test_binary_metrics_follow_the_skab_definitions() -> None:
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    p = np.array([1, 1, 0, 1, 0, 0, 0, 0])
    m = binary_metrics(y, p)
    assert m["f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    assert m["far"] == pytest.approx(1 / 5)  # FP / (FP + TN)
    assert m["mar"] == pytest.approx(1 / 3)  # FN / (FN + TP)


def _readings(machines: int, hours: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = hours * 60
    frames = []
    for k in range(machines):
        t = pd.date_range("2026-01-01", periods=n, freq="min", tz="UTC")
        data = {s: 50 + 5 * k + np.sin(np.arange(n) / 90.0) + rng.normal(0, 1.0, n) for s in SENSOR_FIELDS}
        frames.append(pd.DataFrame({"equipment_id": f"M-{k}", "event_time": t, **data}))
    return pd.concat(frames, ignore_index=True)


def test_a_stuck_sensor_raises_the_anomaly_score() -> None:
    readings = _readings(machines=2, hours=48, seed=5)
    train = readings[readings["event_time"] < pd.Timestamp("2026-01-02", tz="UTC")]
    test = readings[readings["event_time"] >= pd.Timestamp("2026-01-02", tz="UTC")].copy()
    start, end = pd.Timestamp("2026-01-02 06:00", tz="UTC"), pd.Timestamp("2026-01-02 09:00", tz="UTC")
    stuck = (test["equipment_id"] == "M-1") & test["event_time"].between(start, end)
    test.loc[stuck, "vibration_rms"] = test.loc[stuck, "vibration_rms"].iloc[0]
    stats = SensorStats.fit(train)
    f_train, f_test = window_features(train, stats), window_features(test, stats)
    cols = feature_columns(f_train)
    det = AnomalyDetector(FAST).fit(f_train[cols].to_numpy(), cols)
    windows = pd.DataFrame(
        {
            "equipment_id": ["M-1"],
            "sensor": ["vibration_rms"],
            "kind": ["stuck"],
            "start_time": [start],
            "end_time": [end],
        }
    )
    y = label_rows(f_test, windows)
    scores = det.score(f_test[cols].to_numpy())
    inside = scores[y & (f_test["event_time"] > start + pd.Timedelta(minutes=60)).to_numpy()]
    assert inside.mean() > scores[~y].mean() + 0.3
    assert (inside > det.threshold).mean() > 0.8
    metrics = evaluate(det, f_test[cols].to_numpy(), y)
    assert metrics["recall"] > 0.7 and metrics["fpr"] < 0.15


def test_a_dropout_is_visible_in_the_missing_share() -> None:
    readings = _readings(machines=1, hours=6, seed=6)
    readings.loc[100:160, "pressure"] = np.nan
    feats = window_features(readings, SensorStats.fit(readings), stride=1)
    assert feats["missing_share_10"].iloc[130] > 0.1
    assert feats["missing_share_10"].iloc[300] == 0.0


def test_regime_residuals_ignore_a_load_change_but_flag_one_broken_sensor() -> None:
    from mfg.models.anomaly_regime import RegimeModel

    rng = np.random.default_rng(3)
    n = 6000
    load = np.repeat(rng.choice([0.0, 0.5, 1.0], size=n // 60), 60)  # shifts, idle included
    run = load > 0
    speed = np.where(run, 1500 * (0.6 + 0.4 * load), 0.0) + rng.normal(0, 5, n)
    torque = np.where(run, 40 * (0.5 + 0.5 * load), 0.0) + rng.normal(0, 0.5, n)
    values = {
        "rotational_speed": speed,
        "torque": torque,
        "power": speed * torque / 1000 + rng.normal(0, 0.3, n),
        "vibration_rms": 2.5 * (0.3 + 0.7 * load) + rng.normal(0, 0.05, n),
    }
    raw = pd.DataFrame(values)
    z = ((raw - raw.mean()) / raw.std()).to_numpy()
    hours = (np.arange(n) / 60.0) % 24
    model = RegimeModel(sensors=tuple(values))
    model.fit_machine("M-1", raw, z, hours)
    normal = model.residuals("M-1", raw, z, hours)
    assert np.abs(normal[run]).mean() < 1.5  # a load change is explained by the other sensors
    broken = raw.copy()
    broken.loc[run, "vibration_rms"] += 0.5  # +20 % of nominal on one sensor while running
    zb = ((broken - raw.mean()) / raw.std()).to_numpy()
    res = model.residuals("M-1", broken, zb, hours)
    assert np.abs(res[run, 3]).mean() > 5 * np.abs(normal[run, 3]).mean()
