"""Event tables derived from the machine histories: status changes, maintenance, failures."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import EQUIPMENT_STATUS, FAILURES, MAINTENANCE_EVENTS, STATUSES
from mfg.simulator.columns import strings, timestamps
from mfg.simulator.failure_modes import MODES
from mfg.simulator.physics import ERROR, History


def _per_machine_sequence(machine: np.ndarray) -> np.ndarray:
    """0, 1, 2, … within each machine, for rows already grouped by machine in time order."""
    n = machine.shape[0]
    if n == 0:
        return np.zeros(0, np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(machine)) + 1]
    counts = np.diff(np.r_[starts, n])
    return np.arange(n, dtype=np.int64) - np.repeat(starts, counts)


def status_table(hist: History, ids: list[str], plants: list[str], start_ms: int, interval_ms: int) -> pa.Table:
    """One row per status change (and the initial status) of each machine, in time order."""
    state = hist.state
    change = np.zeros(state.shape, dtype=bool)
    change[:, 0] = True
    change[:, 1:] = state[:, 1:] != state[:, :-1]
    machine, step = np.nonzero(change)
    seq = _per_machine_sequence(machine)
    codes = state[machine, step]
    fail_code = {(e, f): MODES[m].error_code for e, f, m, _ in hist.failures}
    order = np.lexsort((machine, step))
    machine, step, seq, codes = machine[order], step[order], seq[order], codes[order]
    error_codes = [
        fail_code.get((e, s), "E-UNKNOWN") if c == ERROR else None
        for e, s, c in zip(machine.tolist(), step.tolist(), codes.tolist(), strict=True)
    ]
    return pa.table(
        [
            timestamps(start_ms + step.astype(np.int64) * interval_ms),
            strings([ids[e] for e in machine.tolist()]),
            strings([plants[e] for e in machine.tolist()]),
            pa.array(seq, pa.int64()),
            strings([STATUSES[c] for c in codes.tolist()]),
            strings(error_codes),
        ],
        schema=EQUIPMENT_STATUS,
    )


def maintenance_table(hist: History, ids: list[str], plants: list[str], start_ms: int, interval_ms: int) -> pa.Table:
    rows = sorted(hist.maintenance, key=lambda r: (r[1], r[0]))
    return pa.table(
        [
            timestamps(np.array([start_ms + r[1] * interval_ms for r in rows], dtype=np.int64)),
            timestamps(np.array([start_ms + r[2] * interval_ms for r in rows], dtype=np.int64)),
            strings([ids[r[0]] for r in rows]),
            strings([plants[r[0]] for r in rows]),
            strings([r[3] for r in rows]),
            strings([MODES[r[4]].name if r[4] >= 0 else None for r in rows]),
        ],
        schema=MAINTENANCE_EVENTS,
    )


def failures_table(hist: History, ids: list[str], plants: list[str], start_ms: int, interval_ms: int) -> pa.Table:
    rows = sorted(hist.failures, key=lambda r: (ids[r[0]], r[1]))
    return pa.table(
        [
            strings([ids[r[0]] for r in rows]),
            strings([plants[r[0]] for r in rows]),
            timestamps(np.array([start_ms + r[1] * interval_ms for r in rows], dtype=np.int64)),
            strings([MODES[r[2]].name for r in rows]),
            timestamps(np.array([start_ms + r[3] * interval_ms for r in rows], dtype=np.int64)),
        ],
        schema=FAILURES,
    )
