"""Build the warehouse tables from the lake as parquet files, the same bytes for every engine.

Reads the cleansed tables written by the batch jobs (``<lake>/cleansed/<table>``) when they exist,
else the raw lake tables; ``fact_production_metrics`` comes from ``<lake>/aggregates/production_hourly``
when present, else it is aggregated here. The work is done by an in-memory DuckDB over parquet.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mfg.lake import list_files
from mfg.settings import Settings
from mfg.warehouse.tables import TABLE_SPECS


class WarehouseInputError(RuntimeError):
    """A lake table the warehouse needs is missing."""


DEFECT_TYPES_SQL = """
SELECT * FROM (VALUES
    ('good', 0, FALSE, 'No defect found'),
    ('minor', 1, TRUE, 'Cosmetic defect; unit sellable as second grade'),
    ('major', 2, TRUE, 'Functional defect; unit needs rework'),
    ('reject', 3, TRUE, 'Unit scrapped')
) AS t(defect_class, severity, is_defective, description)
"""


def _source(settings: Settings, table: str, *, prefer_cleansed: bool = True) -> str:
    root = settings.lake_path
    for folder in ([root / "cleansed" / table] if prefer_cleansed else []) + [root / table]:
        files = [p for p in folder.rglob("*.parquet") if not p.name.startswith(".")] if folder.is_dir() else []
        if files:
            return f"read_parquet({[str(p) for p in sorted(files)]!r}, union_by_name = true)"
    raise WarehouseInputError(f"lake table {table!r} has no parquet files under {root} (run simulate/stream first)")


def table_queries(settings: Settings) -> dict[str, str]:
    """SQL building each warehouse table (keys: :data:`TABLE_SPECS` names)."""
    readings = _source(settings, "sensor_readings")
    status = _source(settings, "equipment_status")
    quality = _source(settings, "quality_metrics")
    maint = _source(settings, "maintenance_events", prefer_cleansed=False)
    equipment = _source(settings, "equipment", prefer_cleansed=False)
    plants = _source(settings, "plants", prefer_cleansed=False)
    agg_dir = settings.lake_path / "aggregates" / "production_hourly"
    if list_files(agg_dir.parent, agg_dir.name):
        production = f"""
            SELECT equipment_id, plant_id, hour_start::TIMESTAMPTZ AS hour_start, batches::BIGINT AS batches,
                   units_produced::BIGINT AS units_produced, units_defective::BIGINT AS units_defective,
                   units_good::BIGINT AS units_good, cycle_time_s, ideal_cycle_time_s
            FROM {_source(settings, "aggregates/production_hourly", prefer_cleansed=False)}"""
    else:
        production = f"""
            SELECT q.equipment_id, any_value(q.plant_id) AS plant_id, date_trunc('hour', q.event_time) AS hour_start,
                   count(*)::BIGINT AS batches, sum(units_produced)::BIGINT AS units_produced,
                   sum(units_defective)::BIGINT AS units_defective,
                   sum(units_produced - units_defective)::BIGINT AS units_good,
                   sum(cycle_time_s) AS cycle_time_s, any_value(e.ideal_cycle_time_s) AS ideal_cycle_time_s
            FROM {quality} q LEFT JOIN {equipment} e USING (equipment_id)
            GROUP BY q.equipment_id, date_trunc('hour', q.event_time)"""
    return {
        "fact_sensor_readings": f"""
            SELECT equipment_id || ':' || sequence::VARCHAR AS reading_id, event_time, equipment_id, plant_id,
                   sequence, temperature, vibration_rms, pressure, rotational_speed, torque, power, tool_wear
            FROM {readings}""",
        "fact_equipment_events": f"""
            SELECT 'status:' || equipment_id || ':' || sequence::VARCHAR AS event_id, event_time,
                   NULL::TIMESTAMPTZ AS end_time, equipment_id, plant_id, 'status' AS event_source, status,
                   error_code, NULL::VARCHAR AS maintenance_kind, NULL::VARCHAR AS failure_mode, sequence
            FROM {status}
            UNION ALL
            SELECT 'maintenance:' || equipment_id || ':' || epoch_ms(event_time)::VARCHAR, event_time, end_time,
                   equipment_id, plant_id, 'maintenance', 'maintenance', NULL, kind, failure_mode, NULL::BIGINT
            FROM {maint}""",
        "fact_quality_inspections": f"""
            SELECT equipment_id || ':' || batch_id AS inspection_id, event_time, equipment_id, plant_id,
                   sequence, batch_id, units_produced, units_defective, units_produced - units_defective AS units_good,
                   defect_class, process_temperature, process_speed, process_pressure, cycle_time_s,
                   material_hardness, tool_wear, image_id
            FROM {quality}""",
        "fact_production_metrics": production,
        "dim_equipment": f"""
            SELECT e.equipment_id, e.plant_id, p.name AS plant_name, e.line_id, e.equipment_type, e.install_date,
                   e.rated_power_kw, e.ideal_cycle_time_s
            FROM {equipment} e LEFT JOIN {plants} p USING (plant_id)""",
        "dim_plant": f"SELECT plant_id, name AS plant_name, timezone FROM {plants}",
        "dim_date": f"""
            WITH bounds AS (SELECT min(event_time)::DATE AS lo, max(event_time)::DATE AS hi FROM {readings}),
            days AS (SELECT unnest(generate_series(lo, hi, INTERVAL 1 DAY))::DATE AS date_day FROM bounds)
            SELECT date_day, year(date_day) AS year, quarter(date_day) AS quarter, month(date_day) AS month,
                   day(date_day) AS day_of_month, isodow(date_day) - 1 AS day_of_week,
                   isodow(date_day) >= 6 AS is_weekend, weekofyear(date_day) AS iso_week
            FROM days""",
        "dim_defect_types": DEFECT_TYPES_SQL,
    }


def prepare_tables(settings: Settings, out_dir: Path) -> dict[str, Path]:
    """Write one parquet file per warehouse table under ``out_dir``; returns the files."""
    queries = table_queries(settings)
    assert set(queries) == set(TABLE_SPECS)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        for name, sql in queries.items():
            path = out_dir / f"{name}.parquet"
            con.execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
            files[name] = path
    finally:
        con.close()
    return files
