"""Registry round trip on real MLflow (SQLite): train -> register -> alias -> load pdm@champion -> predict."""

from __future__ import annotations

import dataclasses

import mlflow.pyfunc
import pytest

from mfg import tracking
from mfg.models import pdm
from mfg.settings import Settings
from tests.unit.features.featuretable import tiny_pdm_frame

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_pdm_round_trip_and_champion_rules(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # tiny data: gates loose enough for it (the real gates are the seed targets, see pdm.GATES)
    monkeypatch.setattr(pdm, "GATES", {"holdout_recall": (">=", 0.6), "holdout_roc_auc": (">=", 0.7)})
    trained = pdm.train(settings, tiny_pdm_frame(machines=8, days=60), engine="local", rounds=150)
    first = pdm.register(settings, trained)
    assert first["version"] == "1"
    assert first["champion"], first["reason"]

    champion = tracking.load_champion(settings, "pdm")
    rows = trained.split.holdout.drop(columns=["failure_within_7_days", "censored"]).head(20)
    out = champion.predict(rows)
    assert list(out.columns) == ["failure_probability", "failure_predicted", "risk_level"]
    assert out["failure_probability"].between(0, 1).all()
    native = champion.unwrap_python_model()
    assert native.threshold == pytest.approx(trained.model.threshold)
    info = mlflow.models.get_model_info(tracking.model_uri("pdm"))
    assert info.signature is not None and "vibration_rms_mean_24h" in info.signature.inputs.input_names()

    # a candidate that misses a gate is challenger, not champion
    weak = dataclasses.replace(trained, metrics=trained.metrics | {"holdout_recall": 0.3})
    second = pdm.register(settings, weak)
    assert not second["champion"] and "holdout_recall" in second["reason"]
    mlclient = tracking.client(settings)
    assert str(mlclient.get_model_version_by_alias("pdm", "champion").version) == "1"
    assert str(mlclient.get_model_version_by_alias("pdm", "challenger").version) == "2"

    # the same model again passes its gates and ties the champion re-scored on this holdout
    third = pdm.register(settings, trained)
    assert third["champion"] and third["previous_champion"] == "1"
    assert third["previous_champion_score"] == pytest.approx(trained.metrics["holdout_average_precision"])
