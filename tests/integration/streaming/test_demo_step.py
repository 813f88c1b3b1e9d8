"""The demo step streams the simulated fleet through its own embedded broker into the lake."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from mfg.demo import STEPS, DemoContext
from mfg.settings import Settings
from mfg.streaming.demo import demo_step

from .conftest import simulate_fleet

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_demo_step_counts(settings: Settings, tmp_path: Path) -> None:
    assert ("stream", "mfg.streaming.demo:demo_step") in STEPS
    tables = simulate_fleet(settings, equipment=3, days=1)
    summary = demo_step(settings, DemoContext(3, 1, Console(file=(tmp_path / "out.txt").open("w"))))
    readings = tables["sensor_readings"].num_rows
    assert summary["produced_readings"] == readings
    assert summary["lake_rows_sensor_readings"] + summary["dlq_readings"] == readings
    assert summary["lake_rows_equipment_status"] == tables["equipment_status"].num_rows
    assert summary["lake_rows_quality_metrics"] == tables["quality_metrics"].num_rows
    assert summary["alerts_total"] == sum(
        v for k, v in summary.items() if k.startswith("alerts_") and k != "alerts_total"
    )
