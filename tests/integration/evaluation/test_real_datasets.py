"""The real-data protocols on the shipped public datasets (SKAB valve1, NAB machine temperature).

Floors are what the recipes reach today (see docs/evaluation.md); a regression below them fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mfg.models.evaluate_cli import app

pytestmark = [pytest.mark.slow, pytest.mark.integration]

SKAB_F1_FLOOR = 0.80  # the target; measured 0.801 at FAR 6.8 %
# measured 9.58 % (persistence kept: the LSTM's 7.23 % validation MAPE is < 5 % better than persistence's
# 7.44 %; unguarded, the LSTM would score 11.02 % on the test origins); the target of 5 % is not reached
NAB_MAPE_CEILING = 10.0


def _json_line(output: str) -> dict[str, object]:
    lines = [ln for ln in output.splitlines() if ln.startswith("{")]
    assert len(lines) == 1, output
    return dict(json.loads(lines[0]))


@pytest.mark.timeout(1200)
def test_skab_valve1_beats_the_published_conv_ae_line(datasets_dir: Path) -> None:
    result = CliRunner().invoke(app, ["anomaly", "--format", "skab", "--path", str(datasets_dir / "skab" / "valve1")])
    assert result.exit_code == 0, result.output
    out = _json_line(result.stdout)
    assert out["runs"] == 16
    f1, far, mar = float(out["f1"]), float(out["far"]), float(out["mar"])  # type: ignore[arg-type]
    assert 0 <= far <= 1 and 0 <= mar <= 1
    assert f1 >= SKAB_F1_FLOOR and far <= 0.10  # Conv-AE (published): F1 0.78 at FAR 13.6 %


@pytest.mark.timeout(2400)
def test_nab_machine_temperature_24h_backtest(datasets_dir: Path) -> None:
    csv = datasets_dir / "nab" / "machine_temperature_system_failure.csv"
    result = CliRunner().invoke(app, ["forecast", "--format", "nab", "--path", str(csv), "--horizon", "24h"])
    assert result.exit_code == 0, result.output
    out = _json_line(result.stdout)
    assert out["model"] in ("prophet", "lstm", "calendar", "persistence") and int(out["origins"]) >= 40  # type: ignore[call-overload]
    assert float(out["mape"]) < NAB_MAPE_CEILING  # type: ignore[arg-type]
    assert float(out["mape"]) <= float(out["unguarded_mape"])  # type: ignore[arg-type]
    assert 0 < int(out["clear_of_anomaly_test_origins"]) < int(out["origins"])  # type: ignore[call-overload]
    assert float(out["mae"]) > 0  # type: ignore[arg-type]
