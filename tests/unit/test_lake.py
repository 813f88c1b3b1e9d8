"""Lake I/O: partitioned atomic writes, reads that ignore partition folders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mfg import lake
from mfg.contracts.tables import SENSOR_FIELDS, SENSOR_READINGS


def _readings(n: int, start: datetime) -> pa.Table:
    times = [start + timedelta(minutes=30 * i) for i in range(n)]
    cols = {
        "event_time": pa.array(times, type=pa.timestamp("ms", tz="UTC")),
        "equipment_id": pa.array(["CNC-A-001"] * n),
        "plant_id": pa.array(["PLANT-A"] * n),
        "sequence": pa.array(range(n), type=pa.int64()),
    }
    for f in SENSOR_FIELDS:
        cols[f] = pa.array([float(i) for i in range(n)])
    return pa.table(cols, schema=SENSOR_READINGS)


def test_partitions_by_date_and_hour(tmp_path: Path) -> None:
    t = _readings(100, datetime(2026, 1, 1, 22, tzinfo=UTC))
    files = lake.write_partitioned(t, tmp_path, "sensor_readings", by_hour=True, file_stem="x")
    assert any("date=2026-01-02/hour=03" in str(f) for f in files)
    back = lake.read_table(tmp_path, "sensor_readings")
    assert back.num_rows == 100
    assert back.schema.equals(SENSOR_READINGS)


def test_same_stem_overwrites(tmp_path: Path) -> None:
    t = _readings(10, datetime(2026, 1, 1, tzinfo=UTC))
    lake.write_partitioned(t, tmp_path, "s", file_stem="batch-1")
    lake.write_partitioned(t, tmp_path, "s", file_stem="batch-1")
    assert lake.read_table(tmp_path, "s").num_rows == 10


def test_missing_table_is_named(tmp_path: Path) -> None:
    with pytest.raises(lake.LakeError, match="sensor_readings"):
        lake.read_table(tmp_path, "sensor_readings")


def test_write_file_atomic_options(tmp_path: Path) -> None:
    t = _readings(50, datetime(2026, 1, 1, tzinfo=UTC))
    path = lake.write_file_atomic(t, tmp_path / "x.parquet", use_dictionary=["equipment_id"], compression="snappy")
    meta = pq.ParquetFile(path).metadata.row_group(0)
    cols = {meta.column(i).path_in_schema: meta.column(i) for i in range(meta.num_columns)}
    assert cols["equipment_id"].compression == "SNAPPY"
    assert "RLE_DICTIONARY" in cols["equipment_id"].encodings
    assert not any("DICTIONARY" in e for e in cols["temperature"].encodings)
    assert pq.read_table(path).equals(t)
    assert not list(tmp_path.glob(".*.tmp"))
