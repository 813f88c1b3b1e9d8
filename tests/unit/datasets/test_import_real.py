"""Importing the real SKAB and NAB files: counts and labels agree with the CSVs read independently."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from mfg.contracts.tables import SENSOR_FIELDS, SENSOR_READINGS
from mfg.datasets import DatasetImportError, import_dataset, load_frame, load_mapping
from mfg.lake import read_table


def test_skab_valve1_import(datasets_dir: Path, tmp_path: Path, rows_of: Any) -> None:
    src = datasets_dir / "skab" / "valve1"
    expected_rows, expected_anomaly, expected_cp = {}, 0, 0
    for f in src.glob("*.csv"):
        header, rows = rows_of(f, sep=";")
        expected_rows[f"skab-valve1-{f.stem}"] = len(rows)
        expected_anomaly += sum(float(r[header.index("anomaly")]) == 1.0 for r in rows)
        expected_cp += sum(float(r[header.index("changepoint")]) == 1.0 for r in rows)

    result = import_dataset("skab", src, tmp_path / "lake")

    assert result.files == 16
    assert result.rows == sum(expected_rows.values())
    assert sorted(result.equipment) == sorted(expected_rows)
    assert result.label_counts == {"anomaly": expected_anomaly, "changepoint": expected_cp}
    assert expected_anomaly > 5000  # the labels are really there

    readings = read_table(tmp_path / "lake", "sensor_readings")
    assert readings.schema.equals(SENSOR_READINGS)
    assert readings.num_rows == result.rows
    for unmapped in ("rotational_speed", "torque", "power", "tool_wear"):
        assert readings.column(unmapped).null_count == readings.num_rows
    frame = readings.to_pandas().sort_values(["equipment_id", "sequence"])
    for eq, group in frame.groupby("equipment_id"):
        assert group["sequence"].tolist() == list(range(expected_rows[str(eq)]))
        assert group["event_time"].is_monotonic_increasing
    header, rows = rows_of(src / "0.csv", sep=";")
    first = frame[(frame.equipment_id == "skab-valve1-0") & (frame.sequence == 0)].iloc[0]
    assert first["temperature"] == float(rows[0][header.index("Temperature")])
    assert first["pressure"] == float(rows[0][header.index("Pressure")])
    assert str(first["event_time"]) == rows[0][0] + "+00:00"

    labels = pq.read_table(tmp_path / "lake" / "labels" / "data.parquet")
    assert labels.column_names == ["equipment_id", "event_time", "sequence", "anomaly", "changepoint"]
    assert pc.sum(labels.column("anomaly")).as_py() == expected_anomaly
    extra = read_table(tmp_path / "lake", "sensor_readings_extra")
    assert extra.num_rows == result.rows
    assert set(extra.column_names) >= {"current", "voltage", "volume_flow_rate", "accelerometer2_rms", "thermocouple"}
    manifest = json.loads((tmp_path / "lake" / "dataset.json").read_text())
    assert manifest["label_kinds"] == {"anomaly": "anomaly", "changepoint": "changepoint"}
    assert sum(f["rows"] for f in manifest["per_file"]) == result.rows


def test_skab_root_includes_anomaly_free_run_with_zero_labels(datasets_dir: Path, rows_of: Any) -> None:
    frame = load_frame("skab", datasets_dir / "skab")
    free = frame[frame.source_file == "anomaly-free/anomaly-free.csv"]
    _, rows = rows_of(datasets_dir / "skab" / "anomaly-free" / "anomaly-free.csv", sep=";")
    assert len(free) == len(rows)
    assert free["equipment_id"].unique().tolist() == ["skab-anomaly-free-anomaly-free"]
    assert free["anomaly"].sum() == 0 and free["changepoint"].sum() == 0
    assert frame["equipment_id"].nunique() == 17


def test_load_frame_columns(datasets_dir: Path) -> None:
    m = load_mapping("skab")
    frame = load_frame(m, datasets_dir / "skab" / "valve1" / "3.csv")
    assert list(frame.columns) == [
        "event_time",
        "equipment_id",
        "plant_id",
        "sequence",
        *SENSOR_FIELDS,
        *m.label_names,
        *m.extra_names,
        "source_file",
    ]
    assert str(frame["event_time"].dtype) == "datetime64[ms, UTC]"
    assert frame["anomaly"].dtype == "int8"


def test_nab_machine_temperature(datasets_dir: Path, tmp_path: Path, rows_of: Any) -> None:
    csv_path = datasets_dir / "nab" / "machine_temperature_system_failure.csv"
    _, rows = rows_of(csv_path)
    windows = json.loads((datasets_dir / "nab" / "combined_windows.json").read_text())
    spans = [
        tuple(datetime.strptime(b, "%Y-%m-%d %H:%M:%S.%f") for b in w)
        for w in windows["realKnownCause/machine_temperature_system_failure.csv"]
    ]
    times = [datetime.strptime(r[0], "%Y-%m-%d %H:%M:%S") for r in rows]
    inside = sum(any(a <= t <= b for a, b in spans) for t in times)

    result = import_dataset("nab_machine_temperature", datasets_dir / "nab", tmp_path / "nab")

    assert result.rows == len(rows) == 22695
    assert result.label_counts == {"anomaly": inside}
    assert inside > 0
    frame = load_frame("nab_machine_temperature", csv_path)  # a file as source works too
    assert frame["sequence"].tolist() == list(range(len(rows)))  # unique despite repeated timestamps
    assert frame["temperature"].tolist() == [float(r[1]) for r in rows]
    assert frame["anomaly"].sum() == inside


def test_second_import_needs_overwrite(datasets_dir: Path, tmp_path: Path) -> None:
    src = datasets_dir / "skab" / "valve1" / "0.csv"
    import_dataset("skab", src, tmp_path / "out")
    with pytest.raises(DatasetImportError, match="already holds an import"):
        import_dataset("skab", src, tmp_path / "out")
    again = import_dataset("skab", datasets_dir / "skab" / "valve1" / "1.csv", tmp_path / "out", overwrite=True)
    assert read_table(tmp_path / "out", "sensor_readings").num_rows == again.rows
    assert {p.parent.name for p in again.written} >= {"labels"}
