"""A small numpy fleet written in the lake contract, for tests and the benchmark when the simulator is absent.

Not a simulator: sensors are a per-machine base, a slow drift and noise at a fixed cadence starting
at midnight; each machine gets a few error episodes (status ``error`` then corrective maintenance)
and scheduled maintenance. Deterministic for a seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from mfg.contracts import tables as C
from mfg.lake import write_partitioned, write_table

BASE = {
    "temperature": (60.0, 2.0),
    "vibration_rms": (3.0, 0.3),
    "pressure": (6.0, 0.2),
    "rotational_speed": (1500.0, 20.0),
    "torque": (40.0, 2.0),
    "power": (15.0, 0.8),
    "tool_wear": (0.0, 0.0),
}


@dataclass(frozen=True)
class Fleet:
    equipment: int = 5
    days: int = 3
    interval_s: int = 60
    seed: int = 7
    start: datetime = datetime(2026, 1, 5, tzinfo=UTC)
    failures_per_machine: int = 1


def _ids(n: int) -> list[str]:
    return [f"EQ-{i:04d}" for i in range(n)]


def sensor_readings(f: Fleet) -> pa.Table:
    rng = np.random.default_rng(f.seed)
    per = f.days * 86400 // f.interval_s
    n = per * f.equipment
    offs = np.tile(np.arange(per, dtype=np.int64) * f.interval_s * 1000, f.equipment)
    start_ms = int(f.start.timestamp() * 1000)
    eq_idx = np.repeat(np.arange(f.equipment), per)
    cols: dict[str, pa.Array] = {
        "event_time": pa.array(start_ms + offs, pa.int64()).cast(C.TS),
        "equipment_id": pa.DictionaryArray.from_arrays(pa.array(eq_idx, pa.int32()), pa.array(_ids(f.equipment))).cast(
            pa.string()
        ),
        "plant_id": pa.array(np.where(eq_idx % 2 == 0, "PLANT-A", "PLANT-B")),
        "sequence": pa.array(np.tile(np.arange(per, dtype=np.int64), f.equipment)),
    }
    hours = offs / 3.6e6
    for s, (mu, sd) in BASE.items():
        base = mu * (1 + 0.05 * rng.standard_normal(f.equipment))[eq_idx]
        if s == "tool_wear":
            values = (hours * f.interval_s / 60.0) % 240.0
        else:
            values = base + 0.01 * sd * hours + sd * rng.standard_normal(n)
        cols[s] = pa.array(values, pa.float64())
    return pa.table(cols, schema=C.SENSOR_READINGS)


def _failure_times(f: Fleet) -> list[tuple[str, datetime]]:
    rng = np.random.default_rng(f.seed + 1)
    out = []
    for eq in _ids(f.equipment):
        for _ in range(f.failures_per_machine):
            hour = int(rng.integers(6, max(7, f.days * 24 - 6)))
            out.append((eq, f.start + timedelta(hours=hour, minutes=int(rng.integers(0, 60)))))
    return out


def equipment_status(f: Fleet, every_s: int = 600) -> pa.Table:
    fails: dict[str, list[datetime]] = {}
    for eq, t in _failure_times(f):
        fails.setdefault(eq, []).append(t)
    rows: dict[str, list[object]] = {k: [] for k in C.EQUIPMENT_STATUS.names}
    steps = f.days * 86400 // every_s
    for i, eq in enumerate(_ids(f.equipment)):
        for k in range(steps):
            t = f.start + timedelta(seconds=k * every_s)
            status, code = "running", None
            for ft in fails.get(eq, []):
                if ft <= t < ft + timedelta(minutes=30):
                    status, code = "error", "E-SYNTH"
                elif ft + timedelta(minutes=30) <= t < ft + timedelta(hours=2):
                    status = "maintenance"
            if status == "running" and (t.hour in (2, 3)):
                status = "idle"
            for key, v in zip(
                C.EQUIPMENT_STATUS.names, (t, eq, "PLANT-A" if i % 2 == 0 else "PLANT-B", k, status, code), strict=True
            ):
                rows[key].append(v)
    return pa.table(rows, schema=C.EQUIPMENT_STATUS)


def quality_metrics(f: Fleet, every_s: int = 1800) -> pa.Table:
    rng = np.random.default_rng(f.seed + 2)
    rows: dict[str, list[object]] = {k: [] for k in C.QUALITY_METRICS.names}
    steps = f.days * 86400 // every_s
    for i, eq in enumerate(_ids(f.equipment)):
        for k in range(steps):
            produced = int(rng.integers(40, 60))
            defective = int(rng.binomial(produced, 0.03))
            cls = "good" if defective == 0 else ("minor" if defective < 3 else "major")
            values = (
                f.start + timedelta(seconds=k * every_s), eq, "PLANT-A" if i % 2 == 0 else "PLANT-B", k,
                f"B-{eq}-{k}", produced, defective, cls, 200.0, 1.0, 6.0, 30.0, 50.0, 10.0, None,
            )  # fmt: skip
            for key, v in zip(C.QUALITY_METRICS.names, values, strict=True):
                rows[key].append(v)
    return pa.table(rows, schema=C.QUALITY_METRICS)


def reference_tables(f: Fleet) -> dict[str, pa.Table]:
    ids = _ids(f.equipment)
    plants = ["PLANT-A" if i % 2 == 0 else "PLANT-B" for i in range(f.equipment)]
    equipment = pa.table(
        {
            "equipment_id": ids,
            "plant_id": plants,
            "line_id": [f"{p}-L1" for p in plants],
            "equipment_type": [C.EQUIPMENT_TYPES[i % len(C.EQUIPMENT_TYPES)] for i in range(f.equipment)],
            "install_date": [date(2020, 1, 1) + timedelta(days=30 * i) for i in range(f.equipment)],
            "rated_power_kw": [20.0] * f.equipment,
            "ideal_cycle_time_s": [25.0] * f.equipment,
        },
        schema=C.EQUIPMENT,
    )
    plants_t = pa.table(
        {"plant_id": ["PLANT-A", "PLANT-B"], "name": ["Plant A", "Plant B"], "timezone": ["Europe/Berlin", "UTC"]},
        schema=C.PLANTS,
    )
    maint: dict[str, list[object]] = {k: [] for k in C.MAINTENANCE_EVENTS.names}
    for eq, t in _failure_times(f):
        i = ids.index(eq)
        vals = (t + timedelta(minutes=30), t + timedelta(hours=2), eq, plants[i], "corrective", "random")
        for key, v in zip(C.MAINTENANCE_EVENTS.names, vals, strict=True):
            maint[key].append(v)
    return {
        "equipment": equipment,
        "plants": plants_t,
        "maintenance_events": pa.table(maint, schema=C.MAINTENANCE_EVENTS),
    }


def write_fleet(root: str | Path, f: Fleet, *, sensors_only: bool = False) -> dict[str, int]:
    """Write the fleet into a lake at ``root``; returns row counts per table."""
    counts: dict[str, int] = {}
    readings = sensor_readings(f)
    write_partitioned(readings, root, "sensor_readings", file_stem="synthetic")
    counts["sensor_readings"] = readings.num_rows
    if not sensors_only:
        for name, table in (("equipment_status", equipment_status(f)), ("quality_metrics", quality_metrics(f))):
            write_partitioned(table, root, name, file_stem="synthetic")
            counts[name] = table.num_rows
    for name, table in reference_tables(f).items():
        write_table(table, root, name)
        counts[name] = table.num_rows
    return counts
