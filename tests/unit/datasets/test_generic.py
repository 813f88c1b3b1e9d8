"""The generic tabular failure mapping (AI4I 2020 layout) on a synthetic file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from mfg.contracts.tables import SENSOR_READINGS
from mfg.datasets import DatasetImportError, import_dataset, load_frame, load_mapping
from mfg.lake import read_table

MODES = {"TWF": "tool_wear", "HDF": "heat_dissipation", "PWF": "power", "OSF": "overstrain", "RNF": "random"}


def test_ai4i_layout_imports(ai4i_csv: Path, tmp_path: Path, rows_of: Any) -> None:
    header, rows = rows_of(ai4i_csv)
    col = {name: [r[header.index(name)] for r in rows] for name in header}
    m = load_mapping("generic_failure")

    result = import_dataset(m, ai4i_csv.parent, tmp_path / "out")

    assert result.rows == len(rows) and result.equipment == ["mill-7"]
    assert result.label_counts["failure"] == sum(v == "1" for v in col["Machine failure"])
    assert result.label_counts["failure"] > 0
    for source, mode in MODES.items():
        assert result.label_counts[f"failure_{mode}"] == sum(v == "1" for v in col[source])
        assert m.labels[f"failure_{mode}"].mode == mode

    readings = read_table(tmp_path / "out", "sensor_readings")
    assert readings.schema.equals(SENSOR_READINGS)
    frame = readings.to_pandas().sort_values("sequence")
    assert frame["temperature"].round(6).tolist() == [
        round(float(v) - 273.15, 6) for v in col["Process temperature [K]"]
    ]
    assert frame["torque"].tolist() == [float(v) for v in col["Torque [Nm]"]]
    assert frame["power"].isna().all() and frame["vibration_rms"].isna().all()
    times = frame["event_time"]
    assert str(times.iloc[0]) == "2020-01-01 00:00:00+00:00"
    assert (times.diff().dropna() == times.iloc[1] - times.iloc[0]).all() and str(
        times.iloc[1] - times.iloc[0]
    ) == "0 days 00:01:00"

    extra = read_table(tmp_path / "out", "sensor_readings_extra").to_pandas().sort_values("sequence")
    assert extra["product_type"].tolist() == col["Type"]
    assert extra["air_temperature"].round(6).tolist() == [
        round(float(v) - 273.15, 6) for v in col["Air temperature [K]"]
    ]
    labels = pq.read_table(tmp_path / "out" / "labels" / "data.parquet")
    assert set(labels.column_names) == {"equipment_id", "event_time", "sequence", *m.label_names}


def test_label_columns_never_reach_features(ai4i_csv: Path, tmp_path: Path) -> None:
    m = load_mapping("generic_failure")
    frame = load_frame(m, ai4i_csv)
    features = frame[m.feature_columns]
    assert set(features.columns) == {
        "temperature",
        "rotational_speed",
        "torque",
        "tool_wear",
        "product_type",
        "air_temperature",
    }
    assert not set(features.columns) & {"failure", *(f"failure_{mode}" for mode in MODES.values())}
    assert not set(frame.columns) & {"Machine failure", *MODES}  # source label names are not carried
    import_dataset(m, ai4i_csv, tmp_path / "out")
    for table in ("sensor_readings", "sensor_readings_extra"):
        assert not set(read_table(tmp_path / "out", table).column_names) & set(m.label_names)


def test_bad_failure_label_is_named(ai4i_csv: Path, write_csv: Any, rows_of: Any) -> None:
    header, rows = rows_of(ai4i_csv)
    rows[57][header.index("Machine failure")] = "yes"
    bad = write_csv(ai4i_csv.with_name("bad.csv"), header, rows)
    with pytest.raises(DatasetImportError) as info:
        load_frame("generic_failure", bad)
    assert (info.value.line, info.value.column) == (59, "Machine failure")
    assert "bad.csv, line 59, column 'Machine failure': cannot read 'yes' as a number" in str(info.value)
