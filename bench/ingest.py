"""Streaming ingest benchmark: raw produce ceiling, produce -> validate -> lake, event -> alert latency.

One process tree: this process starts the embedded broker and a consumer subprocess
(``mfg stream consume``), and prints ONE JSON line. Phases, each on its own topics:

1. raw: the readings replayed as edge batches as fast as the client takes them, nothing consuming;
2. end to end: the same replay while a ``validate`` + ``sink`` consumer writes the lake; the clock
   starts where phase 1's does (source read, batching begins) and stops when the lake holds every
   reading (counted in rows of ``sensor_readings``);
3. latency: live readings (event time = now) from an edge batcher with injected temperature spikes;
   an ``alerts`` consumer raises alerts; latency = alert received here - event time of the reading.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from mfg.contracts.registry import registry_from_settings
from mfg.contracts.serde import AvroSerde
from mfg.contracts.tables import SENSOR_FIELDS, SENSOR_READINGS
from mfg.lake import write_partitioned, write_table
from mfg.settings import Settings
from mfg.streaming import topics as T
from mfg.streaming.broker import embedded_broker
from mfg.streaming.codec import encode_batch
from mfg.streaming.kafka import bootstrap, ensure_topics, make_consumer, make_producer
from mfg.streaming.producer import EdgeBatcher, produce, replay

NOMINAL = np.array([60.0, 3.0, 6.0, 1500.0, 40.0, 9.0, 2000.0])


def fleet_readings(machines: int, per_machine: int, seed: int = 1) -> pa.Table:
    """One reading per second per machine, ending now, with 1 % noise."""
    rng = np.random.default_rng(seed)
    n = machines * per_machine
    end = int(time.time() * 1000) - 1000
    t = end - 1000 * np.tile(np.arange(per_machine - 1, -1, -1, dtype=np.int64), machines)
    ids = np.repeat(np.array([f"CNC-{i:04d}" for i in range(machines)], dtype=object), per_machine)
    cols: dict[str, Any] = {
        "event_time": pa.array(t).cast(SENSOR_READINGS.field("event_time").type),
        "equipment_id": pa.array(ids, pa.string()),
        "plant_id": pa.array(np.full(n, "PLANT-A", dtype=object), pa.string()),
        "sequence": pa.array(np.tile(np.arange(per_machine, dtype=np.int64), machines)),
    }
    noise = 1 + 0.01 * rng.standard_normal((n, len(SENSOR_FIELDS)))
    for j, f in enumerate(SENSOR_FIELDS):
        cols[f] = pa.array(NOMINAL[j] * noise[:, j])
    return pa.table(cols, schema=SENSOR_READINGS)


def consumer_proc(s: Settings, roles: list[str], stats: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MFG_")}
    env |= {
        "MFG_KAFKA_BOOTSTRAP": bootstrap(s),
        "MFG_STREAM_TOPIC_PREFIX": s.stream_topic_prefix,
        "MFG_DATA_DIR": str(s.data_dir),
        "MFG_LAKE_URI": s.lake_uri,
        "MFG_SCHEMA_REGISTRY_DIR": str(s.schema_registry_dir),
        "MFG_STREAM_SINK_FLUSH_S": str(s.stream_sink_flush_s),
        "MFG_STREAM_SINK_FLUSH_ROWS": str(s.stream_sink_flush_rows),
    }
    cmd = [sys.executable, "-m", "mfg", "stream", "consume", "--stats-file", str(stats)]
    for r in roles:
        cmd += ["--role", r]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_stats(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, json.JSONDecodeError):
        return {}


def wait_for(cond: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: timed out waiting for {what}")
        time.sleep(0.01)


def phase_end_to_end(s: Settings, source: Path, total: int, roles: list[str]) -> float:
    stats = s.data_dir / "e2e-stats.json"
    proc = consumer_proc(s, roles, stats)
    try:
        wait_for(lambda: read_stats(stats).get("assigned"), 60, "the consumer to join")
        sent = replay(s, source, producer=make_producer(s))
        wait_for(lambda: read_stats(stats).get("lake_rows", {}).get("sensor_readings", 0) >= total, 300, "the lake")
        # the same clock start as raw_produce_per_s: after the source parquet is read, before batching
        return total / (time.perf_counter() - sent.started)
    finally:
        proc.terminate()
        proc.wait(30)


def phase_latency(s: Settings, machines: int, seconds: float) -> list[float]:
    stats = s.data_dir / "lat-stats.json"
    proc = consumer_proc(s, ["alerts"], stats)
    serde = AvroSerde(registry_from_settings(s))
    listener = make_consumer(s, f"{s.stream_topic_prefix}bench-listener", **{"fetch.wait.max.ms": 10})
    listener.subscribe([T.topic(s, T.ALERTS)])
    try:
        wait_for(lambda: read_stats(stats).get("assigned"), 60, "the alerts consumer to join")
        rng = np.random.default_rng(5)
        batcher = EdgeBatcher(s.stream_sensor_batch_max, s.stream_sensor_batch_wait_ms / 1000)
        producer = make_producer(s)
        topic = T.topic(s, T.SENSORS)
        spike_at = rng.uniform(seconds * 0.4, seconds * 0.9, machines)
        spiked = np.zeros(machines, dtype=bool)
        seq = 0
        latencies: list[float] = []
        start = time.monotonic()
        while time.monotonic() - start < seconds + 3:
            elapsed = time.monotonic() - start
            if elapsed < seconds:
                now_ms = int(time.time() * 1000)
                for m in range(machines):
                    values = NOMINAL * (1 + 0.01 * rng.standard_normal(len(NOMINAL)))
                    if not spiked[m] and elapsed >= spike_at[m]:
                        values[0] += 15.0  # +15 degC: a z-score of ~25, below the fixed threshold
                        spiked[m] = True
                    batcher.add(f"CNC-{m:04d}", "PLANT-A", "cnc_mill", now_ms, seq, values.tolist())
                seq += 1
            for b in batcher.due(flush_all=elapsed >= seconds):
                produce(producer, topic, encode_batch(serde, topic, b), b.equipment_id.encode())
            for msg in listener.consume(1000, 0.05):
                if not msg.error():
                    alert = serde.decode("equipment_alerts", msg.value())
                    latencies.append(time.time() - alert["event_time"] / 1000)
        return latencies
    finally:
        listener.close()
        proc.terminate()
        proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machines", type=int, default=200)
    parser.add_argument("--readings-per-machine", type=int, default=10_000)
    parser.add_argument("--latency-seconds", type=float, default=10.0)
    parser.add_argument("--e2e-roles", default="validate,sink")
    parser.add_argument("--batch", type=int, default=Settings().stream_sensor_batch_max, help="Readings per record.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mfg-bench-") as tmp:
        root = Path(tmp)
        base = Settings(
            data_dir=root, lake_uri=str(root / "lake"), sim_dir=root / "sim", schema_registry_dir=root / "schemas",
            stream_sink_flush_s=1.0, stream_sensor_batch_max=args.batch,
        )  # fmt: skip
        table = fleet_readings(args.machines, args.readings_per_machine)
        source = root / "source"
        write_partitioned(table, source, "sensor_readings")
        equipment = pa.table({"equipment_id": sorted(set(table.column("equipment_id").to_pylist()))})
        write_table(
            equipment.append_column("equipment_type", pa.array(["cnc_mill"] * equipment.num_rows)), source, "equipment"
        )
        total = table.num_rows
        with embedded_broker(base) as s:
            raw_s = s.model_copy(update={"stream_topic_prefix": "raw."})
            ensure_topics(raw_s, T.all_topics(raw_s))
            raw = replay(raw_s, source, producer=make_producer(raw_s))
            raw_per_s = raw.readings / raw.seconds
            e2e_s = s.model_copy(update={"stream_topic_prefix": "e2e.", "lake_uri": str(root / "lake-e2e")})
            ensure_topics(e2e_s, T.all_topics(e2e_s))
            e2e_per_s = phase_end_to_end(e2e_s, source, total, args.e2e_roles.split(","))
            lat_s = s.model_copy(update={"stream_topic_prefix": "lat."})
            ensure_topics(lat_s, T.all_topics(lat_s))
            lat = phase_latency(lat_s, args.machines, args.latency_seconds)
    result = {
        "raw_produce_per_s": round(raw_per_s),
        "end_to_end_per_s": round(e2e_per_s),
        "end_to_end_ratio": round(e2e_per_s / raw_per_s, 3),
        "alert_latency_p50_s": round(float(np.percentile(lat, 50)), 4) if lat else None,
        "alert_latency_p99_s": round(float(np.percentile(lat, 99)), 4) if lat else None,
        "alerts": len(lat),
        "readings": total,
        "readings_per_record": base.stream_sensor_batch_max,
        "e2e_roles": args.e2e_roles,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
