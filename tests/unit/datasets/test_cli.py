"""``mfg datasets``: import round trip, list/show, and clear errors with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mfg.datasets import load_mapping
from mfg.datasets.cli import app
from mfg.lake import read_table

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, datasets_dir: Path) -> CliRunner:
    for key in list(os.environ):
        if key.startswith("MFG_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("MFG_LAKE_URI", str(tmp_path / "lake"))
    monkeypatch.setenv("MFG_DATASETS_DIR", str(datasets_dir))
    return CliRunner()


def test_import_round_trip(runner: CliRunner, datasets_dir: Path, tmp_path: Path) -> None:
    src = datasets_dir / "skab" / "valve1"
    res = runner.invoke(
        app, ["import", "--mapping", "skab", "--source", str(src), "--out", str(tmp_path / "v1"), "--json"]
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert summary["files"] == 16 and summary["equipment"] == 16
    assert summary["rows"] == read_table(tmp_path / "v1", "sensor_readings").num_rows
    assert summary["label_counts"]["anomaly"] > 0

    # default source (settings.datasets_dir / default_source) and default out (<lake_uri>/<name>), table output
    res = runner.invoke(app, ["import", "-m", "nab_machine_temperature"])
    assert res.exit_code == 0, res.output
    assert "22,695" in res.stdout and "label anomaly" in res.stdout
    assert read_table(tmp_path / "lake" / "nab_machine_temperature", "sensor_readings").num_rows == 22695

    res = runner.invoke(app, ["import", "-m", "nab_machine_temperature"])
    assert res.exit_code == 2 and "--overwrite" in res.output
    assert runner.invoke(app, ["import", "-m", "nab_machine_temperature", "--overwrite"]).exit_code == 0


def test_import_bad_file_exits_2_with_location(runner: CliRunner, valve1_copy: Path, tmp_path: Path) -> None:
    path = valve1_copy / "3.csv"
    lines = path.read_text().splitlines()
    lines[9] = lines[9].replace(";", ";oops", 1)  # line 10, column Accelerometer1RMS
    path.write_text("\n".join(lines) + "\n")
    res = runner.invoke(app, ["import", "-m", "skab", "--source", str(valve1_copy), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert f"{path}, line 10, column 'Accelerometer1RMS': cannot read 'oops" in res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_import_bad_mapping_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump({"time": {"column": "t"}, "equipment": "e", "plant_id": "p", "sensors": {"heat": "x"}})
    )
    res = runner.invoke(app, ["import", "-m", str(bad), "--source", str(tmp_path)])
    assert res.exit_code == 2 and "sensors: 'heat' is not a contract sensor field" in res.output
    res = runner.invoke(app, ["import", "-m", "generic_failure"])
    assert res.exit_code == 2 and "no default_source: pass --source" in res.output


def test_list_and_show(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(app, ["list"])
    assert res.exit_code == 0
    for name in ("skab", "nab_machine_temperature", "generic_failure"):
        assert name[:10] in res.stdout
    res = runner.invoke(app, ["show", "generic_failure"])
    assert res.exit_code == 0
    copy = tmp_path / "mine.yaml"
    copy.write_text(res.stdout)
    assert load_mapping(copy) == load_mapping("generic_failure")
    assert runner.invoke(app, ["show", "nope"]).exit_code == 2


def test_mfg_entry_point_round_trip(datasets_dir: Path, tmp_path: Path) -> None:
    """The group as registered in the ``mfg`` command (``mfg datasets import``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MFG_")}
    env["MFG_DATASETS_DIR"] = str(datasets_dir)
    out = tmp_path / "skab0"
    cmd = [sys.executable, "-m", "mfg", "datasets", "import", "-m", "skab", "--source"]
    ok = subprocess.run(
        [*cmd, str(datasets_dir / "skab" / "valve1" / "0.csv"), "--out", str(out), "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout.strip().splitlines()[-1])["rows"] == 1147
    bad = subprocess.run(
        [*cmd, str(tmp_path / "missing"), "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "no such file or folder" in bad.stderr and "Traceback" not in bad.stderr
