"""Failure-classifier recipe on a synthetic AI4I-layout CSV: features, leakage guard, CV, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mfg.datasets import load_frame, load_mapping
from mfg.evaluation.ai4i_synth import write_ai4i_csv
from mfg.evaluation.failure import (
    LeakageError,
    build_features,
    check_no_leakage,
    cross_validate,
    evaluate_failure_classifier,
    failure_label,
)
from mfg.models.evaluate_cli import app


@pytest.fixture(scope="module")
def csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ai4i_csv(tmp_path_factory.mktemp("ai4i"), rows=3000, seed=1)


def test_domain_features_are_derived_and_no_label_reaches_them(csv: Path) -> None:
    mapping = load_mapping("generic_failure")
    frame = load_frame(mapping, csv)
    feats = build_features(frame, mapping)
    for name in ("power_w", "temperature_difference", "wear_x_torque", "product_type_L"):
        assert name in feats.columns
    assert not set(mapping.label_names) & set(feats.columns)
    raw = pd.read_csv(csv)
    expected_power = raw["Torque [Nm]"] * raw["Rotational speed [rpm]"] * 2 * np.pi / 60
    assert np.allclose(feats["power_w"], expected_power)
    assert np.allclose(feats["temperature_difference"], raw["Process temperature [K]"] - raw["Air temperature [K]"])


def test_leakage_guard_fails_when_a_label_derived_column_reaches_the_features(csv: Path) -> None:
    mapping = load_mapping("generic_failure")
    frame = load_frame(mapping, csv)
    feats = build_features(frame, mapping)
    for leaked in ("failure", "failure_power", "Machine failure", "failure_lagged"):
        poisoned = feats.assign(**{leaked: frame["failure"].to_numpy()})
        with pytest.raises(LeakageError, match=leaked):
            check_no_leakage(poisoned, mapping)
    # a label column present in the frame is dropped before features are built
    assert "failure_tool_wear" in frame.columns
    assert "failure_tool_wear" not in build_features(frame, mapping).columns


def test_cross_validation_finds_the_failure_rules(csv: Path) -> None:
    mapping = load_mapping("generic_failure")
    frame = load_frame(mapping, csv)
    y = frame[failure_label(mapping)].to_numpy().astype(int)
    metrics = cross_validate(build_features(frame, mapping), y, folds=3)
    assert all(0.0 <= v <= 1.0 for v in metrics.values())
    assert metrics["roc_auc"] > 0.9
    assert metrics["precision"] > 0.6


def test_shuffled_labels_score_at_chance(csv: Path) -> None:
    mapping = load_mapping("generic_failure")
    frame = load_frame(mapping, csv)
    y = np.random.default_rng(0).permutation(frame["failure"].to_numpy().astype(int))
    assert cross_validate(build_features(frame, mapping), y, folds=3)["roc_auc"] < 0.65


def test_cli_prints_one_json_line(csv: Path) -> None:
    result = CliRunner().invoke(
        app, ["failure-classifier", "--source", str(csv), "--mapping", "generic_failure", "--folds", "3"]
    )
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert {"precision", "recall", "f1", "roc_auc"} <= data.keys()
    assert data["rows"] == 3000


def test_cli_names_a_missing_source(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["failure-classifier", "--source", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "nope.csv" in result.output


def test_evaluate_reports_dropped_labels(csv: Path) -> None:
    out = evaluate_failure_classifier(csv, "generic_failure", folds=3)
    assert "failure_power" in out["dropped_labels"] and "failure_power" not in out["features"]
