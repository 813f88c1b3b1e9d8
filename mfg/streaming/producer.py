"""Producers: replay a simulator/imported lake folder into the topics, and the live edge batcher.

Replay merges the three inputs in event-time order: sensor readings as per-machine edge batches
(sent when their last reading happens), status changes and quality batches one record each. Keys
are equipment ids, so one machine's records stay ordered on one partition. ``rate`` paces readings
per second; without it, records go out as fast as the client takes them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from mfg.contracts.registry import registry_from_settings
from mfg.contracts.serde import AvroSerde
from mfg.lake import LakeError, read_table
from mfg.settings import Settings
from mfg.streaming import topics as T
from mfg.streaming.codec import encode_batch
from mfg.streaming.errors import SourceError, StreamingError
from mfg.streaming.records import SensorBatch, row_records, sensor_chunks


@dataclass
class ReplayResult:
    records: dict[str, int] = field(default_factory=dict)  # base topic -> records sent
    readings: int = 0  # sensor readings (lake rows of sensor_readings)
    seconds: float = 0.0
    started: float = 0.0  # time.perf_counter() when sending began (after the source was read)


def produce(producer: Any, topic: str, value: bytes, key: bytes) -> None:
    """Produce, waiting for queue room instead of failing when the client buffer is full."""
    while True:
        try:
            producer.produce(topic, value, key=key)
            producer.poll(0)
            return
        except BufferError:
            producer.poll(0.05)


def _read(source: Path, name: str) -> pa.Table | None:
    try:
        return read_table(source, name)
    except LakeError:
        return None


def load_source(source: Path) -> tuple[pa.Table, dict[str, pa.Table], dict[str, str]]:
    """(sensor readings, {status, quality tables}, equipment_id -> equipment_type) of a lake folder."""
    if not Path(source).is_dir():
        raise SourceError(f"replay source {source} does not exist (run `mfg simulate` first?)")
    sensors = _read(source, "sensor_readings")
    if sensors is None:
        raise SourceError(f"replay source {source} has no sensor_readings/ parquet files")
    others = {t: tbl for t in (T.STATUS, T.QUALITY) if (tbl := _read(source, T.TABLES[t])) is not None}
    eq = _read(source, "equipment")
    types: dict[str, str] = {}
    if eq is not None:
        types = dict(zip(eq.column("equipment_id").to_pylist(), eq.column("equipment_type").to_pylist(), strict=True))
    return sensors, others, types


def _merged(
    sensors: pa.Table, others: dict[str, pa.Table], types: dict[str, str], batch_max: int
) -> Iterator[tuple[str, SensorBatch | dict[str, Any]]]:
    """(base topic, item) in send order."""
    chunks = list(sensor_chunks(sensors, types, batch_max))
    items: list[tuple[int, str, SensorBatch | dict[str, Any]]] = [(int(c.event_time[-1]), T.SENSORS, c) for c in chunks]
    for base, table in others.items():
        items += [(int(r["event_time"]), base, r) for r in row_records(table)]
    order = np.argsort(np.array([i[0] for i in items], dtype=np.int64), kind="stable")
    for k in order:
        yield items[k][1], items[k][2]


def replay(
    settings: Settings,
    source: Path,
    *,
    producer: Any,
    rate: float | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ReplayResult:
    """Send a lake folder's sensor/status/quality rows to the topics; returns what was sent."""
    sensors, others, types = load_source(source)
    batch_max = settings.stream_sensor_batch_max
    if rate:
        # keep each machine's batch within the wall-clock wait at this rate
        machines = max(1, len(types) or len(set(sensors.column("equipment_id").to_pylist())))
        per_machine = rate / machines * settings.stream_sensor_batch_wait_ms / 1000
        batch_max = max(1, min(batch_max, int(per_machine)))
    serde = AvroSerde(registry_from_settings(settings))
    result = ReplayResult()
    started = result.started = time.perf_counter()
    for base, item in _merged(sensors, others, types, batch_max):
        name = T.topic(settings, base)
        if isinstance(item, SensorBatch):
            produce(producer, name, encode_batch(serde, name, item), item.equipment_id.encode())
            n = len(item)
            result.readings += n
            if on_progress:
                on_progress(n)
            if rate:
                ahead = result.readings / rate - (time.perf_counter() - started)
                if ahead > 0:
                    time.sleep(ahead)
        else:
            produce(producer, name, serde.encode(name, T.SCHEMAS[base], item), str(item["equipment_id"]).encode())
        result.records[base] = result.records.get(base, 0) + 1
    remaining = producer.flush(60)
    if remaining:
        raise StreamingError(f"{remaining} records were not delivered within 60 s")
    result.seconds = time.perf_counter() - started
    return result


class EdgeBatcher:
    """Collects live readings per machine; a batch is due at ``max_readings`` or after ``wait_s``."""

    def __init__(self, max_readings: int, wait_s: float) -> None:
        self.max_readings = max_readings
        self.wait_s = wait_s
        self._buf: dict[str, tuple[float, str, str, list[list[float]], list[int], list[int]]] = {}

    def add(
        self, equipment_id: str, plant_id: str, equipment_type: str, event_ms: int, sequence: int, values: list[float]
    ) -> None:
        entry = self._buf.get(equipment_id)
        if entry is None:
            entry = self._buf[equipment_id] = (time.monotonic(), plant_id, equipment_type, [], [], [])
        entry[3].append(values)
        entry[4].append(event_ms)
        entry[5].append(sequence)

    def due(self, *, flush_all: bool = False) -> list[SensorBatch]:
        now = time.monotonic()
        out = []
        for eq, (since, plant, etype, values, times, seqs) in list(self._buf.items()):
            if flush_all or len(times) >= self.max_readings or now - since >= self.wait_s:
                out.append(
                    SensorBatch(
                        eq,
                        plant,
                        etype,
                        np.array(times, np.int64),
                        np.array(seqs, np.int64),
                        np.array(values, np.float64),
                    )
                )
                del self._buf[eq]
        return out
