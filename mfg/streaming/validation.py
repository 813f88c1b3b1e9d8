"""Record validation: physical ranges, timestamps, required fields, allowed values.

Validators never raise on bad data: they split a record into what is valid and what goes to the
dead-letter topic, each invalid part carrying short reason codes (``out_of_range:temperature``,
``future_timestamp``, ``missing_field:plant_id`` ...) and a human detail line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mfg.contracts.tables import DEFECT_CLASSES, SENSOR_FIELDS, STATUSES
from mfg.streaming.records import SensorBatch

#: plausible physical limits per sensor (inclusive); outside them a reading is invalid, not an alert
SENSOR_RANGES: dict[str, tuple[float, float]] = {
    "temperature": (-40.0, 400.0),
    "vibration_rms": (0.0, 200.0),
    "pressure": (0.0, 1000.0),
    "rotational_speed": (0.0, 50_000.0),
    "torque": (-10_000.0, 10_000.0),
    "power": (0.0, 10_000.0),
    "tool_wear": (0.0, 10_000_000.0),
}
_LOW = np.array([SENSOR_RANGES[f][0] for f in SENSOR_FIELDS])
_HIGH = np.array([SENSOR_RANGES[f][1] for f in SENSOR_FIELDS])
MIN_EVENT_MS = 946_684_800_000  # 2000-01-01


@dataclass
class Rejection:
    """Why (part of) a record is invalid."""

    reasons: list[str]
    detail: str
    record: dict[str, Any] | None = None  # the invalid part, re-encodable; None: forward raw bytes


@dataclass
class SensorVerdict:
    valid: SensorBatch | None
    rejected: SensorBatch | None = None
    rejection: Rejection | None = None
    counts: dict[str, int] = field(default_factory=dict)
    bad: np.ndarray | None = None  # per-reading mask of the rejected readings


def _header_problems(rec: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [f"missing_field:{k}" for k in keys if not isinstance(rec.get(k), str) or not rec.get(k)]


def validate_sensor_batch(batch: SensorBatch, now_ms: int, max_future_ms: int) -> SensorVerdict:
    """Split a batch into valid readings and rejected ones (with per-reason counts)."""
    problems = _header_problems(
        {"equipment_id": batch.equipment_id, "plant_id": batch.plant_id}, ("equipment_id", "plant_id")
    )
    n = len(batch)
    if problems or n == 0:
        reasons = problems or ["empty_batch"]
        rejection = Rejection(reasons, f"{reasons[0]} in batch of {n} readings")
        return SensorVerdict(None, batch, rejection, bad=np.ones(n, dtype=bool))
    t, v = batch.event_time, batch.values
    out = (v < _LOW) | (v > _HIGH) | np.isinf(v)  # NaN compares False: a missing value is allowed
    if not out.any() and t.max() <= now_ms + max_future_ms and t.min() >= MIN_EVENT_MS and batch.sequence.min() >= 0:
        return SensorVerdict(batch)  # the common case, in a handful of array operations
    bad = np.zeros(n, dtype=bool)
    counts: dict[str, int] = {}
    details: list[str] = []

    def flag(mask: np.ndarray, reason: str, detail: str) -> None:
        k = int(mask.sum())
        if k:
            counts[reason] = counts.get(reason, 0) + k
            details.append(detail)
            bad[:] |= mask

    flag(t > now_ms + max_future_ms, "future_timestamp", f"event_time up to {int(t.max())} ms > now {now_ms} ms")
    flag(t < MIN_EVENT_MS, "timestamp_too_old", f"event_time {int(t.min())} ms before 2000-01-01")
    flag(batch.sequence < 0, "negative_sequence", f"sequence {int(batch.sequence.min())} < 0")
    if out.any():
        for i in np.flatnonzero(out.any(axis=0)):
            name = SENSOR_FIELDS[i]
            lo, hi = SENSOR_RANGES[name]
            worst = v[out[:, i], i][0]
            flag(out[:, i], f"out_of_range:{name}", f"{name}={worst} outside [{lo}, {hi}]")
    if not bad.any():
        return SensorVerdict(batch, counts=counts)
    rejected = batch.take(bad)
    rejection = Rejection(sorted(counts), "; ".join(details), rejected.to_record())
    valid = batch.take(~bad) if not bad.all() else None
    return SensorVerdict(valid, rejected, rejection, counts, bad)


def validate_sensor_batches(batches: list[SensorBatch], now_ms: int, max_future_ms: int) -> list[SensorVerdict]:
    """:func:`validate_sensor_batch` for many batches (one poll): the common all-valid case is checked
    over the concatenated readings in a few array operations; the others are split one by one."""
    if not batches:
        return []
    lengths = np.array([len(b) for b in batches])
    t = np.concatenate([b.event_time for b in batches])
    v = np.concatenate([b.values for b in batches])
    bad = ((v < _LOW) | (v > _HIGH) | np.isinf(v)).any(axis=1)
    bad |= (t > now_ms + max_future_ms) | (t < MIN_EVENT_MS)
    bad |= np.concatenate([b.sequence for b in batches]) < 0
    dirty = np.zeros(len(batches), dtype=bool)
    nonempty = np.flatnonzero(lengths)
    if len(nonempty):
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[nonempty]
        dirty[nonempty] = np.logical_or.reduceat(bad, starts)
    return [
        validate_sensor_batch(b, now_ms, max_future_ms)
        if dirty[k] or not len(b) or _header_problems(vars(b), ("equipment_id", "plant_id"))
        else SensorVerdict(b)
        for k, b in enumerate(batches)
    ]


def validate_status(rec: dict[str, Any], now_ms: int, max_future_ms: int) -> Rejection | None:
    reasons = _header_problems(rec, ("equipment_id", "plant_id", "status"))
    details = []
    if rec.get("status") and rec["status"] not in STATUSES:
        reasons.append("invalid_value:status")
        details.append(f"status={rec['status']!r} not in {STATUSES}")
    reasons += _time_problems(rec, now_ms, max_future_ms, details)
    return Rejection(reasons, "; ".join(details) or reasons[0], rec) if reasons else None


def validate_quality(rec: dict[str, Any], now_ms: int, max_future_ms: int) -> Rejection | None:
    reasons = _header_problems(rec, ("equipment_id", "plant_id", "batch_id"))
    details = []
    if rec.get("defect_class") not in DEFECT_CLASSES:
        reasons.append("invalid_value:defect_class")
        details.append(f"defect_class={rec.get('defect_class')!r} not in {DEFECT_CLASSES}")
    produced, defective = rec.get("units_produced", 0), rec.get("units_defective", 0)
    if produced < 0 or defective < 0 or defective > produced:
        reasons.append("out_of_range:units")
        details.append(f"units_produced={produced}, units_defective={defective}")
    reasons += _time_problems(rec, now_ms, max_future_ms, details)
    return Rejection(reasons, "; ".join(details) or reasons[0], rec) if reasons else None


def _time_problems(rec: dict[str, Any], now_ms: int, max_future_ms: int, details: list[str]) -> list[str]:
    t = int(rec.get("event_time", 0))
    out = []
    if t > now_ms + max_future_ms:
        out.append("future_timestamp")
        details.append(f"event_time={t} ms > now {now_ms} ms")
    if t < MIN_EVENT_MS:
        out.append("timestamp_too_old")
        details.append(f"event_time={t} ms before 2000-01-01")
    if int(rec.get("sequence", 0)) < 0:
        out.append("negative_sequence")
        details.append(f"sequence={rec.get('sequence')}")
    return out
