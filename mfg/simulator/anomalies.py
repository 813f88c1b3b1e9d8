"""Injected sensor anomalies with labelled windows: spikes, drifts, stuck sensors and dropouts.

Windows are planned up front (Poisson count per machine, uniform start, kind-specific duration) and
applied block by block as the sensor values are generated; a window is ``[start, end)`` in steps.
- spike: 1–3 readings offset by ±(25–60) % of the nominal value;
- drift: an offset ramping linearly to +(15–40) % of nominal over 6–36 h, then gone;
- stuck: the sensor repeats the reading at the window start for 1–8 h;
- dropout: the sensor reports nothing (null) for 10 min – 4 h.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import ANOMALY_WINDOWS
from mfg.simulator.columns import strings, timestamps
from mfg.simulator.config import SimConfig

ANOMALY_KINDS: tuple[str, ...] = ("spike", "drift", "stuck", "dropout")
ANOMALY_SENSORS: tuple[str, ...] = ("temperature", "vibration_rms", "pressure", "rotational_speed", "torque", "power")
_DURATION_S = {
    "spike": (60, 180),
    "drift": (6 * 3600, 36 * 3600),
    "stuck": (3600, 8 * 3600),
    "dropout": (600, 4 * 3600),
}


@dataclass
class Window:
    machine: int
    sensor: str
    kind: str
    start: int
    end: int
    magnitude: float  # fraction of the nominal value (signed for spikes)
    stuck_value: np.ndarray | None = None


def plan(config: SimConfig, rng: np.random.Generator) -> list[Window]:
    """Draw the anomaly windows for the whole horizon, sorted by start."""
    n, dt = config.steps, config.interval_s
    counts = rng.poisson(config.anomaly_rate * config.days, config.equipment)
    windows: list[Window] = []
    for machine, count in enumerate(counts.tolist()):
        for _ in range(count):
            kind = ANOMALY_KINDS[int(rng.integers(len(ANOMALY_KINDS)))]
            sensor = ANOMALY_SENSORS[int(rng.integers(len(ANOMALY_SENSORS)))]
            lo, hi = _DURATION_S[kind]
            length = max(1, int(np.rint(rng.uniform(lo, hi) / dt)))
            start = int(rng.integers(0, max(1, n - length)))
            if kind == "spike":
                mag = float(rng.uniform(0.25, 0.6) * rng.choice([-1.0, 1.0]))
            else:
                mag = float(rng.uniform(0.15, 0.4))
            windows.append(Window(machine, sensor, kind, start, min(n, start + length), mag))
    windows.sort(key=lambda w: (w.start, w.machine))
    return windows


def apply(windows: list[Window], values: dict[str, np.ndarray], nominal: dict[str, np.ndarray], first: int) -> None:
    """Apply the windows overlapping steps ``[first, first + block)`` to ``values`` in place.

    Must be called block after block in time order (a stuck window remembers its first value).
    """
    block = next(iter(values.values())).shape[1]
    last = first + block
    for w in windows:
        if w.start >= last:
            break
        if w.end <= first:
            continue
        a, b = max(w.start, first) - first, min(w.end, last) - first
        row = values[w.sensor][w.machine]
        scale = float(nominal[w.sensor][w.machine, 0])
        if w.kind == "spike":
            row[a:b] += w.magnitude * scale
        elif w.kind == "drift":
            steps = np.arange(max(w.start, first), min(w.end, last)) - w.start + 1
            row[a:b] += w.magnitude * scale * steps / (w.end - w.start)
        elif w.kind == "stuck":
            if w.stuck_value is None:
                w.stuck_value = np.array(row[a])
            row[a:b] = w.stuck_value
        else:
            row[a:b] = np.nan


def windows_table(windows: list[Window], ids: list[str], start_ms: int, interval_ms: int) -> pa.Table:
    order = sorted(windows, key=lambda w: (ids[w.machine], w.start))
    starts = np.array([start_ms + w.start * interval_ms for w in order], dtype=np.int64)
    ends = np.array([start_ms + w.end * interval_ms for w in order], dtype=np.int64)
    return pa.table(
        [
            strings([ids[w.machine] for w in order]),
            strings([w.sensor for w in order]),
            strings([w.kind for w in order]),
            timestamps(starts),
            timestamps(ends),
        ],
        schema=ANOMALY_WINDOWS,
    )
