"""Bad files fail with DatasetImportError naming the file, the 1-based line (header = line 1) and the column."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from mfg.datasets import DatasetImportError, import_dataset, load_frame, load_mapping


def _set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Replace one cell of a ';' CSV; ``line`` is 1-based with the header as line 1."""
    lines = path.read_text().splitlines()
    header = lines[0].split(";")
    cells = lines[line - 1].split(";")
    cells[header.index(column)] = value
    lines[line - 1] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n")


def _drop_column(path: Path, column: str) -> None:
    rows = [r.split(";") for r in path.read_text().splitlines()]
    j = rows[0].index(column)
    path.write_text("\n".join(";".join(c for k, c in enumerate(r) if k != j) for r in rows) + "\n")


@pytest.mark.parametrize(
    ("line", "column", "value", "reason"),
    [
        (700, "Pressure", "abc", "cannot read 'abc' as a number"),
        (2, "Accelerometer1RMS", "0.02.6", "cannot read '0.02.6' as a number"),
        (1148, "Current", "1.3x", "cannot read '1.3x' as a number"),  # the last line of 0.csv
        (300, "datetime", "2020-13-45 99:00:00", "cannot read '2020-13-45 99:00:00' as a time"),
        (451, "datetime", "", "empty timestamp"),
        (42, "anomaly", "2.0", "label must be 0 or 1, got '2.0'"),
        (43, "Volume Flow RateRMS", "n/b", "cannot read 'n/b' as a number"),  # an extra column
    ],
)
def test_bad_cell_names_file_line_column(valve1_copy: Path, line: int, column: str, value: str, reason: str) -> None:
    path = valve1_copy / "0.csv"
    _set_cell(path, line, column, value)
    with pytest.raises(DatasetImportError) as info:
        load_frame("skab", path)
    err = info.value
    assert (err.file, err.line, err.column) == (path, line, column)
    assert reason in str(err)
    assert str(err).startswith(f"{path}, line {line}, column {column!r}: ")


def test_blank_sensor_cell_is_missing_not_an_error(valve1_copy: Path) -> None:
    path = valve1_copy / "0.csv"
    _set_cell(path, 10, "Pressure", "")
    frame = load_frame("skab", path)
    assert frame["pressure"].isna().tolist().index(True) == 8  # line 10 = data row 9 (0-based 8)
    assert frame["pressure"].isna().sum() == 1


def test_missing_column_is_named_with_the_mapping_key(valve1_copy: Path, tmp_path: Path) -> None:
    _drop_column(valve1_copy / "5.csv", "Temperature")
    with pytest.raises(DatasetImportError) as info:
        import_dataset("skab", valve1_copy, tmp_path / "out")
    err = info.value
    assert (err.file, err.line, err.column) == (valve1_copy / "5.csv", 1, "Temperature")
    assert "sensors.temperature.column" in str(err)
    # nothing half-written: every file parses before the tables move into place
    assert not (tmp_path / "out" / "sensor_readings").exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == []  # staging folder removed


def test_wrong_separator_hints(valve1_copy: Path) -> None:
    with pytest.raises(DatasetImportError, match=r"missing column.*is the separator ',' right\?"):
        load_frame("nab_machine_temperature", valve1_copy / "0.csv")


def test_ragged_row_names_line(valve1_copy: Path) -> None:
    path = valve1_copy / "2.csv"
    lines = path.read_text().splitlines()
    lines[99] += ";1.0;2.0"  # line 100
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetImportError) as info:
        load_frame("skab", path)
    assert info.value.line == 100 and info.value.file == path


def test_blank_lines_keep_line_numbers(valve1_copy: Path) -> None:
    path = valve1_copy / "0.csv"
    lines = path.read_text().splitlines()
    lines.insert(5, "")  # a blank line 6: the old line 6 is now line 7
    path.write_text("\n".join(lines) + "\n")
    _set_cell(path, 20, "Pressure", "bad")
    with pytest.raises(DatasetImportError) as info:
        load_frame("skab", path)
    assert info.value.line == 20


def test_no_files_match(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetImportError, match=r"empty: no file matches '\*\*/\*\.csv' \(mapping key files\)"):
        load_frame("skab", tmp_path / "empty")
    with pytest.raises(DatasetImportError, match="no such file or folder"):
        load_frame("skab", tmp_path / "nowhere")


def test_nab_windows_problems_name_the_windows_file(datasets_dir: Path, tmp_path: Path) -> None:
    nab = tmp_path / "nab"
    nab.mkdir()
    shutil.copy(datasets_dir / "nab" / "machine_temperature_system_failure.csv", nab)
    with pytest.raises(DatasetImportError, match=r"label windows file .combined_windows\.json. not found"):
        load_frame("nab_machine_temperature", nab)
    (nab / "combined_windows.json").write_text(json.dumps({"realKnownCause/other.csv": []}))
    with pytest.raises(DatasetImportError, match=r"combined_windows\.json: no key 'realKnownCause/machine_temp"):
        load_frame("nab_machine_temperature", nab)


def test_decimal_comma_and_row_order_time(tmp_path: Path, write_csv: Any) -> None:
    data = write_csv(tmp_path / "d" / "run.csv", ["t", "fail"], [["1,5", "0"], ["", "1"], ["-2,25", "0"]], sep=";")
    spec: dict[str, Any] = {
        "format": {"separator": ";", "decimal": ","},
        "time": {"start": "2021-06-01 08:00:00", "interval": "10s", "timezone": "Europe/Berlin"},
        "equipment": "press-{stem}",
        "plant_id": "p",
        "sensors": {"temperature": {"column": "t", "scale": 2, "offset": 1}},
        "labels": {"failure": {"column": "fail", "kind": "failure"}},
    }
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(spec))
    frame = load_frame(load_mapping(mapping), data)
    assert frame["temperature"].tolist()[0] == 4.0 and frame["temperature"].tolist()[2] == -3.5
    assert frame["temperature"].isna().tolist() == [False, True, False]
    assert [str(t) for t in frame["event_time"]][:2] == ["2021-06-01 06:00:00+00:00", "2021-06-01 06:00:10+00:00"]
    assert frame["equipment_id"].unique().tolist() == ["press-run"]
