"""Stream analytics: tumbling one-minute aggregates per equipment, by event time.

A minute window of a machine closes when a later minute of that machine arrives (readings of one
machine arrive in order on its partition); open windows stay buffered. Closed windows become rows of
the lake table ``sensor_minute_aggregates`` (window start in ``event_time``). Delivery is
at-least-once across crashes: readers treat (equipment_id, event_time) as the key.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import SENSOR_FIELDS, TS
from mfg.streaming.records import SensorBatch, batches_to_table

TABLE = "sensor_minute_aggregates"
WINDOW_MS = 60_000
STATS = ("mean", "min", "max")

SCHEMA = pa.schema(
    [
        pa.field("event_time", TS, nullable=False),
        pa.field("equipment_id", pa.string(), nullable=False),
        pa.field("plant_id", pa.string(), nullable=False),
        pa.field("readings", pa.int64(), nullable=False),
    ]
    + [pa.field(f"{s}_{stat}", pa.float64()) for s in SENSOR_FIELDS for stat in STATS]
)


class MinuteAggregator:
    """Buffers readings per machine and aggregates the windows that have closed."""

    def __init__(self) -> None:
        self._open: dict[str, list[SensorBatch]] = {}
        self.late = 0
        self._closed_until: dict[str, int] = {}

    def add(self, batch: SensorBatch) -> None:
        window = batch.event_time // WINDOW_MS
        limit = self._closed_until.get(batch.equipment_id, -1)
        late = window <= limit
        if late.any():
            self.late += int(late.sum())
            batch = batch.take(~late)
        if len(batch):
            self._open.setdefault(batch.equipment_id, []).append(batch)

    def flush(self, *, final: bool = False) -> pa.Table:
        """Aggregates of every closed window (all windows when ``final``)."""
        closed: list[SensorBatch] = []
        for eq, batches in list(self._open.items()):
            newest = max(int(b.event_time.max()) for b in batches) // WINDOW_MS
            cut = newest + 1 if final else newest
            keep: list[SensorBatch] = []
            for b in batches:
                done = (b.event_time // WINDOW_MS) < cut
                if done.any():
                    closed.append(b.take(done))
                if not done.all():
                    keep.append(b.take(~done))
            self._closed_until[eq] = max(self._closed_until.get(eq, -1), cut - 1)
            if keep:
                self._open[eq] = keep
            else:
                del self._open[eq]
        if not closed:
            return SCHEMA.empty_table()
        rows = batches_to_table(closed)
        start = pa.array((rows.column("event_time").cast(pa.int64()).to_numpy() // WINDOW_MS) * WINDOW_MS)
        rows = rows.set_column(0, "event_time", start.cast(TS))
        aggs = [("sequence", "count")] + [(s, stat) for s in SENSOR_FIELDS for stat in STATS]
        out = rows.group_by(["equipment_id", "plant_id", "event_time"]).aggregate(aggs)
        cols = {f.name: out.column(_agg_name(f.name)) for f in SCHEMA}
        table = pa.table(cols).cast(SCHEMA)
        order = np.lexsort(
            (
                table.column("event_time").cast(pa.int64()).to_numpy(),
                table.column("equipment_id").to_numpy(zero_copy_only=False),
            )
        )
        return table.take(pa.array(order))


def _agg_name(name: str) -> str:
    if name in ("event_time", "equipment_id", "plant_id"):
        return name
    if name == "readings":
        return "sequence_count"
    return name
