"""Between lake rows (arrow) and wire records (Avro dicts).

Sensor readings travel as edge batches: one record holds up to N readings of one machine, column-wise
(see ``equipment_sensors.v1.avsc``). :func:`sensor_chunks` cuts a readings table into such batches
and orders them by the event time of their last reading (when a gateway would send them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mfg.contracts.tables import SENSOR_FIELDS, SENSOR_READINGS


@dataclass
class SensorBatch:
    """Readings of one machine, decoded: ``values`` has one column per SENSOR_FIELDS entry."""

    equipment_id: str
    plant_id: str
    equipment_type: str
    event_time: np.ndarray  # int64 ms
    sequence: np.ndarray  # int64
    values: np.ndarray  # float64 (n, len(SENSOR_FIELDS)), NaN = missing

    def __len__(self) -> int:
        return int(self.event_time.shape[0])

    def take(self, mask: np.ndarray) -> SensorBatch:
        return SensorBatch(
            self.equipment_id,
            self.plant_id,
            self.equipment_type,
            self.event_time[mask],
            self.sequence[mask],
            self.values[mask],
        )

    def to_record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "equipment_id": self.equipment_id,
            "plant_id": self.plant_id,
            "equipment_type": self.equipment_type,
            "event_time": self.event_time.tolist(),
            "sequence": self.sequence.tolist(),
        }
        for i, name in enumerate(SENSOR_FIELDS):
            rec[name] = self.values[:, i].tolist()
        return rec


def batch_from_record(rec: dict[str, Any]) -> SensorBatch:
    """Decoded equipment-sensors record -> SensorBatch (raises ValueError on ragged arrays)."""
    times = np.asarray(rec["event_time"], dtype=np.int64)
    n = times.shape[0]
    values = np.empty((n, len(SENSOR_FIELDS)), dtype=np.float64)
    for i, name in enumerate(SENSOR_FIELDS):
        col = rec[name]
        if len(col) != n:
            raise ValueError(f"field {name} has {len(col)} values, event_time has {n}")
        values[:, i] = col
    seq = np.asarray(rec["sequence"], dtype=np.int64)
    if seq.shape[0] != n:
        raise ValueError(f"field sequence has {seq.shape[0]} values, event_time has {n}")
    return SensorBatch(rec["equipment_id"], rec["plant_id"], rec.get("equipment_type", "unknown"), times, seq, values)


def batches_to_table(batches: list[SensorBatch]) -> pa.Table:
    """Lake rows (SENSOR_READINGS) of the batches; NaN becomes null."""
    lengths = np.array([len(b) for b in batches])
    owner = pa.array(np.repeat(np.arange(len(batches), dtype=np.int32), lengths))

    def repeated(names: list[str]) -> pa.Array:
        return pa.DictionaryArray.from_arrays(owner, pa.array(names, pa.string())).cast(pa.string())

    values = np.concatenate([b.values for b in batches])
    cols: dict[str, pa.Array] = {
        "event_time": pa.array(np.concatenate([b.event_time for b in batches]), pa.int64()).cast(
            SENSOR_READINGS.field("event_time").type
        ),
        "equipment_id": repeated([b.equipment_id for b in batches]),
        "plant_id": repeated([b.plant_id for b in batches]),
        "sequence": pa.array(np.concatenate([b.sequence for b in batches]), pa.int64()),
    }
    for i, name in enumerate(SENSOR_FIELDS):
        col = np.ascontiguousarray(values[:, i])
        cols[name] = pa.array(col, pa.float64(), mask=np.isnan(col))
    return pa.table(cols, schema=SENSOR_READINGS)


def sensor_chunks(table: pa.Table, types: dict[str, str], max_readings: int) -> Iterator[SensorBatch]:
    """Cut a readings table into per-machine batches of <= max_readings, in send order."""
    if table.num_rows == 0:
        return
    order = pc.sort_indices(table, [("equipment_id", "ascending"), ("event_time", "ascending")])
    t = table.take(order)
    eq = t.column("equipment_id").to_numpy(zero_copy_only=False)
    plant = t.column("plant_id").to_numpy(zero_copy_only=False)
    times = t.column("event_time").cast(pa.int64()).to_numpy()
    seq = t.column("sequence").to_numpy()
    values = np.column_stack([t.column(f).to_numpy(zero_copy_only=False).astype(np.float64) for f in SENSOR_FIELDS])
    n = len(eq)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = eq[1:] != eq[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    rank = np.arange(n) - group_start
    starts = np.flatnonzero(new_group | (rank % max_readings == 0))
    ends = np.append(starts[1:], n)
    for k in np.argsort(times[ends - 1], kind="stable"):
        s, e = int(starts[k]), int(ends[k])
        yield SensorBatch(
            str(eq[s]), str(plant[s]), types.get(str(eq[s]), "unknown"), times[s:e], seq[s:e], values[s:e]
        )


def row_records(table: pa.Table) -> list[dict[str, Any]]:
    """Rows of an equipment_status / quality_metrics table as wire records (event_time in ms)."""
    idx = table.schema.get_field_index("event_time")
    t = table.set_column(idx, "event_time", table.column("event_time").cast(pa.int64()))
    return t.to_pylist()
