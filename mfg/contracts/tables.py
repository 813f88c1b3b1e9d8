"""Column contracts of the lake tables (parquet).

Shared by the simulator, the dataset importers, the stream sink and the batch jobs.

Every table lives at ``<lake>/<table>/date=YYYY-MM-DD/[hour=HH/]*.parquet``. Partition folders are
for pruning only: every column, event time included, is stored inside the files, so readers may
ignore the folder names (Spark: ``recursiveFileLookup``; pyarrow: ``partitioning=None``).

Times are UTC, millisecond precision. ``sequence`` is a per-equipment producer sequence number;
``(equipment_id, sequence)`` identifies a record within its table, so consumers drop duplicates.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("ms", tz="UTC")

SENSOR_FIELDS: tuple[str, ...] = (
    "temperature",  # degC, bearing/housing temperature
    "vibration_rms",  # mm/s RMS
    "pressure",  # bar (hydraulic / process pressure)
    "rotational_speed",  # rpm
    "torque",  # Nm
    "power",  # kW
    "tool_wear",  # minutes of tool use since last change / wear index
)

STATUSES: tuple[str, ...] = ("running", "idle", "error", "maintenance")
DEFECT_CLASSES: tuple[str, ...] = ("good", "minor", "major", "reject")
EQUIPMENT_TYPES: tuple[str, ...] = ("cnc_mill", "pump", "compressor", "press")
FAILURE_MODES: tuple[str, ...] = ("tool_wear", "heat_dissipation", "power", "overstrain", "random")

_KEY = [
    pa.field("event_time", TS, nullable=False),
    pa.field("equipment_id", pa.string(), nullable=False),
    pa.field("plant_id", pa.string(), nullable=False),
    pa.field("sequence", pa.int64(), nullable=False),
]

SENSOR_READINGS = pa.schema(_KEY + [pa.field(f, pa.float64()) for f in SENSOR_FIELDS])

EQUIPMENT_STATUS = pa.schema(
    _KEY
    + [
        pa.field("status", pa.string(), nullable=False),  # one of STATUSES
        pa.field("error_code", pa.string()),  # e.g. E-TOOL-WEAR; null unless status == error
    ]
)

QUALITY_METRICS = pa.schema(
    _KEY
    + [
        pa.field("batch_id", pa.string(), nullable=False),
        pa.field("units_produced", pa.int64(), nullable=False),
        pa.field("units_defective", pa.int64(), nullable=False),
        pa.field("defect_class", pa.string(), nullable=False),  # one of DEFECT_CLASSES
        pa.field("process_temperature", pa.float64()),
        pa.field("process_speed", pa.float64()),
        pa.field("process_pressure", pa.float64()),
        pa.field("cycle_time_s", pa.float64()),
        pa.field("material_hardness", pa.float64()),
        pa.field("tool_wear", pa.float64()),
        pa.field("image_id", pa.string()),  # set when the batch had an inspected unit imaged
    ]
)

MAINTENANCE_EVENTS = pa.schema(
    [
        pa.field("event_time", TS, nullable=False),  # start
        pa.field("end_time", TS, nullable=False),
        pa.field("equipment_id", pa.string(), nullable=False),
        pa.field("plant_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # scheduled | corrective
        pa.field("failure_mode", pa.string()),  # for corrective maintenance
    ]
)

EQUIPMENT = pa.schema(
    [
        pa.field("equipment_id", pa.string(), nullable=False),
        pa.field("plant_id", pa.string(), nullable=False),
        pa.field("line_id", pa.string(), nullable=False),
        pa.field("equipment_type", pa.string(), nullable=False),
        pa.field("install_date", pa.date32(), nullable=False),
        pa.field("rated_power_kw", pa.float64(), nullable=False),
        pa.field("ideal_cycle_time_s", pa.float64(), nullable=False),
    ]
)

PLANTS = pa.schema(
    [
        pa.field("plant_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("timezone", pa.string(), nullable=False),
    ]
)

# --- ground truth (written beside the data under <out>/ground_truth/) ---------------------------
FAILURES = pa.schema(
    [
        pa.field("equipment_id", pa.string(), nullable=False),
        pa.field("plant_id", pa.string(), nullable=False),
        pa.field("failure_time", TS, nullable=False),
        pa.field("failure_mode", pa.string(), nullable=False),
        pa.field("repaired_time", TS, nullable=False),
    ]
)

PDM_LABELS = pa.schema(
    [
        pa.field("equipment_id", pa.string(), nullable=False),
        pa.field("hour", TS, nullable=False),  # start of the hour the label describes
        pa.field("failure_within_7_days", pa.int8(), nullable=False),
        pa.field("next_failure_time", TS),
        pa.field("next_failure_mode", pa.string()),
        pa.field("censored", pa.bool_(), nullable=False),  # label horizon runs past the data's end
    ]
)

ANOMALY_WINDOWS = pa.schema(
    [
        pa.field("equipment_id", pa.string(), nullable=False),
        pa.field("sensor", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # spike | drift | stuck | dropout
        pa.field("start_time", TS, nullable=False),
        pa.field("end_time", TS, nullable=False),
    ]
)

DEFECT_IMAGES = pa.schema(
    [
        pa.field("image_id", pa.string(), nullable=False),
        pa.field("equipment_id", pa.string(), nullable=False),
        pa.field("batch_id", pa.string(), nullable=False),
        pa.field("event_time", TS, nullable=False),
        pa.field("defect_type", pa.string(), nullable=False),  # none | scratch | crack | stain | pit | burn | warp
        pa.field("path", pa.string(), nullable=False),  # relative to <out>/defect_images/
    ]
)

#: lake table name -> schema (the data); ground-truth tables live under ``ground_truth/``.
TABLES: dict[str, pa.Schema] = {
    "sensor_readings": SENSOR_READINGS,
    "equipment_status": EQUIPMENT_STATUS,
    "quality_metrics": QUALITY_METRICS,
    "maintenance_events": MAINTENANCE_EVENTS,
    "equipment": EQUIPMENT,
    "plants": PLANTS,
}
GROUND_TRUTH: dict[str, pa.Schema] = {
    "failures": FAILURES,
    "pdm_labels": PDM_LABELS,
    "anomaly_windows": ANOMALY_WINDOWS,
    "defect_images": DEFECT_IMAGES,
}

#: Kafka topic -> lake table of its records.
TOPIC_TABLES: dict[str, str] = {
    "equipment-sensors": "sensor_readings",
    "equipment-status": "equipment_status",
    "quality-metrics": "quality_metrics",
}
