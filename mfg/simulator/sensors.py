"""Sensor values of one simulated day for the whole fleet, and their arrow record batch.

Values follow the operating point (:mod:`mfg.simulator.operating`) while running; a stopped machine
(idle, error, maintenance) shows zero speed and torque, standby power, low vibration and pressure
and a temperature near ambient. Gaussian sensor noise is added per reading; ``tool_wear`` is a
counter and carries no noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import SENSOR_FIELDS, SENSOR_READINGS
from mfg.simulator.columns import floats, tiled_strings, timestamps
from mfg.simulator.fleet import Fleet
from mfg.simulator.operating import operating_ratios
from mfg.simulator.physics import RUNNING

#: developing-fault signature per mode (tool_wear, heat_dissipation, power, overstrain, random, none):
#: vibration × (1 + a·f), temperature + nominal rise × b·f, torque × (1 + c·f), power × (1 + d·f)
FAULT_VIBRATION = np.array([0.9, 0.6, 0.6, 0.9, 0.0, 0.0])
FAULT_TEMPERATURE = np.array([0.1, 0.5, 0.2, 0.1, 0.0, 0.0])
FAULT_TORQUE = np.array([0.12, 0.0, 0.1, 0.15, 0.0, 0.0])
FAULT_POWER = np.array([0.0, 0.0, 0.1, 0.0, 0.0, 0.0])
#: relative noise (σ as a fraction of the nominal value); temperature in °C
NOISE = {
    "temperature": 0.4,
    "vibration_rms": 0.05,
    "pressure": 0.015,
    "rotational_speed": 0.005,
    "torque": 0.02,
    "power": 0.015,
}


@dataclass
class HourlyProcess:
    """Per machine-hour process figures of one day, for the quality batches (shape machines × hours)."""

    running_fraction: np.ndarray
    temperature: np.ndarray
    speed: np.ndarray
    pressure: np.ndarray
    tool_wear: np.ndarray  # at the end of the hour


class FleetColumns:
    """Fleet parameters as ``(machines, 1)`` columns, broadcast against ``(machines, steps)`` blocks."""

    def __init__(self, fleet: Fleet) -> None:
        col = lambda a: np.asarray(a, dtype=np.float64)[:, None]  # noqa: E731
        self.speed, self.torque = col(fleet.speed), col(fleet.torque)
        self.power = self.speed * self.torque / 9549.0
        self.rise, self.vibration = col(fleet.temp_rise), col(fleet.vibration)
        self.pressure, self.ambient = col(fleet.pressure), col(fleet.ambient)
        self.ids, self.plants = fleet.ids, fleet.plant_ids


def day_values(
    cols: FleetColumns,
    load: np.ndarray,
    wear: np.ndarray,
    tool_wear: np.ndarray,
    state: np.ndarray,
    fault: np.ndarray,
    fault_mode: np.ndarray,
    t_s: np.ndarray,
    rng: np.random.Generator,
    steps_per_hour: int,
) -> tuple[dict[str, np.ndarray], HourlyProcess]:
    """Noisy sensor matrices ``(machines, steps)`` for one block of time, plus hourly process means."""
    run = state == RUNNING
    stop = ~run
    w = wear.astype(np.float64)
    sp, tq, pw, rise = operating_ratios(load.astype(np.float64), w)
    speed = cols.speed * sp * run
    torque = cols.torque * tq * run
    power = cols.power * (pw * run + 0.03 * stop)
    hour_frac = (t_s % 86_400) / 3600.0
    ambient = cols.ambient + 2.5 * np.sin(2 * np.pi * (hour_frac - 9.0) / 24.0)[None, :]
    temperature = ambient + cols.rise * (rise * run + 0.12 * stop)
    vibration = cols.vibration * ((0.3 + 0.7 * load) * (1.0 + 2.5 * w * w) * run + 0.05 * stop)
    pressure = cols.pressure * ((0.7 + 0.3 * load) * (1.0 - 0.1 * w) * run + 0.03 * stop)
    if fault.any():
        f = fault * run
        torque_gain = 1.0 + FAULT_TORQUE[fault_mode] * f
        torque *= torque_gain
        power *= torque_gain * (1.0 + FAULT_POWER[fault_mode] * f)
        vibration *= 1.0 + FAULT_VIBRATION[fault_mode] * f
        temperature += cols.rise * FAULT_TEMPERATURE[fault_mode] * f
    hourly = _hourly(run, temperature, speed, pressure, tool_wear, steps_per_hour)

    z = rng.standard_normal((6, *load.shape), dtype=np.float32)
    values = {
        "temperature": temperature + NOISE["temperature"] * z[0],
        "vibration_rms": np.abs(vibration + cols.vibration * NOISE["vibration_rms"] * z[1]),
        "pressure": np.abs(pressure + cols.pressure * NOISE["pressure"] * z[2]),
        "rotational_speed": speed + (cols.speed * NOISE["rotational_speed"]) * z[3] * run,
        "torque": torque + (cols.torque * NOISE["torque"]) * z[4] * run,
        "power": np.abs(power + cols.power * NOISE["power"] * z[5]),
        "tool_wear": tool_wear.astype(np.float64),
    }
    return values, hourly


def _hourly(
    run: np.ndarray,
    temperature: np.ndarray,
    speed: np.ndarray,
    pressure: np.ndarray,
    tool_wear: np.ndarray,
    sph: int,
) -> HourlyProcess:
    e, m = run.shape
    shape = (e, m // sph, sph)
    r = run.reshape(shape)
    count = r.sum(axis=2)
    denom = np.maximum(count, 1)

    def mean(x: np.ndarray) -> np.ndarray:
        return (x.reshape(shape) * r).sum(axis=2) / denom

    return HourlyProcess(
        running_fraction=count / sph,
        temperature=mean(temperature),
        speed=mean(speed),
        pressure=mean(pressure),
        tool_wear=tool_wear.reshape(shape)[:, :, -1].astype(np.float64),
    )


class BatchBuilder:
    """Turns ``(machines, steps)`` matrices into time-major record batches (time, then machine)."""

    def __init__(self, cols: FleetColumns, steps: int) -> None:
        self._e = len(cols.ids)
        self._steps = steps
        self._ids = tiled_strings(cols.ids, steps)
        self._plants = tiled_strings(cols.plants, steps)

    def batch(self, values: dict[str, np.ndarray], ms: np.ndarray, first_step: int) -> pa.RecordBatch:
        m = ms.shape[0]
        ids, plants = (
            (self._ids, self._plants)
            if m == self._steps
            else (
                self._ids.slice(0, m * self._e),
                self._plants.slice(0, m * self._e),
            )
        )
        seq = np.repeat(np.arange(first_step, first_step + m, dtype=np.int64), self._e)
        arrays = [timestamps(np.repeat(ms, self._e)), ids, plants, pa.array(seq, pa.int64())]
        arrays += [floats(values[f].T.ravel()) for f in SENSOR_FIELDS]
        return pa.RecordBatch.from_arrays(arrays, schema=SENSOR_READINGS)
