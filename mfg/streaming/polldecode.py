"""Decode all equipment-sensors messages of one poll together (the consumer's hot path).

Per message, Python reads only the header (three strings and the reading count) and checks the
layout every encoder here writes: one block per array. The varints of all messages (event times,
sequences, plus the block counts and terminators between them) are then decoded in one numpy pass
over the poll, column by column of varint bytes. A message that does not fit this layout (several
blocks, an empty batch, an older schema, bad bytes) goes through :meth:`SensorCodec.decode`, which
handles every legal encoding and raises the precise error for the rest.
"""

from __future__ import annotations

import numpy as np

from mfg.contracts.avro import WireFormatError, split
from mfg.contracts.tables import SENSOR_FIELDS
from mfg.streaming.codec import SensorCodec, _Reader, _varint, values_fast
from mfg.streaming.records import SensorBatch
from mfg.streaming.validation import SensorVerdict, validate_sensor_batches

Decoded = SensorBatch | Exception  # the batch, or why it cannot be decoded
#: what decoding a malformed record may raise (the consumer dead-letters these)
DECODE_ERRORS = (WireFormatError, ValueError, KeyError, TypeError)
_Head = tuple[int, str, str, str, int, np.ndarray]  # message index, ids, n, values


def _head(codec: SensorCodec, data: bytes | None) -> tuple[str, str, str, int, np.ndarray, bytes] | None:
    """(ids, n, values, varint region) when the message has the one-block layout, else None."""
    try:
        schema_id, body = split(data)
        if not codec.is_latest(schema_id):
            return None
        r = _Reader(body)
        eq, plant, etype = r.string(), r.string(), r.string()
        n = r.long()
    except (WireFormatError, UnicodeDecodeError, ValueError, IndexError):
        return None
    if n <= 0:
        return None
    stride = len(_varint(n)) + 8 * n + 1
    vstart = len(body) - len(SENSOR_FIELDS) * stride
    if vstart <= r.pos or body[vstart - 1] != 0:
        return None
    values = values_fast(body, vstart, n)
    if values is None:
        return None
    return eq, plant, etype, n, values, body[r.pos : vstart]


def _varints(buf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(zig-zag decoded values, byte length of each) of a buffer of back-to-back varints."""
    ends = np.flatnonzero(buf < 0x80)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts + 1
    z = np.zeros(len(ends), dtype=np.uint64)
    for j in range(min(int(lengths.max()), 10)):
        sel = np.flatnonzero(lengths > j) if j else slice(None)
        z[sel] |= (buf[starts[sel] + j].astype(np.uint64) & np.uint64(0x7F)) << np.uint64(7 * j)
    return ((z >> np.uint64(1)) ^ (np.uint64(0) - (z & np.uint64(1)))).view(np.int64), lengths


def decode_poll(codec: SensorCodec, datas: list[bytes | None]) -> list[Decoded]:
    """One entry per message: its SensorBatch, or the error :meth:`SensorCodec.decode` raised."""
    out: list[Decoded | None] = [None] * len(datas)
    heads: list[_Head] = []
    regions: list[bytes] = []
    for i, data in enumerate(datas):
        h = _head(codec, data)
        if h is None:
            out[i] = _one(codec, data)
        else:
            heads.append((i, *h[:5]))
            regions.append(h[5])
    if heads:
        sizes = np.array([len(r) for r in regions])
        vals, lengths = _varints(np.frombuffer(b"".join(regions), dtype=np.uint8))
        # each region ends with a 0 terminator, so varints never straddle two regions
        k_end = np.searchsorted(np.cumsum(lengths), np.cumsum(sizes), side="right")
        k_start = np.concatenate(([0], k_end[:-1]))
        too_long = np.flatnonzero(lengths > 10)
        for (i, eq, plant, etype, n, values), a, b in zip(heads, k_start.tolist(), k_end.tolist(), strict=True):
            v = vals[a:b]
            ok = b - a == 2 * n + 3 and v[n] == 0 and v[n + 1] == n and v[-1] == 0
            if ok and len(too_long) and ((too_long >= a) & (too_long < b)).any():
                ok = False
            out[i] = SensorBatch(eq, plant, etype, v[:n], v[n + 2 : 2 * n + 2], values) if ok else _one(codec, datas[i])
    assert all(o is not None for o in out)
    return [o for o in out if o is not None]


def _one(codec: SensorCodec, data: bytes | None) -> Decoded:
    try:
        return codec.decode(data)
    except DECODE_ERRORS as exc:
        return exc


def decode_and_validate(
    codec: SensorCodec, datas: list[bytes | None], now_ms: int, max_future_ms: int
) -> list[tuple[Decoded, SensorVerdict | None]]:
    """(batch or decode error, its validation verdict or None) per message of one poll."""
    decoded = decode_poll(codec, datas)
    verdicts = iter(validate_sensor_batches([d for d in decoded if isinstance(d, SensorBatch)], now_ms, max_future_ms))
    return [(d, next(verdicts) if isinstance(d, SensorBatch) else None) for d in decoded]
