"""The demo loop end to end, as `make demo` runs it, on the embedded engines, in a temporary folder.

One run (about 5–8 minutes on 2 cores): simulate → stream through the real broker → Spark →
DuckDB + dbt → Feast → five model families in MLflow. The checks follow the data across layers:
what the simulator wrote is what the stream delivered (minus what went to the dead-letter topic),
the marts are filled and their tests pass, and every model family reports its headline metrics.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EQUIPMENT, DAYS = 20, 30

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MFG_")}
    env.update(
        MFG_DATA_DIR=str(root),
        MFG_SIM_DIR=str(root / "sim"),
        MFG_LAKE_URI=str(root / "lake"),
        MFG_SCHEMA_REGISTRY_DIR=str(root / "schemas"),
        MFG_DUCKDB_PATH=str(root / "warehouse.duckdb"),
        MFG_MLFLOW_TRACKING_URI=f"sqlite:///{root / 'mlflow' / 'mlflow.db'}",
        MFG_MLFLOW_ARTIFACT_ROOT=str(root / "mlflow" / "artifacts"),
        MFG_CHROMA_PATH=str(root / "chroma"),
        MFG_BROKER_PORT=str(_free_port()),
        OMP_WAIT_POLICY="PASSIVE",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mfg", "demo", "--equipment", str(EQUIPMENT), "--days", str(DAYS)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    summary: dict[str, Any] = json.loads((root / "demo-summary.json").read_text())["steps"]
    return summary


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_every_step_ran(demo: dict[str, Any]) -> None:
    assert list(demo) == ["simulate", "stream", "batch", "warehouse", "features+train"]


def test_stream_delivers_what_was_simulated(demo: dict[str, Any]) -> None:
    sim, stream = demo["simulate"], demo["stream"]
    assert sim["readings"] == EQUIPMENT * DAYS * 24 * 60
    assert stream["produced_readings"] == sim["readings"]
    # loses no good data: every reading is in the lake or in the dead-letter topic, none twice
    assert stream["lake_rows_sensor_readings"] + stream["dlq_readings"] == stream["produced_readings"]
    assert stream["lake_rows_equipment_status"] == sim["status_events"]
    assert stream["lake_rows_quality_metrics"] == sim["quality_batches"]
    assert stream["alerts_total"] > 0


def test_batch_and_warehouse_fill_the_marts(demo: dict[str, Any]) -> None:
    batch, wh = demo["batch"], demo["warehouse"]
    assert batch["readings_in"] == demo["stream"]["lake_rows_sensor_readings"]
    assert batch["feature_rows"] > 0 and batch["label_rows"] > 0
    assert batch["positive_labels"] > 0
    for mart in ("mart_equipment_health", "mart_predictive_maintenance", "mart_quality_dashboard", "mart_oee"):
        assert wh[f"{mart}_rows"] > 0, mart
    assert wh["dbt_tests_passed"] == wh["dbt_tests_total"] > 0
    assert wh["dq_ok"] is True
    assert 0 < wh["worst_oee"] <= wh["best_oee"] <= 1


def test_all_five_models_trained(demo: dict[str, Any]) -> None:
    train = demo["features+train"]
    assert train["feast_feature_views"] > 0
    for family in ("pdm", "quality", "anomaly", "forecast", "vision"):
        assert f"{family}_status" not in train, train.get(f"{family}_status")
    assert 0 < train["pdm_recall"] <= 1 and 0 < train["pdm_precision"] <= 1
    assert train["quality_accuracy"] > 0.5
    assert 0 <= train["anomaly_fpr"] < 0.2
    assert train["forecast_mape"] > 0
    assert train["vision_accuracy"] > 0.5
