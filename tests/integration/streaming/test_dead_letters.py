"""10,000 malformed records all land in the dead-letter topic with reasons; the consumer keeps going."""

from __future__ import annotations

import copy
import time
from collections import Counter

import numpy as np
import pytest

from mfg.contracts.avro import encode, latest_schema, parse, physical
from mfg.contracts.registry import registry_from_settings
from mfg.contracts.serde import AvroSerde
from mfg.lake import read_table
from mfg.settings import Settings
from mfg.streaming import topics as T
from mfg.streaming.consumer import StreamConsumer
from mfg.streaming.kafka import ensure_topics, make_producer
from mfg.streaming.producer import produce
from mfg.streaming.records import SensorBatch

from .conftest import drain

pytestmark = [pytest.mark.integration, pytest.mark.slow]
PER_KIND = 2500


def _one(eq: str, seq: int, t_ms: int, temperature: float = 60.0) -> SensorBatch:
    values = np.array([[temperature, 3.0, 6.0, 1500.0, 40.0, 9.0, 2000.0]])
    return SensorBatch(eq, "PLANT-A", "cnc_mill", np.array([t_ms]), np.array([seq]), values)


def test_malformed_records_are_dead_lettered_with_reasons(stream_settings: Settings) -> None:
    s = stream_settings
    ensure_topics(s, T.all_topics(s))
    topic = T.topic(s, T.SENSORS)
    serde = AvroSerde(registry_from_settings(s))
    rogue = copy.deepcopy(latest_schema("equipment_sensors"))
    rogue["fields"] = [f for f in rogue["fields"] if f["name"] != "plant_id"]
    rogue_id = registry_from_settings(s).register("rogue-sensors-value", rogue)
    rogue_parsed = parse(physical(rogue))
    rng = np.random.default_rng(3)
    now = int(time.time() * 1000)
    producer = make_producer(s)
    valid = 0
    for i in range(PER_KIND):
        eq = f"CNC-A-{i % 50}"
        produce(producer, topic, rng.bytes(int(rng.integers(0, 60))), eq.encode())  # bad bytes
        rec = _one(eq, i, now - 60_000).to_record()
        del rec["plant_id"]
        produce(producer, topic, encode(rogue_id, rogue_parsed, rec), eq.encode())  # missing field
        produce(
            producer,
            topic,
            serde.encode(topic, "equipment_sensors", _one(eq, 10_000 + i, now, 5000.0).to_record()),
            eq.encode(),
        )
        produce(
            producer,
            topic,
            serde.encode(topic, "equipment_sensors", _one(eq, 20_000 + i, now + 86_400_000).to_record()),
            eq.encode(),
        )
        if i % 25 == 0:  # good records in between
            produce(
                producer,
                topic,
                serde.encode(topic, "equipment_sensors", _one(f"OK-{i}", 1, now - 1000).to_record()),
                eq.encode(),
            )
            valid += 1
    producer.flush(30)

    stats = StreamConsumer(s, frozenset({"validate", "sink"})).run(until_caught_up=True, max_seconds=180)
    assert stats.dlq == 4 * PER_KIND
    assert read_table(s.lake_uri, "sensor_readings").num_rows == valid  # the good ones got through

    dead = drain(s, T.dlq(topic), 4 * PER_KIND, timeout_s=60)
    assert len(dead) == 4 * PER_KIND
    reasons: Counter[str] = Counter()
    for m in dead:
        headers = dict(m.headers())  # type: ignore[attr-defined]
        assert headers["source-topic"].decode() == topic
        assert headers["detail"]
        reasons[headers["reason"].decode()] += 1
    assert reasons == {
        "decode_error": 2 * PER_KIND,
        "out_of_range:temperature": PER_KIND,
        "future_timestamp": PER_KIND,
    }
