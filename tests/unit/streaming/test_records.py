"""Edge batches: chunking a readings table, record round trips, lake rows."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mfg.contracts.avro import decode_body, encode, latest_schema, parse, physical, split
from mfg.contracts.tables import SENSOR_READINGS
from mfg.streaming.records import batch_from_record, batches_to_table, sensor_chunks

from .helpers import batch, readings_table


def test_chunks_are_per_machine_bounded_and_in_send_order() -> None:
    table = readings_table(machines=3, n=25)
    chunks = list(sensor_chunks(table, {"PMP-A-100": "pump"}, max_readings=10))
    assert sum(len(c) for c in chunks) == table.num_rows
    assert all(1 <= len(c) <= 10 for c in chunks)
    assert len(chunks) == 9  # 3 machines x ceil(25 / 10)
    ends = [int(c.event_time[-1]) for c in chunks]
    assert ends == sorted(ends)
    for c in chunks:
        assert np.all(np.diff(c.sequence) == 1)
    assert {c.equipment_type for c in chunks if c.equipment_id == "PMP-A-100"} == {"pump"}
    assert {c.equipment_type for c in chunks if c.equipment_id != "PMP-A-100"} == {"unknown"}


def test_record_round_trip_through_avro_keeps_nan_as_missing() -> None:
    b = batch(n=5)
    b.values[2, 0] = np.nan
    schema = parse(physical(latest_schema("equipment_sensors")))
    _, body = split(encode(1, schema, b.to_record()))
    back = batch_from_record(decode_body(body, schema))
    assert back.equipment_id == b.equipment_id and np.array_equal(back.sequence, b.sequence)
    np.testing.assert_array_equal(back.values, b.values)
    rows = batches_to_table([back])
    assert rows.schema == SENSOR_READINGS
    assert rows.column("temperature").null_count == 1
    assert rows.column("event_time").cast(pa.int64()).to_pylist() == b.event_time.tolist()


def test_ragged_record_is_rejected() -> None:
    rec = batch(n=3).to_record()
    rec["torque"] = rec["torque"][:2]
    try:
        batch_from_record(rec)
    except ValueError as exc:
        assert "torque" in str(exc)
    else:
        raise AssertionError("ragged arrays must raise")
