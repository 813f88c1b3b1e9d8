"""Vectorised Avro codec for equipment-sensors edge batches (the hot path of the stream).

The bytes are exactly what fastavro writes for ``equipment_sensors`` (tests compare them): strings,
then arrays of zig-zag varint longs and of little-endian doubles. numpy turns each array into one
operation instead of one Python step per value. Records written with any other schema version go
through fastavro's schema resolution (:class:`mfg.contracts.serde.AvroSerde`).
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

from mfg.contracts.avro import WireFormatError, latest_schema, physical, split
from mfg.contracts.registry import RegistryError, canonical
from mfg.contracts.serde import AvroSerde
from mfg.contracts.tables import SENSOR_FIELDS
from mfg.streaming.records import SensorBatch, batch_from_record

NAME = "equipment_sensors"
_HEADER = struct.Struct(">bI")
_SHIFTS = (np.arange(10, dtype=np.uint64) * np.uint64(7))[None, :]
_COLS = np.arange(10)[None, :]


def _varint(n: int) -> bytes:
    z = (n << 1) ^ (n >> 63)
    out = bytearray()
    while z > 0x7F:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)
    return bytes(out)


def _varints(a: np.ndarray) -> bytes:
    a = a.astype(np.int64, copy=False)
    z = ((a << 1) ^ (a >> 63)).view(np.uint64)
    lo, hi = int(z.min()), int(z.max())
    width = max(1, (hi.bit_length() + 6) // 7)
    if width == 1 or lo.bit_length() > 7 * (width - 1):  # all the same width (timestamps of one batch): no gather
        groups = (z[:, None] >> _SHIFTS[:, :width]) & np.uint64(0x7F)
        groups[:, :-1] |= np.uint64(0x80)
        return groups.astype(np.uint8).tobytes()
    groups = (z[:, None] >> _SHIFTS) & np.uint64(0x7F)
    nbytes = 1 + ((z[:, None] >> _SHIFTS[:, 1:]) != 0).sum(axis=1)
    cont = (nbytes - 1)[:, None] > _COLS
    out = (groups | (cont.astype(np.uint64) << np.uint64(7))).astype(np.uint8)
    return out[nbytes[:, None] > _COLS].tobytes()


def _string(s: str) -> bytes:
    b = s.encode()
    return _varint(len(b)) + b


def encode_batch(serde: AvroSerde, topic: str, batch: SensorBatch) -> bytes:
    """Confluent-framed Avro bytes of ``batch`` (identical to fastavro's)."""
    schema_id, _ = serde.writer(topic, NAME)
    n = len(batch)
    count = _varint(n) if n else b""
    parts = [
        _HEADER.pack(0, schema_id),
        _string(batch.equipment_id),
        _string(batch.plant_id),
        _string(batch.equipment_type),
    ]
    for longs in (batch.event_time, batch.sequence):
        parts += [count, _varints(longs) if n else b"", b"\x00"]
    values = np.asarray(batch.values, dtype="<f8")  # column-major batches slice without a copy
    for i in range(len(SENSOR_FIELDS)):
        parts += [count, values[:, i].tobytes() if n else b"", b"\x00"]
    return b"".join(parts)


class _Reader:
    def __init__(self, body: bytes) -> None:
        self.buf = body
        self.arr = np.frombuffer(body, dtype=np.uint8)
        self.pos = 0

    def long(self) -> int:
        shift = z = 0
        while True:
            if self.pos >= len(self.buf):
                raise WireFormatError("truncated varint")
            b = self.buf[self.pos]
            self.pos += 1
            z |= (b & 0x7F) << shift
            if b < 0x80:
                return (z >> 1) ^ -(z & 1)
            shift += 7
            if shift > 63:
                raise WireFormatError("varint longer than 10 bytes")

    def string(self) -> str:
        n = self.long()
        if n < 0 or self.pos + n > len(self.buf):
            raise WireFormatError("string runs past the end of the record")
        s = self.buf[self.pos : self.pos + n].decode()
        self.pos += n
        return s

    def _blocks(self, read: Any, dtype: Any) -> np.ndarray:
        chunks = []
        while (count := self.long()) != 0:
            if count < 0:
                count = -count
                self.long()  # block size in bytes
            chunks.append(read(count))
        if not chunks:
            return np.empty(0, dtype)
        return chunks[0] if len(chunks) == 1 else np.concatenate(chunks)

    def longs(self) -> np.ndarray:
        def same_width(n: int) -> np.ndarray | None:
            """All n varints L bytes wide (typical: timestamps of one batch): one reshape."""
            buf, pos = self.buf, self.pos
            width = 1
            while pos + width <= len(buf) and buf[pos + width - 1] >= 0x80:
                width += 1
            if width > 10 or pos + n * width > len(buf):
                return None
            grid = self.arr[pos : pos + n * width].reshape(n, width)
            if grid[:, -1].max() >= 0x80 or (width > 1 and grid[:, :-1].min() < 0x80):
                return None
            g = grid.astype(np.uint64)
            g &= np.uint64(0x7F)
            g <<= _SHIFTS[0, :width]
            z = g.sum(axis=1, dtype=np.uint64)
            self.pos += n * width
            return ((z >> np.uint64(1)) ^ (np.uint64(0) - (z & np.uint64(1)))).view(np.int64)

        def read(n: int) -> np.ndarray:
            fast = same_width(n)
            if fast is not None:
                return fast
            window = self.arr[self.pos : self.pos + 10 * n]
            ends = np.flatnonzero(window < 0x80)
            if len(ends) < n:
                raise WireFormatError("array of longs runs past the end of the record")
            ends = ends[:n]
            starts = np.concatenate(([0], ends[:-1] + 1))
            size = int(ends[-1]) + 1
            owner = np.repeat(np.arange(n), ends - starts + 1)
            pos = np.arange(size) - starts[owner]
            if (pos > 9).any():
                raise WireFormatError("varint longer than 10 bytes")
            contrib = (window[:size].astype(np.uint64) & np.uint64(0x7F)) << (pos.astype(np.uint64) * np.uint64(7))
            z = np.bitwise_or.reduceat(contrib, starts)
            self.pos += size
            return ((z >> np.uint64(1)) ^ (np.uint64(0) - (z & np.uint64(1)))).view(np.int64)

        return self._blocks(read, np.int64)

    def doubles(self) -> np.ndarray:
        def read(n: int) -> np.ndarray:
            if self.pos + 8 * n > len(self.buf):
                raise WireFormatError("array of doubles runs past the end of the record")
            out = np.frombuffer(self.buf, dtype="<f8", count=n, offset=self.pos)
            self.pos += 8 * n
            return out

        return self._blocks(read, np.float64)


class SensorCodec:
    """Decodes equipment-sensors messages to SensorBatch; fast path for the newest schema."""

    def __init__(self, serde: AvroSerde) -> None:
        self.serde = serde
        self._fast: dict[int, bool] = {}
        self._latest = canonical(physical(latest_schema(NAME)))

    def is_latest(self, schema_id: int) -> bool:
        """Whether records of ``schema_id`` are laid out as the newest schema (the fast paths)."""
        if schema_id not in self._fast:
            try:
                writer = self.serde.registry.schema_by_id(schema_id)
            except RegistryError as exc:
                raise WireFormatError(f"unknown schema id {schema_id}: {exc}") from None
            self._fast[schema_id] = canonical(physical(writer)) == self._latest
        return self._fast[schema_id]

    def decode(self, data: bytes | None) -> SensorBatch:
        schema_id, body = split(data)
        if not self.is_latest(schema_id):
            return batch_from_record(self.serde.decode(NAME, data))
        r = _Reader(body)
        try:
            eq, plant, etype = r.string(), r.string(), r.string()
            times, seq = r.longs(), r.longs()
            n = len(times)
            values = values_fast(body, r.pos, n)
            if values is not None:
                r.pos = len(body)
            else:
                cols = [r.doubles() for _ in SENSOR_FIELDS]
        except (UnicodeDecodeError, ValueError, IndexError) as exc:
            raise WireFormatError(f"undecodable Avro body: {exc}") from None
        if r.pos != len(body):
            raise WireFormatError(f"{len(body) - r.pos} trailing bytes after the Avro record")
        if len(seq) != n:
            raise ValueError(f"field sequence has {len(seq)} values, event_time has {n}")
        if values is None:
            for name, col in zip(SENSOR_FIELDS, cols, strict=True):
                if len(col) != n:
                    raise ValueError(f"field {name} has {len(col)} values, event_time has {n}")
            values = np.column_stack(cols) if n else np.empty((0, len(SENSOR_FIELDS)))
        return SensorBatch(eq, plant, etype, times, seq, values)


def values_fast(body: bytes, pos: int, n: int) -> np.ndarray | None:
    """The sensor arrays as one block when each is a single block of n doubles (what encoders write).

    Returns an (n, fields) column-major view, or None to fall back to the general reader.
    """
    if n == 0:
        return None
    count = _varint(n)
    stride = len(count) + 8 * n + 1
    k = len(SENSOR_FIELDS)
    if len(body) - pos != k * stride:
        return None
    for i in range(k):
        at = pos + i * stride
        if body[at : at + len(count)] != count or body[at + stride - 1] != 0:
            return None
    grid = np.frombuffer(body, dtype=np.uint8, count=k * stride, offset=pos).reshape(k, stride)
    return grid[:, len(count) : len(count) + 8 * n].copy().view("<f8").T
