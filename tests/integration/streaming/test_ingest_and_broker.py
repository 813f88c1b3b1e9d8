"""HTTP-ingest function against the real broker, and the ``mfg broker`` commands."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mfg.lake import read_table
from mfg.settings import Settings
from mfg.streaming import topics as T
from mfg.streaming.broker import free_port, port_open
from mfg.streaming.consumer import StreamConsumer
from mfg.streaming.ingest import ingest_readings
from mfg.streaming.kafka import ensure_topics, make_producer

pytestmark = pytest.mark.integration


def _reading(i: int, **over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "equipment_id": f"PMP-A-{i % 3}", "plant_id": "PLANT-A", "equipment_type": "pump",
        "event_time": int(time.time() * 1000) - 60_000 + i, "sequence": i, "temperature": 61.0,
        "vibration_rms": 2.5, "pressure": 6.1, "rotational_speed": 1450.0, "torque": 35.0, "power": 12.0,
        "tool_wear": None,
    }  # fmt: skip
    return base | over


def test_ingest_accepts_valid_rejects_bad_and_lands_in_the_lake(stream_settings: Settings) -> None:
    s = stream_settings
    ensure_topics(s, T.all_topics(s))
    readings: list[dict[str, object]] = [_reading(i) for i in range(30)]
    readings += [
        _reading(100, temperature=900.0),
        _reading(101, event_time="2999-01-01T00:00:00Z"),
        _reading(102, plant_id=""),
        _reading(103, event_time="yesterday"),
        {"equipment_id": "X"},
    ]
    result = ingest_readings(s, make_producer(s), readings)
    assert (result.accepted, result.rejected) == (30, 5)
    text = "\n".join(result.reasons)
    for expected in (
        "reading 30: out_of_range:temperature",
        "reading 31: future_timestamp",
        "reading 32: missing_field:plant_id",
        "reading 33: invalid_value",
        "reading 34: missing_field:plant_id",
    ):
        assert expected in text
    StreamConsumer(s, frozenset({"validate", "sink"})).run(until_caught_up=True, max_seconds=60)
    lake = read_table(s.lake_uri, "sensor_readings")
    assert lake.num_rows == 30
    assert lake.column("tool_wear").null_count == 30


def _mfg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mfg", "broker", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_broker_start_status_stop(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MFG_")}
    env |= {"MFG_DATA_DIR": str(tmp_path), "MFG_BROKER_PORT": str(port)}
    try:
        started = _mfg(env, "start")
        assert started.returncode == 0, started.stderr
        assert f"127.0.0.1:{port}" in started.stdout and port_open("127.0.0.1", port)
        assert (tmp_path / "broker" / "tansu.json").is_file()
        assert "running" in _mfg(env, "status").stdout
        assert "running" in _mfg(env, "start").stdout  # idempotent
    finally:
        stopped = _mfg(env, "stop")
    assert "stopped" in stopped.stdout and not port_open("127.0.0.1", port)
    st = _mfg(env, "status")
    assert st.returncode == 3 and "not running" in st.stdout
    external = _mfg(env | {"MFG_KAFKA_BOOTSTRAP": "kafka.example:9092"}, "start")
    assert "nothing started" in external.stdout and not (tmp_path / "broker" / "tansu.json").exists()
