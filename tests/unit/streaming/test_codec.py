"""The vectorised sensor codec writes fastavro's bytes exactly and reads them back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mfg.contracts.avro import WireFormatError, decode_body, latest_schema, parse, physical, split
from mfg.contracts.registry import FileSchemaRegistry
from mfg.contracts.serde import AvroSerde
from mfg.streaming.codec import SensorCodec, encode_batch
from mfg.streaming.records import SensorBatch, batch_from_record

from .helpers import batch


@pytest.fixture
def serde(tmp_path: Path) -> AvroSerde:
    return AvroSerde(FileSchemaRegistry(tmp_path))


def _awkward(n: int, seed: int) -> SensorBatch:
    rng = np.random.default_rng(seed)
    b = batch(eq="PMP-é-1", n=n, seed=seed)
    b.event_time = rng.integers(-(2**62), 2**62, n)
    b.sequence = rng.integers(-(2**20), 2**40, n)
    if n:
        b.sequence[0] = 2**63 - 1
        b.values[0, 0] = np.nan
        b.values[-1, 3] = -np.inf
    return b


@pytest.mark.parametrize("n", [0, 1, 7, 250])
def test_bytes_equal_fastavro(serde: AvroSerde, n: int) -> None:
    b = _awkward(n, n)
    fast = encode_batch(serde, "equipment-sensors", b)
    slow = serde.encode("equipment-sensors", "equipment_sensors", b.to_record())
    assert fast == slow


@pytest.mark.parametrize("n", [0, 1, 7, 250])
def test_decode_matches_fastavro(serde: AvroSerde, n: int) -> None:
    b = _awkward(n, n + 100)
    data = encode_batch(serde, "equipment-sensors", b)
    got = SensorCodec(serde).decode(data)
    _, body = split(data)
    ref = batch_from_record(decode_body(body, parse(physical(latest_schema("equipment_sensors")))))
    assert (got.equipment_id, got.plant_id, got.equipment_type) == (ref.equipment_id, ref.plant_id, ref.equipment_type)
    np.testing.assert_array_equal(got.event_time, ref.event_time)
    np.testing.assert_array_equal(got.sequence, ref.sequence)
    np.testing.assert_array_equal(got.values, ref.values)


def test_truncated_and_padded_bodies_are_wire_errors(serde: AvroSerde) -> None:
    data = encode_batch(serde, "equipment-sensors", batch(n=20))
    codec = SensorCodec(serde)
    for cut in (6, 40, len(data) - 9, len(data) - 1):
        with pytest.raises(WireFormatError):
            codec.decode(data[:cut])
    with pytest.raises(WireFormatError, match="trailing"):
        codec.decode(data + b"\x00")


@pytest.mark.parametrize("n", [1, 50, 250])
def test_regular_batches_take_the_fixed_width_path_correctly(serde: AvroSerde, n: int) -> None:
    b = batch(n=n, start_seq=70)  # timestamps all 6 bytes wide, sequences 1 or 2 bytes
    got = SensorCodec(serde).decode(encode_batch(serde, "equipment-sensors", b))
    np.testing.assert_array_equal(got.event_time, b.event_time)
    np.testing.assert_array_equal(got.sequence, b.sequence)
    np.testing.assert_array_equal(got.values, b.values)


@pytest.mark.parametrize("width", range(1, 11))
def test_same_width_longs_equal_fastavro(serde: AvroSerde, width: int) -> None:
    """Every varint width (zig-zag value 0 .. 2**64-1), signs mixed, one width per batch."""
    lo, hi = (0 if width == 1 else 1 << 7 * (width - 1)), min((1 << 7 * width) - 1, 2**64 - 1)
    rng = np.random.default_rng(width)
    z = np.concatenate(([lo, hi], rng.integers(lo, hi, 30, dtype=np.uint64, endpoint=True))).astype(np.uint64)
    longs = ((z >> np.uint64(1)) ^ (np.uint64(0) - (z & np.uint64(1)))).view(np.int64)
    b = batch(n=len(longs))
    b.event_time, b.sequence = longs, longs[::-1].copy()
    fast = encode_batch(serde, "equipment-sensors", b)
    assert fast == serde.encode("equipment-sensors", "equipment_sensors", b.to_record())
    np.testing.assert_array_equal(SensorCodec(serde).decode(fast).event_time, longs)


def test_column_major_values_encode_the_same(serde: AvroSerde) -> None:
    b = batch(n=40)
    f = batch(n=40)
    f.values = np.asfortranarray(b.values)
    assert encode_batch(serde, "t", f) == encode_batch(serde, "t", b)
