"""A sink consumer killed with SIGKILL mid-stream and restarted leaves every event exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mfg.lake import read_table
from mfg.settings import Settings
from mfg.streaming import topics as T
from mfg.streaming.kafka import ensure_topics, make_producer
from mfg.streaming.producer import replay

from .conftest import simulate_fleet

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _env(s: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MFG_")}
    env |= {
        "MFG_KAFKA_BOOTSTRAP": str(s.kafka_bootstrap),
        "MFG_STREAM_TOPIC_PREFIX": s.stream_topic_prefix,
        "MFG_DATA_DIR": str(s.data_dir),
        "MFG_LAKE_URI": s.lake_uri,
        "MFG_SCHEMA_REGISTRY_DIR": str(s.schema_registry_dir),
        "MFG_STREAM_SINK_FLUSH_ROWS": "2000",
        "MFG_STREAM_SINK_FLUSH_S": "0.2",
    }
    return env


def _consumer(s: Settings, stats: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "mfg",
        "stream",
        "consume",
        "--role",
        "validate",
        "--role",
        "sink",
        "--stats-file",
        str(stats),
        *extra,
    ]
    return subprocess.Popen(cmd, env=_env(s), stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _read(stats: Path) -> dict[str, object]:
    try:
        return dict(json.loads(stats.read_text()))
    except (OSError, json.JSONDecodeError):
        return {}


def test_sigkill_mid_stream_then_restart_gives_exactly_once(stream_settings: Settings, tmp_path: Path) -> None:
    s = stream_settings
    tables = simulate_fleet(s, equipment=8, days=4)
    total = tables["sensor_readings"].num_rows
    ensure_topics(s, T.all_topics(s))
    stats = tmp_path / "stats.json"
    first = _consumer(s, stats)
    deadline = time.monotonic() + 60
    while not _read(stats).get("assigned") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _read(stats).get("assigned"), first.stderr.read().decode() if first.poll() is not None else "no assignment"
    replay(s, s.sim_dir, producer=make_producer(s), rate=20_000)
    deadline = time.monotonic() + 120  # a loaded machine may be slow; the check below says so
    while time.monotonic() < deadline:
        written = dict(_read(stats).get("lake_rows") or {}).get("sensor_readings", 0)  # type: ignore[call-overload]
        if written >= total // 3:
            break
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    written_before = read_table(s.lake_uri, "sensor_readings").num_rows
    assert 0 < written_before < total, f"the kill must land mid-stream ({written_before} of {total} written)"

    second = _consumer(s, tmp_path / "stats2.json", "--until-caught-up", "--max-seconds", "120")
    _out, err = second.communicate(timeout=180)
    assert second.returncode == 0, err.decode()[-2000:]
    for table in T.TABLES.values():
        t = read_table(s.lake_uri, table, columns=["equipment_id", "sequence"])
        keys = set(zip(t.column("equipment_id").to_pylist(), t.column("sequence").to_pylist(), strict=True))
        assert t.num_rows == tables[table].num_rows, table
        assert len(keys) == t.num_rows, f"{table}: duplicates"
