"""Whole-poll decoding and validation give exactly what the one-message paths give."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from mfg.contracts.registry import FileSchemaRegistry
from mfg.contracts.serde import AvroSerde
from mfg.streaming.codec import SensorCodec, encode_batch
from mfg.streaming.polldecode import decode_poll
from mfg.streaming.records import SensorBatch
from mfg.streaming.validation import validate_sensor_batch, validate_sensor_batches

from .helpers import T0, batch

TOPIC = "equipment-sensors"


@pytest.fixture
def serde(tmp_path: Path) -> AvroSerde:
    return AvroSerde(FileSchemaRegistry(tmp_path))


def _mixed(serde: AvroSerde) -> list[bytes | None]:
    rng = np.random.default_rng(3)
    good = [encode_batch(serde, TOPIC, batch(f"M-{i}", int(rng.integers(1, 300)), start_seq=i * 50)) for i in range(6)]
    wide = batch("W", 40)
    wide.event_time = rng.integers(-(2**62), 2**62, 40)
    wide.sequence = rng.integers(-(2**20), 2**40, 40)
    wide.sequence[0] = 2**63 - 1
    data = good[0]
    two = encode_batch(serde, TOPIC, batch("B", 2))
    return [
        good[0],
        encode_batch(serde, TOPIC, batch("E", 0)),  # empty batch
        good[1],
        encode_batch(serde, TOPIC, wide),  # every varint width, negatives
        data[:-9],  # truncated
        data + b"\x00",  # trailing byte
        None,
        b"\x01" + data[1:],  # bad magic
        struct.pack(">bI", 0, 999) + data[5:],  # unknown schema id
        two[:-1] + b"\x05",  # bad terminator
        good[2],
        bytes(range(256)) * 3,
        *good[3:],
    ]


def test_decode_poll_matches_decode(serde: AvroSerde) -> None:
    codec = SensorCodec(serde)
    datas = _mixed(serde)
    got = decode_poll(codec, datas)
    assert len(got) == len(datas)
    for data, g in zip(datas, got, strict=True):
        try:
            ref: SensorBatch | Exception = codec.decode(data)
        except (ValueError, KeyError, TypeError) as exc:  # WireFormatError is a ValueError
            ref = exc
        assert type(g) is type(ref)
        if isinstance(ref, Exception):
            assert str(g) == str(ref)
            continue
        assert isinstance(g, SensorBatch)
        assert (g.equipment_id, g.plant_id, g.equipment_type) == (ref.equipment_id, ref.plant_id, ref.equipment_type)
        np.testing.assert_array_equal(g.event_time, ref.event_time)
        np.testing.assert_array_equal(g.sequence, ref.sequence)
        np.testing.assert_array_equal(g.values, ref.values)
    assert sum(isinstance(g, SensorBatch) for g in got) == 8


def test_regular_messages_take_the_poll_path(serde: AvroSerde, monkeypatch: pytest.MonkeyPatch) -> None:
    codec = SensorCodec(serde)
    one_by_one: list[bytes | None] = []
    real = codec.decode

    def counting(data: bytes | None) -> SensorBatch:
        one_by_one.append(data)
        return real(data)

    monkeypatch.setattr(codec, "decode", counting)
    datas = _mixed(serde)
    decode_poll(codec, datas)
    assert len(one_by_one) == 8  # the empty batch and the seven broken messages


def test_validate_sensor_batches_matches_one_by_one() -> None:
    now = T0 + 3_600_000
    bad_range = batch("R", 30, seed=1)
    bad_range.values[[3, 7], 0] = 999.0
    future = batch("F", 20, t0=now + 10 * 60_000)
    missing = batch("N", 10)
    missing.values[2, 1] = np.nan
    inf = batch("I", 10)
    inf.values[9, 4] = np.inf
    no_plant = batch("P", 5)
    no_plant.plant_id = ""
    batches = [batch("A", 12), bad_range, batch("E", 0), future, missing, inf, no_plant, batch("Z", 1)]
    got = validate_sensor_batches(batches, now, 300_000)
    for b, g in zip(batches, got, strict=True):
        ref = validate_sensor_batch(b, now, 300_000)
        assert (g.valid is None) == (ref.valid is None)
        assert g.counts == ref.counts
        assert (g.rejection is None) == (ref.rejection is None)
        if ref.rejection is not None:
            assert g.rejection is not None and g.rejection.reasons == ref.rejection.reasons
        if ref.valid is not None:
            assert g.valid is not None
            np.testing.assert_array_equal(g.valid.sequence, ref.valid.sequence)
    assert [g.rejection is None for g in got] == [True, False, False, False, True, False, False, True]
    assert validate_sensor_batches([], now, 0) == []
