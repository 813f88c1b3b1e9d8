"""Mapping features beyond the shipped files: equipment from a column, unix and offset times, category labels,
sequence continuing across files of one machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mfg.datasets import DatasetImportError, load_frame, parse_mapping

BASE: dict[str, Any] = {"name": "t", "plant_id": "p", "sensors": {"power": {"column": "kw"}}}


def test_equipment_column_unix_time_and_category_label(tmp_path: Path, write_csv: Any) -> None:
    rows = [
        ["1600000000000", "A7", "3.5", ""],
        ["1600000060000", "B2", "4.0", "bearing"],
        ["1600000120000", "A7", "", "seal"],
    ]
    src = write_csv(tmp_path / "log.csv", ["ms", "machine", "kw", "cause"], rows)
    m = parse_mapping(
        {
            **BASE,
            "time": {"column": "ms", "format": "unix_ms"},
            "equipment": {"column": "machine", "prefix": "pump-"},
            "labels": {"cause": {"column": "cause", "kind": "failure_mode", "type": "category"}},
        }
    )
    frame = load_frame(m, src)
    assert frame["equipment_id"].tolist() == ["pump-A7", "pump-B2", "pump-A7"]
    assert frame["sequence"].tolist() == [0, 0, 1]
    assert str(frame["event_time"].iloc[1]) == "2020-09-13 12:27:40+00:00"
    assert frame["cause"].tolist() == [None, "bearing", "seal"]
    rows[1][1] = " "
    write_csv(src, ["ms", "machine", "kw", "cause"], rows)
    with pytest.raises(DatasetImportError, match=r"line 3, column 'machine': empty equipment id"):
        load_frame(m, src)


def test_iso_times_with_offsets_become_utc(tmp_path: Path, write_csv: Any) -> None:
    src = write_csv(
        tmp_path / "x.csv", ["t", "kw"], [["2021-03-01T10:00:00+02:00", "1"], ["2021-03-01T09:00:00Z", "2"]]
    )
    m = parse_mapping({**BASE, "time": {"column": "t"}, "equipment": "e"})
    assert [str(t) for t in load_frame(m, src)["event_time"]] == [
        "2021-03-01 08:00:00+00:00",
        "2021-03-01 09:00:00+00:00",
    ]


def test_nonexistent_local_time_is_named(tmp_path: Path, write_csv: Any) -> None:
    src = write_csv(tmp_path / "x.csv", ["t", "kw"], [["2021-03-28 01:30:00", "1"], ["2021-03-28 02:30:00", "2"]])
    m = parse_mapping({**BASE, "time": {"column": "t", "timezone": "Europe/Berlin"}, "equipment": "e"})
    with pytest.raises(
        DatasetImportError, match=r"line 3, column 't': local time '2021-03-28 02:30:00' does not exist"
    ):
        load_frame(m, src)


def test_sequence_continues_across_files_of_one_machine(tmp_path: Path, write_csv: Any) -> None:
    for i, n in [(1, 3), (2, 2), (10, 4)]:
        write_csv(tmp_path / "runs" / f"part{i}.csv", ["kw"], [[str(k)] for k in range(n)])
    m = parse_mapping({**BASE, "time": {"start": "2020-01-01T00:00:00Z", "interval": "1s"}, "equipment": "press-1"})
    frame = load_frame(m, tmp_path / "runs")
    assert frame["source_file"].unique().tolist() == ["part1.csv", "part2.csv", "part10.csv"]  # natural order
    assert frame["sequence"].tolist() == list(range(9))
