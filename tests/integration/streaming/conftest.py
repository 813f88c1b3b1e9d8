"""A real Kafka-protocol broker (Tansu) for the whole test session, and per-test isolated settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from mfg.settings import Settings
from mfg.streaming.broker import embedded_broker
from mfg.streaming.kafka import bootstrap


@pytest.fixture(scope="session")
def kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bootstrap address of a broker started once for the session on a free port."""
    base = Settings(data_dir=tmp_path_factory.mktemp("broker"))
    with embedded_broker(base) as s:
        yield bootstrap(s)


@pytest.fixture
def stream_settings(settings: Settings, kafka: str) -> Settings:
    """Settings on the session broker, with topics and groups of their own (unique prefix)."""
    return settings.model_copy(
        update={
            "kafka_bootstrap": kafka,
            "stream_topic_prefix": f"t{uuid.uuid4().hex[:8]}.",
            "stream_sink_flush_s": 0.5,
        }
    )


def simulate_fleet(settings: Settings, *, equipment: int, days: int, seed: int = 7) -> dict[str, pa.Table]:
    """Simulate a small fleet into ``settings.sim_dir``; returns its tables."""
    from mfg.simulator import SimConfig, simulate, write_simulation

    result = simulate(SimConfig(equipment=equipment, days=days, seed=seed, interval_s=60, images=0))
    write_simulation(result, Path(settings.sim_dir), progress=False)
    return result.tables


def drain(settings: Settings, topic: str, expected: int, *, timeout_s: float = 60.0) -> list[object]:
    """Read ``expected`` messages of ``topic`` from the beginning (fewer if the timeout passes)."""
    import time

    from mfg.streaming.kafka import make_consumer

    consumer = make_consumer(settings, f"drain-{uuid.uuid4().hex[:8]}")
    consumer.subscribe([topic])
    out: list[object] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(out) < expected and time.monotonic() < deadline:
            out += [m for m in consumer.consume(5000, 0.5) if not m.error()]
    finally:
        consumer.close()
    return out
