"""Machine physics: load schedule, operating point as a function of load and wear, and the
per-machine history of wear, tool wear, failures and maintenance.

Load follows three 8-hour shifts (06–14, 14–22, 22–06 UTC) with less work on later shifts and at
weekends, plus slow per-machine fluctuation. Wear grows with ``load^1.5`` at a per-machine rate and
resets at maintenance; tool wear grows with running time. Failures are drawn from the hazards of
:mod:`mfg.simulator.failure_modes` by inverse cumulative hazard, one segment (between two resets) at a
time, so the loop runs over segments, never over time steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mfg.simulator.config import SimConfig
from mfg.simulator.failure_modes import MODES, hazards
from mfg.simulator.fleet import Fleet
from mfg.simulator.operating import operating_ratios as operating_ratios

RUNNING, IDLE, ERROR, MAINTENANCE = 0, 1, 2, 3
#: planned load per weekday (Mon..Sun) and shift (06–14, 14–22, 22–06)
SHIFT_LOAD = np.array(
    [[1.0, 0.85, 0.6]] * 5 + [[0.6, 0.4, 0.0], [0.0, 0.4, 0.0]],
)
MEAN_LOAD_15 = 0.58  # weekly mean of load^1.5, used to place the initial state
#: P-F interval: days from fault onset (hazard-driven) to functional failure
PF_DAYS = (6.6, 7.4)


def shift_of(hour_of_day: np.ndarray) -> np.ndarray:
    """Shift index 0, 1, 2 of a UTC hour (06–14, 14–22, 22–06)."""
    return ((hour_of_day - 6) % 24) // 8


def load_schedule(config: SimConfig, fleet: Fleet, rng: np.random.Generator) -> np.ndarray:
    """Planned load, shape ``(machines, steps)``, float32; 0 means planned idle."""
    n, e, dt = config.steps, fleet.n, config.interval_s
    t_s = np.arange(n, dtype=np.int64) * dt + int(config.start.timestamp())
    hour = (t_s // 3600) % 24
    weekday = ((t_s // 86_400) + 3) % 7  # 1970-01-01 was a Thursday
    base = SHIFT_LOAD[weekday, shift_of(hour)].astype(np.float32)
    shift_no = ((t_s - 6 * 3600) // (8 * 3600)) - ((int(config.start.timestamp()) - 6 * 3600) // (8 * 3600))
    per_shift = rng.normal(1.0, 0.06, (e, int(shift_no[-1]) + 1)).astype(np.float32)
    utilisation = rng.uniform(0.88, 1.05, (e, 1)).astype(np.float32)
    period_h = rng.uniform(3.0, 11.0, (e, 1))
    phase = rng.uniform(0.0, 2 * np.pi, (e, 1))
    wobble = (0.05 * np.sin(2 * np.pi * (t_s / 3600.0)[None, :] / period_h + phase)).astype(np.float32)
    load = base[None, :] * utilisation * per_shift[:, shift_no] * (1.0 + wobble)
    np.clip(load, 0.0, 1.05, out=load)
    load[:, base == 0] = 0.0
    return load


@dataclass
class History:
    """What happened to the fleet: per-step state arrays and the event lists."""

    wear: np.ndarray  # (machines, steps) float32
    tool_wear: np.ndarray  # (machines, steps) float32, effective minutes
    state: np.ndarray  # (machines, steps) int8: RUNNING, IDLE, ERROR, MAINTENANCE
    fault: np.ndarray  # (machines, steps) float32: signature of a developing fault, 0 = none
    fault_mode: np.ndarray  # (machines, steps) int8: mode index of the developing fault, -1 = none
    #: (machine, failure step, mode index, repaired step); repaired step may lie past the horizon
    failures: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: (machine, start step, end step, kind, mode index or -1)
    maintenance: list[tuple[int, int, int, str, int]] = field(default_factory=list)


def simulate_history(config: SimConfig, fleet: Fleet, load: np.ndarray, seeds: list[np.random.SeedSequence]) -> History:
    """Run every machine's wear/failure/maintenance process; zeroes ``load`` where a machine is down."""
    e, n = load.shape
    hist = History(
        wear=np.empty((e, n), np.float32),
        tool_wear=np.empty((e, n), np.float32),
        state=np.where(load > 0, RUNNING, IDLE).astype(np.int8),
        fault=np.zeros((e, n), np.float32),
        fault_mode=np.full((e, n), -1, np.int8),
    )
    for i in range(e):
        _Machine(i, config, fleet, load[i], hist, np.random.default_rng(seeds[i])).run()
    load[hist.state >= ERROR] = 0.0
    return hist


