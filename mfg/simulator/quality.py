"""Production batches and their quality class.

One batch per machine-hour in which the machine ran at least half of the hour. Units produced follow
the running time and the cycle time (slower shaft → longer cycle). The defect class is driven by
tool wear and material hardness, both reported on the batch:

``score = 1.6·(tool_wear / 32000)² + 0.5·max(0, (hardness − 30) / 4)² + 0.15·max(0, (30 − hardness) / 4)² + ε``

with ε ~ N(0, 0.03); good < 0.65 ≤ minor < 0.95 ≤ major < 1.3 ≤ reject. The defective fraction of
the batch is drawn within the class's band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import DEFECT_CLASSES, QUALITY_METRICS
from mfg.simulator.columns import strings, timestamps
from mfg.simulator.fleet import Fleet
from mfg.simulator.sensors import HourlyProcess

TOOL_WEAR_REF = 32_000.0
HARDNESS_MEAN, HARDNESS_SD = 30.0, 4.0
CLASS_EDGES = (0.65, 0.95, 1.3)
_DEFECT_BAND = ((0.0, 0.01), (0.01, 0.03), (0.03, 0.08), (0.08, 0.2))


def defect_score(tool_wear: np.ndarray, hardness: np.ndarray) -> np.ndarray:
    """Noise-free quality score of a batch (higher is worse)."""
    hard = np.maximum(0.0, (hardness - HARDNESS_MEAN) / HARDNESS_SD)
    soft = np.maximum(0.0, (HARDNESS_MEAN - hardness) / HARDNESS_SD)
    return 1.6 * (tool_wear / TOOL_WEAR_REF) ** 2 + 0.5 * hard**2 + 0.15 * soft**2


@dataclass
class Batches:
    """The quality batches, with what the image generator needs beside the table."""

    table: pa.Table
    defect_class: np.ndarray  # index into DEFECT_CLASSES
    tool_term: np.ndarray  # share of the score due to tool wear
    machine: np.ndarray


def build_batches(hourly: HourlyProcess, fleet: Fleet, start_ms: int, rng: np.random.Generator) -> Batches:
    """``hourly`` arrays are ``(machines, hours)`` over the whole horizon."""
    machine, hour = np.nonzero(hourly.running_fraction >= 0.5)  # grouped by machine, hours ascending
    n = machine.shape[0]
    frac = hourly.running_fraction[machine, hour]
    speed = hourly.speed[machine, hour]
    nominal_speed = fleet.speed[machine]
    cycle = fleet.ideal_cycle[machine] * nominal_speed / np.maximum(speed, 1e-6) * np.exp(rng.normal(0, 0.03, n))
    units = np.floor(frac * 3600.0 / cycle).astype(np.int64)
    hardness = rng.normal(HARDNESS_MEAN, HARDNESS_SD, n)
    tool = hourly.tool_wear[machine, hour]
    clean = defect_score(tool, hardness)
    score = clean + rng.normal(0.0, 0.03, n)
    cls = np.searchsorted(np.array(CLASS_EDGES), score, side="right")
    lo = np.array([b[0] for b in _DEFECT_BAND])[cls]
    hi = np.array([b[1] for b in _DEFECT_BAND])[cls]
    defective = np.floor(units * rng.uniform(lo, hi)).astype(np.int64)
    if n:
        starts = np.r_[0, np.flatnonzero(np.diff(machine)) + 1]
        seq = np.arange(n, dtype=np.int64) - np.repeat(starts, np.diff(np.r_[starts, n]))
    else:
        seq = np.zeros(0, np.int64)
    ids = [fleet.ids[m] for m in machine.tolist()]
    event_ms = start_ms + (hour.astype(np.int64) + 1) * 3_600_000 - 1000  # batch closed at hh:59:59
    table = pa.table(
        [
            timestamps(event_ms),
            strings(ids),
            strings([fleet.plant_ids[m] for m in machine.tolist()]),
            pa.array(seq, pa.int64()),
            strings([f"B-{i}-{s:06d}" for i, s in zip(ids, seq.tolist(), strict=True)]),
            pa.array(units, pa.int64()),
            pa.array(defective, pa.int64()),
            strings([DEFECT_CLASSES[c] for c in cls.tolist()]),
            pa.array(hourly.temperature[machine, hour] + rng.normal(0, 0.3, n), pa.float64()),
            pa.array(speed, pa.float64()),
            pa.array(hourly.pressure[machine, hour], pa.float64()),
            pa.array(cycle, pa.float64()),
            pa.array(hardness, pa.float64()),
            pa.array(tool, pa.float64()),
            pa.nulls(n, pa.string()),
        ],
        schema=QUALITY_METRICS,
    )
    tool_term = 1.6 * (tool / TOOL_WEAR_REF) ** 2 / np.maximum(clean, 1e-9)
    return Batches(table=table, defect_class=cls, tool_term=tool_term, machine=machine)
