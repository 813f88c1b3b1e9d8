"""The lake sink: dedup by (equipment_id, sequence), offsets, orphan files, topic incarnations."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mfg.lake import list_files, read_table
from mfg.streaming.sink import LakeSink

from .helpers import batch


def _sink(root: Path) -> LakeSink:
    return LakeSink(root, flush_rows=1_000_000, flush_s=3600)


def test_flush_writes_hour_partitions_and_returns_commit_offsets(tmp_path: Path) -> None:
    sink = _sink(tmp_path)
    assert sink.load("sensor_readings", 0, "topicA") is None
    sink.add_sensor(0, 10, batch(n=90))  # 90 minutes: two hours
    sink.skip("sensor_readings", 0, 11)  # e.g. a dead-lettered record
    assert sink.flush() == {("sensor_readings", 0): 12}
    files = list_files(tmp_path, "sensor_readings")
    assert len(files) == 2 and all(f.name.startswith("p0-000000000010-000000000011-") for f in files)
    assert {f.parent.name for f in files} == {"hour=00", "hour=01"}
    assert read_table(tmp_path, "sensor_readings").num_rows == 90


def test_replayed_and_overlapping_sequences_are_dropped(tmp_path: Path) -> None:
    sink = _sink(tmp_path)
    sink.load("sensor_readings", 0, "t")
    sink.add_sensor(0, 0, batch(n=10))
    sink.add_sensor(0, 1, batch(n=10, start_seq=5))  # 5..14: 5 new
    sink.add_sensor(0, 2, batch(n=10))  # full replay
    sink.add_row(
        "equipment_status",
        1,
        0,
        {"event_time": 0, "equipment_id": "E", "plant_id": "P", "sequence": 3, "status": "idle"},
    )
    sink.add_row(
        "equipment_status",
        1,
        1,
        {"event_time": 0, "equipment_id": "E", "plant_id": "P", "sequence": 3, "status": "idle"},
    )
    sink.flush()
    t = read_table(tmp_path, "sensor_readings")
    assert t.num_rows == 15 and sorted(t.column("sequence").to_pylist()) == list(range(15))
    assert sink.duplicates == 16
    assert read_table(tmp_path, "equipment_status").num_rows == 1


def test_restart_resumes_after_durable_offset_and_deletes_orphans(tmp_path: Path) -> None:
    sink = _sink(tmp_path)
    sink.load("sensor_readings", 2, "t")
    sink.add_sensor(2, 0, batch(n=10))
    sink.flush()
    state = tmp_path / "_stream_state" / "sensor_readings" / "p2.json"
    durable = state.read_text()
    # a crashed writer left a file past the durable offset (written, state not yet replaced)
    ghost = _sink(tmp_path)
    ghost.load("sensor_readings", 2, "t")
    ghost.add_sensor(2, 1, batch(n=10, start_seq=10))
    ghost.flush()
    state.write_text(durable)
    restarted = _sink(tmp_path)
    assert restarted.load("sensor_readings", 2, "t") == 1  # seek here, not to the group's commit
    assert read_table(tmp_path, "sensor_readings").num_rows == 10  # the orphan is gone
    restarted.add_sensor(2, 0, batch(n=10))  # re-delivered below the durable offset: ignored
    restarted.add_sensor(2, 1, batch(n=10, start_seq=10))
    restarted.flush()
    t = read_table(tmp_path, "sensor_readings")
    assert sorted(t.column("sequence").to_pylist()) == list(range(20))


def test_recreated_topic_restarts_offsets_but_keeps_dedup(tmp_path: Path) -> None:
    sink = _sink(tmp_path)
    sink.load("sensor_readings", 0, "old")
    sink.add_sensor(0, 5, batch(n=10))
    sink.flush()
    again = _sink(tmp_path)
    assert again.load("sensor_readings", 0, "new") is None  # offsets of the old topic mean nothing
    again.add_sensor(0, 0, batch(n=12))  # same machine, same sequences plus two new
    again.flush()
    t = read_table(tmp_path, "sensor_readings")
    assert sorted(t.column("sequence").to_pylist()) == list(range(12))
    assert len(list_files(tmp_path, "sensor_readings")) == 2  # the old file survived, names differ


def test_background_flush_keeps_buffering_and_saves_the_marks_it_wrote(tmp_path: Path) -> None:
    sink = _sink(tmp_path)
    sink.load("sensor_readings", 0, "topicA")
    sink.add_sensor(0, 1, batch(n=30))
    gate = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        pool.submit(gate.wait)  # hold the writer until the next batch is buffered
        job = sink.start_flush(pool)
        sink.add_sensor(0, 2, batch(n=20, start_seq=30, t0=batch(n=31).event_time[-1]))
        sink.add_sensor(0, 3, batch(n=30))  # a replay of offset 1's readings: duplicates
        gate.set()
        assert sink.finish(job) == {("sensor_readings", 0): 2}
    state = json.loads((tmp_path / "_stream_state/sensor_readings/p0.json").read_text())
    assert state["last_offset"] == 1 and state["hwm"] == {"CNC-A-101": 29}  # not offset 2's marks
    assert read_table(tmp_path, "sensor_readings").num_rows == 30 and sink.duplicates == 30
    assert sink.flush() == {("sensor_readings", 0): 4}
    assert read_table(tmp_path, "sensor_readings").num_rows == 50
    assert sink.rows_written == {"sensor_readings": 50}
