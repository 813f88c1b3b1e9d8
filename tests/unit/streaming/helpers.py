"""Small sensor frames that follow mfg.contracts.tables, for the streaming unit tests."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import SENSOR_FIELDS, SENSOR_READINGS
from mfg.streaming.records import SensorBatch

T0 = 1_767_225_600_000  # 2026-01-01T00:00Z
NOMINAL = np.array([60.0, 3.0, 6.0, 1500.0, 40.0, 9.0, 2000.0])


def batch(
    eq: str = "CNC-A-101",
    n: int = 10,
    *,
    start_seq: int = 0,
    t0: int = T0,
    step_ms: int = 60_000,
    etype: str = "cnc_mill",
    seed: int = 0,
) -> SensorBatch:
    rng = np.random.default_rng(seed)
    values = NOMINAL * (1 + 0.01 * rng.standard_normal((n, len(SENSOR_FIELDS))))
    return SensorBatch(
        eq,
        "PLANT-A",
        etype,
        t0 + step_ms * np.arange(n, dtype=np.int64),
        np.arange(start_seq, start_seq + n, dtype=np.int64),
        values,
    )


def readings_table(machines: int = 3, n: int = 25, seed: int = 0) -> pa.Table:
    rows = []
    for m in range(machines):
        b = batch(f"PMP-A-{100 + m}", n, t0=T0 + m * 1000, seed=seed + m)
        for i in range(n):
            row = {
                "event_time": int(b.event_time[i]),
                "equipment_id": b.equipment_id,
                "plant_id": b.plant_id,
                "sequence": int(b.sequence[i]),
            }
            row |= {f: float(b.values[i, j]) for j, f in enumerate(SENSOR_FIELDS)}
            rows.append(row)
    t = pa.Table.from_pylist(rows)
    return t.set_column(0, "event_time", t.column("event_time").cast(SENSOR_READINGS.field("event_time").type)).cast(
        SENSOR_READINGS
    )
