"""``mfg simulate`` and the demo step write a partitioned parquet lake with ground truth and images."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
from rich.console import Console
from typer.testing import CliRunner

from mfg import cli
from mfg.contracts.tables import GROUND_TRUTH, TABLES
from mfg.lake import read_table
from mfg.settings import Settings
from mfg.simulator.demo import demo_step


def _app():  # type: ignore[no-untyped-def]
    if not any(
        c.name == "simulate" or getattr(c.callback, "__name__", "") == "simulate" for c in cli.app.registered_commands
    ):
        cli._register()
    return cli.app


def test_cli_writes_partitioned_parquet(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MFG_DATA_DIR", str(tmp_path))
    out = tmp_path / "lake"
    args = ["simulate", "--equipment", "6", "--days", "3", "--seed", "5", "--images", "4", "--out", str(out)]
    res = CliRunner().invoke(_app(), args)
    assert res.exit_code == 0, res.output
    assert "failures" in res.output and str(out) in res.output
    dates = sorted(p.name for p in (out / "sensor_readings").iterdir())
    assert dates == ["date=2026-01-01", "date=2026-01-02", "date=2026-01-03"]
    part = pq.read_table(out / "sensor_readings" / dates[0] / "sim-5.parquet")
    assert part.num_rows == 6 * 1440 and part.schema.equals(TABLES["sensor_readings"])
    assert read_table(out, "sensor_readings").num_rows == 6 * 3 * 1440
    for name in ("equipment", "plants"):
        assert (out / name / "data.parquet").is_file()
    for name in GROUND_TRUTH:
        assert pq.read_table(out / "ground_truth" / name / "data.parquet").schema.equals(GROUND_TRUTH[name])
    assert len(list((out / "defect_images").glob("*.png"))) == 4


def test_cli_rejects_bad_arguments(tmp_path: Path) -> None:
    res = CliRunner().invoke(_app(), ["simulate", "--interval-s", "7", "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "interval_s" in res.output and "7" in res.output


def test_demo_step(settings: Settings) -> None:
    ctx = SimpleNamespace(equipment=4, days=2, console=Console(quiet=True), results={})
    settings.sim_dir.mkdir(parents=True)
    (settings.sim_dir / "stale.txt").write_text("old")
    summary = demo_step(settings, ctx)
    assert summary["readings"] == 4 * 2 * 1440
    assert not (settings.sim_dir / "stale.txt").exists()
    assert (settings.sim_dir / "sensor_readings").is_dir()
    for name in ("equipment", "plants", "maintenance_events"):
        assert read_table(settings.lake_path, name).num_rows > 0
    assert summary["out"] == str(settings.sim_dir)
