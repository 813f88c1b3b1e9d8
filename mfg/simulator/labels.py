"""Predictive-maintenance labels per machine-hour, derived from the failure events.

``failure_within_7_days`` is 1 when the machine's next failure starts in ``[hour, hour + 7 days)``
(``hour`` = start of the hour). ``censored`` is true when the label is 0 but the 7-day horizon runs
past the end of the data, so a failure just after the end cannot be ruled out.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import FAILURE_MODES, PDM_LABELS
from mfg.simulator.columns import strings, tiled_strings, timestamps
from mfg.simulator.physics import History

HORIZON_MS = 7 * 86_400_000


def pdm_labels(hist: History, ids: list[str], start_ms: int, interval_ms: int, hours: int) -> pa.Table:
    """Rows grouped by machine, hour ascending."""
    e = len(ids)
    hour_ms = start_ms + np.arange(hours, dtype=np.int64) * 3_600_000
    end_ms = start_ms + hours * 3_600_000
    label = np.zeros((e, hours), np.int8)
    next_ms = np.zeros((e, hours), np.int64)
    has_next = np.zeros((e, hours), bool)
    next_mode = np.full((e, hours), -1, np.int64)
    by_machine: dict[int, list[tuple[int, int]]] = {}
    for m, f, mode, _ in hist.failures:
        by_machine.setdefault(m, []).append((start_ms + f * interval_ms, mode))
    for m, events in by_machine.items():
        events.sort()
        fail_ms = np.array([t for t, _ in events], dtype=np.int64)
        modes = np.array([k for _, k in events], dtype=np.int64)
        idx = np.searchsorted(fail_ms, hour_ms, side="left")
        ok = idx < fail_ms.shape[0]
        has_next[m] = ok
        next_ms[m, ok] = fail_ms[idx[ok]]
        next_mode[m, ok] = modes[idx[ok]]
        label[m] = (ok & (next_ms[m] - hour_ms < HORIZON_MS)).astype(np.int8)
    censored = (label == 0) & (hour_ms + HORIZON_MS > end_ms)[None, :]
    flat_next = next_ms.ravel()
    mode_names = [FAILURE_MODES[k] if k >= 0 else None for k in next_mode.ravel().tolist()]
    return pa.table(
        [
            _repeat_each(ids, hours),
            timestamps(np.tile(hour_ms, e)),
            pa.array(label.ravel(), pa.int8()),
            pa.array(flat_next, pa.int64(), mask=~has_next.ravel()).view(PDM_LABELS.field("next_failure_time").type),
            strings(mode_names),
            pa.array(censored.ravel(), pa.bool_()),
        ],
        schema=PDM_LABELS,
    )


def _repeat_each(ids: list[str], reps: int) -> pa.Array:
    """Each id repeated ``reps`` times (v0, v0, …, v1, v1, …)."""
    return pa.concat_arrays([tiled_strings([v], reps) for v in ids])
