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

HOUR_MS = 3_600_000


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


def batches_to_table(batches: list[SensorBatch], *, hour_order: bool = False) -> pa.Table:
    """Lake rows (SENSOR_READINGS) of the batches; NaN becomes null.

    ``hour_order`` sorts the rows by event-time hour, stably (arrival order within an hour), so a
    writer can cut the table into hour partitions with zero-copy slices.
    """
    lengths = np.array([len(b) for b in batches])
    owner = np.repeat(np.arange(len(batches), dtype=np.int32), lengths)
    times = np.concatenate([b.event_time for b in batches])
    seq = np.concatenate([b.sequence for b in batches])
    values = np.concatenate([b.values.T for b in batches], axis=1)  # (fields, rows): contiguous columns
    if hour_order:
        hours = times // HOUR_MS
        if (hours[1:] < hours[:-1]).any():
            order = np.argsort(hours, kind="stable")
            owner, times, seq, values = owner[order], times[order], seq[order], values[:, order]

    def repeated(names: list[str]) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(owner), pa.array(names, pa.string())).cast(pa.string())

    cols: dict[str, pa.Array] = {
        "event_time": pa.array(times, pa.int64()).cast(SENSOR_READINGS.field("event_time").type),
        "equipment_id": repeated([b.equipment_id for b in batches]),
        "plant_id": repeated([b.plant_id for b in batches]),
        "sequence": pa.array(seq, pa.int64()),
    }
    for i, name in enumerate(SENSOR_FIELDS):
        col = values[i]
        missing = np.isnan(col)
        cols[name] = pa.array(col, pa.float64(), mask=missing if missing.any() else None)
    return pa.table(cols, schema=SENSOR_READINGS)


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """(per-row rank of the value among the sorted distinct values, the sorted distinct values)."""
    enc = pc.dictionary_encode(column.combine_chunks())
    names = enc.dictionary.to_pylist()
    rank = np.empty(len(names), dtype=np.int64)
    rank[np.argsort(np.array(names, dtype=object), kind="stable")] = np.arange(len(names))
    codes = enc.indices.to_numpy(zero_copy_only=False)
    return rank[codes], sorted(names)


def sensor_chunks(table: pa.Table, types: dict[str, str], max_readings: int) -> Iterator[SensorBatch]:
    """Cut a readings table into per-machine batches of <= max_readings, in send order.

    Strings become integer ranks once (no Python object per row); values are stored column-major
    (each batch's sensor columns are contiguous, which is what the encoder writes).
    """
    if table.num_rows == 0:
        return
    eq, eq_names = _codes(table.column("equipment_id"))
    plant, plant_names = _codes(table.column("plant_id"))
    times = table.column("event_time").cast(pa.int64()).to_numpy()
    order = np.lexsort((times, eq))  # by equipment, then event time; stable
    eq, plant, times = eq[order], plant[order], times[order]
    seq = table.column("sequence").to_numpy()[order]
    values = np.empty((len(SENSOR_FIELDS), len(order)), dtype=np.float64)
    for i, f in enumerate(SENSOR_FIELDS):
        values[i] = table.column(f).to_numpy(zero_copy_only=False)[order]
    values = values.T  # (n, fields), column-major
    n = len(eq)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = eq[1:] != eq[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    rank = np.arange(n) - group_start
    starts = np.flatnonzero(new_group | (rank % max_readings == 0))
    ends = np.append(starts[1:], n)
    for k in np.argsort(times[ends - 1], kind="stable"):
        s, e = int(starts[k]), int(ends[k])
        name = eq_names[eq[s]]
        yield SensorBatch(name, plant_names[plant[s]], types.get(name, "unknown"), times[s:e], seq[s:e], values[s:e])


def row_records(table: pa.Table) -> list[dict[str, Any]]:
    """Rows of an equipment_status / quality_metrics table as wire records (event_time in ms)."""
    idx = table.schema.get_field_index("event_time")
    t = table.set_column(idx, "event_time", table.column("event_time").cast(pa.int64()))
    return t.to_pylist()
