"""Per-minute aggregates: closed windows only, correct statistics, late readings counted."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mfg.streaming.analytics import SCHEMA, MinuteAggregator

from .helpers import T0, batch


def test_closed_windows_are_aggregated_open_ones_wait() -> None:
    agg = MinuteAggregator()
    b = batch(n=12, step_ms=10_000)  # two minutes of 10-second readings
    agg.add(b)
    first = agg.flush()
    assert first.schema == SCHEMA and first.num_rows == 1  # minute 2 is still open
    row = first.to_pylist()[0]
    assert row["readings"] == 6
    assert np.isclose(row["temperature_mean"], b.values[:6, 0].mean())
    assert row["vibration_rms_max"] == b.values[:6, 1].max()
    assert first.column("event_time").cast(pa.int64()).to_pylist() == [T0]
    rest = agg.flush(final=True)
    assert rest.num_rows == 1 and rest.to_pylist()[0]["readings"] == 6
    agg.add(batch(n=1, t0=T0 + 5_000))  # belongs to a closed window
    assert agg.late == 1 and agg.flush(final=True).num_rows == 0