class _Machine:
    """The segment loop of one machine (between resets the state is a cumulative sum)."""

    def __init__(
        self, i: int, config: SimConfig, fleet: Fleet, load: np.ndarray, hist: History, rng: np.random.Generator
    ) -> None:
        self.i, self.load, self.hist, self.rng = i, load, hist, rng
        self.n, self.sph = load.shape[0], config.steps_per_hour
        self.dt_h, self.dt_min = config.interval_s / 3600.0, config.interval_s / 60.0
        self.rate, self.limits = float(fleet.wear_rate[i]), fleet.limits[i]
        self.every = int(np.rint(fleet.maint_every_h[i] * self.sph))
        self.maint_steps = max(1, int(np.rint(fleet.maint_hours[i] * self.sph)))
        # initial state: some time since the last (scheduled) maintenance, below 70 % of every limit
        u_max = min(fleet.maint_every_h[i], 0.7 / (self.rate * MEAN_LOAD_15), 0.7 * self.limits[0] / 45.0)
        since_h = rng.uniform(0.0, u_max)
        self.w0, self.tau0 = self.rate * MEAN_LOAD_15 * since_h, 45.0 * since_h
        self.next_maint = int(np.rint((fleet.maint_every_h[i] - since_h) * self.sph))
        last_end = -int(np.rint(since_h * self.sph))
        hist.maintenance.append((i, last_end - self.maint_steps, last_end, "scheduled", -1))

    def _wear(self, t: int, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        seg = self.load[t:b].astype(np.float64)
        w = self.w0 + np.cumsum(self.rate * seg**1.5) * self.dt_h
        tau = self.tau0 + np.cumsum((seg > 0) * (0.5 + 0.5 * seg)) * self.dt_min
        self.hist.wear[self.i, t:b], self.hist.tool_wear[self.i, t:b] = w, tau
        return seg, w, tau

    def _down(self, a: int, b: int, status: int) -> None:
        """Machine stopped in [a, b): state set, wear and tool wear frozen."""
        row_w, row_t = self.hist.wear[self.i], self.hist.tool_wear[self.i]
        if 0 < a < self.n:
            row_w[a:b], row_t[a:b] = row_w[a - 1], row_t[a - 1]
        self.hist.state[self.i, a:b] = status

    def _maintain(self, b: int) -> int:
        r = b + self.maint_steps
        self._down(b, r, MAINTENANCE)
        self.hist.maintenance.append((self.i, b, r, "scheduled", -1))
        self.w0, self.tau0, self.next_maint = 0.0, 0.0, r + self.every
        return r

    def run(self) -> None:
        t = 0
        while t < self.n:
            b = min(max(self.next_maint, t + 1), self.n)
            seg, w, tau = self._wear(t, b)
            h = hazards(seg, w, tau, self.limits)
            k = int(np.searchsorted(np.cumsum(h.sum(axis=0)) * self.dt_h, self.rng.exponential()))
            if k >= b - t:  # no fault before the next maintenance
                if b >= self.n:
                    return
                t = self._maintain(b)
                continue
            onset = t + k
            mode = int(self.rng.choice(len(MODES), p=h[:, k] / h[:, k].sum()))
            pf = 0 if MODES[mode].name == "random" else int(np.rint(self.rng.uniform(*PF_DAYS) * 24 * self.sph))
            fail = onset + pf
            self.w0, self.tau0 = float(w[k]), float(tau[k])
            if fail > b and b < self.n:  # routine service inside the P-F interval does not find the fault
                self._wear(onset, b)
                fail = max(fail, self._maintain(b))
                self._wear(b + self.maint_steps, min(fail, self.n))
            else:
                self._wear(onset, min(fail, self.n))
            end = min(fail, self.n)
            if end > onset:
                self.hist.fault[self.i, onset:end] = 0.3 + 0.7 * np.arange(end - onset) / max(1, pf)
                self.hist.fault_mode[self.i, onset:end] = mode
            if fail >= self.n:
                return
            t = self._fail(fail, mode)

    def _fail(self, f: int, mode: int) -> int:
        repair = max(2, int(np.rint(MODES[mode].repair_hours * np.exp(self.rng.normal(0.0, 0.3)) * self.sph)))
        diag = max(1, repair // 4)
        r = f + repair
        self._down(f, f + diag, ERROR)
        self._down(f + diag, r, MAINTENANCE)
        self.hist.failures.append((self.i, f, mode, r))
        self.hist.maintenance.append((self.i, f + diag, r, "corrective", mode))
        self.w0, self.tau0, self.next_maint = 0.0, 0.0, r + self.every
        return r
