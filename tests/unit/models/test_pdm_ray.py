"""PdM through Ray Train's XGBoostTrainer (local Ray, 2 CPUs): same recipe, same kind of model."""

from __future__ import annotations

import pytest

from mfg.models import pdm
from mfg.settings import Settings
from tests.unit.features.featuretable import tiny_pdm_frame

pytestmark = pytest.mark.slow


def test_ray_trainer_fits_a_useful_booster(settings: Settings) -> None:
    import ray

    trained = pdm.train(settings.model_copy(update={"ray_num_cpus": 2}), tiny_pdm_frame(8, 60), engine="ray")
    assert not ray.is_initialized()  # the local Ray it started is shut down again
    assert trained.params["engine"] == "ray"
    assert trained.metrics["validation_recall"] >= 0.9
    assert trained.metrics["holdout_roc_auc"] > 0.8
    assert (settings.data_dir / "ray_results" / "pdm").is_dir()
