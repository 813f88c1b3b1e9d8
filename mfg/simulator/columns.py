"""Fast construction of arrow columns from numpy (repeated strings, timestamps, nullable floats)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import TS


def tiled_strings(values: Sequence[str], reps: int) -> pa.StringArray:
    """``values`` repeated ``reps`` times in order (v0, v1, …, v0, v1, …) built from raw buffers."""
    enc = [v.encode() for v in values]
    lens = np.fromiter((len(b) for b in enc), dtype=np.int64, count=len(enc))
    if int(lens.sum()) * reps >= 2**31:
        raise OverflowError(f"{len(values)} strings × {reps} exceed one arrow string array")
    data = np.tile(np.frombuffer(b"".join(enc), dtype=np.uint8), reps)
    offsets = np.zeros(len(enc) * reps + 1, dtype=np.int32)
    np.cumsum(np.tile(lens, reps), out=offsets[1:])
    return pa.StringArray.from_buffers(len(enc) * reps, pa.py_buffer(offsets), pa.py_buffer(data))


def timestamps(ms: np.ndarray) -> pa.Array:
    """Epoch milliseconds (int64) as a UTC millisecond timestamp array."""
    return pa.array(np.ascontiguousarray(ms, dtype=np.int64), pa.int64()).view(TS)


def floats(values: np.ndarray) -> pa.Array:
    """float64 array; NaN becomes null."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    mask = np.isnan(values)
    return pa.array(values, pa.float64(), mask=mask if mask.any() else None)


def strings(values: Sequence[str | None]) -> pa.Array:
    return pa.array(values, pa.string())
