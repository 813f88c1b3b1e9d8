"""Warehouse tables built from a small lake, loaded into DuckDB, and the data-quality report."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mfg.batch.synthetic import Fleet, write_fleet
from mfg.settings import Settings
from mfg.warehouse.dq import build_report, to_markdown, write_report
from mfg.warehouse.loader import load_warehouse, staging_dir
from mfg.warehouse.prepare import WarehouseInputError
from mfg.warehouse.tables import TABLE_SPECS


@pytest.fixture
def loaded(settings: Settings) -> dict[str, int]:
    write_fleet(settings.lake_path, Fleet(equipment=3, days=2, interval_s=600))
    return load_warehouse(settings)


def test_duckdb_load_builds_every_table(settings: Settings, loaded: dict[str, int]) -> None:
    fleet = Fleet(equipment=3, days=2, interval_s=600)
    assert loaded["fact_sensor_readings"] == 3 * 2 * 144
    assert loaded["dim_equipment"] == 3 and loaded["dim_defect_types"] == 4 and loaded["dim_date"] == fleet.days
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert set(TABLE_SPECS) <= tables
        events = dict(con.execute("SELECT event_source, count(*) FROM fact_equipment_events GROUP BY 1").fetchall())
        assert events["maintenance"] == 3 and events["status"] == 3 * 2 * 144
        row = con.execute("SELECT sum(units_produced), sum(units_good) FROM fact_production_metrics").fetchone()
        q = con.execute(
            "SELECT sum(units_produced), sum(units_produced - units_defective) FROM fact_quality_inspections"
        ).fetchone()
        assert row == q
    finally:
        con.close()
    # loading twice replaces, never appends
    assert load_warehouse(settings) == loaded


def test_dq_report_on_clean_data(settings: Settings, loaded: dict[str, int]) -> None:
    report = build_report(settings)
    assert report["row_pass_rate"] == 1.0 and report["ok"]
    assert all(t["pass_rate"] == 1.0 for t in report["tables"].values())
    js, md = write_report(settings, report)
    assert json.loads(js.read_text())["tables"]["fact_sensor_readings"]["rows"] == loaded["fact_sensor_readings"]
    assert "| fact_sensor_readings |" in md.read_text()


def test_dq_report_counts_bad_rows(settings: Settings, loaded: dict[str, int]) -> None:
    path = staging_dir(settings) / "fact_sensor_readings.parquet"
    table = pq.read_table(path)
    temps = table.column("temperature").to_pylist()
    temps[0], temps[1] = 999.0, -999.0
    ids = table.column("reading_id").to_pylist()
    ids[3] = ids[2]  # a duplicate key fails both rows
    table = table.set_column(table.schema.get_field_index("temperature"), "temperature", pa.array(temps))
    table = table.set_column(table.schema.get_field_index("reading_id"), "reading_id", pa.array(ids))
    pq.write_table(table, path)
    report = build_report(settings)
    t = report["tables"]["fact_sensor_readings"]
    assert t["failed_checks"] == {"temperature_in_range": 2, "unique_key": 2}
    assert t["passed_rows"] == t["rows"] - 4
    assert "temperature_in_range: 2" in to_markdown(report)
    strict = settings.model_copy(update={"dq_min_pass_rate": 1.0})
    assert not build_report(strict)["ok"]


def test_missing_lake_is_a_clear_error(settings: Settings) -> None:
    with pytest.raises(WarehouseInputError, match="sensor_readings"):
        load_warehouse(settings)
