"""HTTP ingest for the gateway's ``POST /v1/stream-data``: validate a batch of readings, produce it.

Each reading is a dict with ``equipment_id``, ``plant_id``, ``event_time`` (ISO-8601 string,
datetime or epoch milliseconds), ``sequence``, optional ``equipment_type`` and the sensor fields
of :data:`mfg.contracts.tables.SENSOR_FIELDS` (missing or null: not measured). Valid readings are
grouped per machine into edge batches and produced to ``equipment-sensors``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from mfg.contracts.registry import registry_from_settings
from mfg.contracts.serde import AvroSerde
from mfg.contracts.tables import SENSOR_FIELDS
from mfg.settings import Settings
from mfg.streaming import topics as T
from mfg.streaming.codec import encode_batch
from mfg.streaming.producer import produce
from mfg.streaming.records import SensorBatch
from mfg.streaming.validation import validate_sensor_batch


@dataclass
class IngestResult:
    accepted: int = 0
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)  # "reading <i>: <reason>: <detail>"


def _millis(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"event_time={value!r} is not a time")
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, str):
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if dt.tzinfo is None:
            raise ValueError(f"event_time={value!r} has no time zone")
        return int(dt.timestamp() * 1000)
    raise ValueError(f"event_time={value!r} is not a time")


def _parse(i: int, r: Any) -> tuple[tuple[str, str, str], int, int, list[float]] | str:
    if not isinstance(r, dict):
        return f"reading {i}: not_an_object"
    for key in ("equipment_id", "plant_id"):
        if not isinstance(r.get(key), str) or not r[key]:
            return f"reading {i}: missing_field:{key}"
    if "event_time" not in r or "sequence" not in r:
        return f"reading {i}: missing_field:{'event_time' if 'event_time' not in r else 'sequence'}"
    try:
        t = _millis(r["event_time"])
        seq = int(r["sequence"])
        values = [math.nan if r.get(f) is None else float(r[f]) for f in SENSOR_FIELDS]
    except (TypeError, ValueError) as exc:
        return f"reading {i}: invalid_value: {exc}"
    return (r["equipment_id"], r["plant_id"], str(r.get("equipment_type") or "unknown")), t, seq, values


def ingest_readings(settings: Settings, producer: Any, readings: list[dict[str, Any]]) -> IngestResult:
    """Validate ``readings``, produce the valid ones, report counts and reasons for the rest."""
    result = IngestResult()
    groups: dict[tuple[str, str, str], list[tuple[int, int, int, list[float]]]] = {}
    for i, r in enumerate(readings):
        parsed = _parse(i, r)
        if isinstance(parsed, str):
            result.rejected += 1
            result.reasons.append(parsed)
            continue
        head, t, seq, values = parsed
        groups.setdefault(head, []).append((i, t, seq, values))
    now_ms = int(time.time() * 1000)
    serde = AvroSerde(registry_from_settings(settings))
    name = T.topic(settings, T.SENSORS)
    for (eq, plant, etype), rows in groups.items():
        rows.sort(key=lambda row: row[2])
        idx = np.array([row[0] for row in rows])
        batch = SensorBatch(
            eq,
            plant,
            etype,
            np.array([row[1] for row in rows], np.int64),
            np.array([row[2] for row in rows], np.int64),
            np.array([row[3] for row in rows], np.float64).reshape(len(rows), len(SENSOR_FIELDS)),
        )
        verdict = validate_sensor_batch(batch, now_ms, int(settings.stream_max_future_s * 1000))
        if verdict.rejection is not None and verdict.bad is not None:
            bad_idx = [int(k) for k in idx[verdict.bad]]
            result.rejected += len(bad_idx)
            result.reasons += [
                f"reading {k}: {','.join(verdict.rejection.reasons)}: {verdict.rejection.detail}" for k in bad_idx
            ]
        valid = verdict.valid
        if valid is None:
            continue
        step = settings.stream_sensor_batch_max
        for s in range(0, len(valid), step):
            part = valid.take(np.arange(s, min(s + step, len(valid))))
            produce(producer, name, encode_batch(serde, name, part), eq.encode())
        result.accepted += len(valid)
    producer.flush(30)
    return result
