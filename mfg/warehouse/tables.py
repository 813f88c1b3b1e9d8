"""The warehouse tables (seed design): what each holds, its partitioning and clustering.

Facts are partitioned by day on their time column and clustered by ``equipment_id`` (BigQuery);
DuckDB ignores both. Column types come from the prepared parquet files (see
:mod:`mfg.warehouse.prepare`), so the two engines load the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    key: tuple[str, ...]
    partition_field: str | None = None
    clustering: tuple[str, ...] = ()


TABLE_SPECS: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "fact_sensor_readings",
            "One row per cleansed sensor reading.",
            ("reading_id",),
            "event_time",
            ("equipment_id",),
        ),
        TableSpec(
            "fact_equipment_events",
            "Status records (running/idle/error/maintenance) and maintenance work orders.",
            ("event_id",),
            "event_time",
            ("equipment_id",),
        ),
        TableSpec(
            "fact_quality_inspections",
            "One row per inspected production batch with its defect class and process parameters.",
            ("inspection_id",),
            "event_time",
            ("equipment_id",),
        ),
        TableSpec(
            "fact_production_metrics",
            "Units, defects and cycle time per machine and hour, with the ideal cycle time.",
            ("equipment_id", "hour_start"),
            "hour_start",
            ("equipment_id",),
        ),
        TableSpec(
            "dim_equipment",
            "Machines with type, line, plant and nameplate data.",
            ("equipment_id",),
            None,
            ("equipment_id",),
        ),
        TableSpec("dim_plant", "Plants with name and time zone.", ("plant_id",)),
        TableSpec("dim_date", "Calendar days covering the data.", ("date_day",)),
        TableSpec("dim_defect_types", "Defect classes with severity.", ("defect_class",)),
    )
}
