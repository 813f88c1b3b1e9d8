"""The simulator's physics: wear follows load, maintenance resets it, failure hazard rises with wear."""

from __future__ import annotations

import numpy as np
import pytest

from mfg.simulator.config import SimConfig
from mfg.simulator.failure_modes import MODES, hazards
from mfg.simulator.fleet import build_fleet
from mfg.simulator.physics import MAINTENANCE, RUNNING, History, simulate_history


def _history(load_value: float, days: int = 10, seed: int = 3) -> tuple[History, np.ndarray]:
    config = SimConfig(equipment=4, days=days, seed=seed, interval_s=300)
    fleet = build_fleet(config, np.random.default_rng(seed))
    load = np.full((fleet.n, config.steps), load_value, dtype=np.float32)
    seeds = np.random.SeedSequence(seed).spawn(fleet.n)
    return simulate_history(config, fleet, load, seeds), load


def _wear_gain_per_running_step(hist: History) -> float:
    """Mean wear increase between consecutive running steps (resets excluded)."""
    d = np.diff(hist.wear.astype(np.float64), axis=1)
    running = (hist.state[:, 1:] == RUNNING) & (hist.state[:, :-1] == RUNNING) & (d >= 0)
    return float(d[running].mean())


def test_more_load_wears_faster() -> None:
    low, _ = _history(0.4)
    high, _ = _history(1.0)
    assert _wear_gain_per_running_step(high) > 2.0 * _wear_gain_per_running_step(low)


def test_maintenance_resets_wear() -> None:
    hist, _ = _history(1.0, days=40)
    assert hist.maintenance, "expected maintenance in 40 days at full load"
    checked = 0
    for machine, start, end, _kind, _mode in hist.maintenance:
        if start <= 0 or end + 1 >= hist.wear.shape[1]:
            continue
        assert (hist.state[machine, start:end] == MAINTENANCE).all()
        before, after = hist.wear[machine, start - 1], hist.wear[machine, end + 1]
        assert after < 0.05 < before, (before, after)
        assert hist.tool_wear[machine, end + 1] < hist.tool_wear[machine, start - 1]
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("mode", ["heat_dissipation", "power", "overstrain"])
def test_hazard_rises_with_wear(mode: str) -> None:
    wear = np.linspace(0.0, 1.3, 27)
    load = np.ones_like(wear)
    limits = np.array([24_000.0, 2.5, 1.4, 1.5])
    h = hazards(load, wear, np.zeros_like(wear), limits)[[m.name for m in MODES].index(mode)]
    assert np.all(np.diff(h) >= 0)
    assert h[-1] > 1000 * h[0]


def test_tool_wear_hazard_rises_with_tool_wear() -> None:
    tool = np.linspace(0.0, 30_000.0, 31)
    ones = np.ones_like(tool)
    h = hazards(ones, np.zeros_like(tool), tool, np.array([24_000.0, 2.5, 1.4, 1.5]))[0]
    assert np.all(np.diff(h) > 0) and h[-1] > 1.0 > 1e-3 > h[15]


def test_no_failure_hazard_while_stopped() -> None:
    h = hazards(np.zeros(5), np.full(5, 1.5), np.full(5, 40_000.0), np.array([24_000.0, 2.5, 1.4, 1.5]))
    assert not h.any()


def test_faults_start_at_high_wear() -> None:
    """Wear-driven faults (which end in failures a P-F interval later) start where wear is high."""
    hist, _ = _history(1.0, days=60, seed=5)
    mode = hist.fault_mode
    machine, step = np.nonzero((mode[:, 1:] >= 0) & (mode[:, :-1] < 0))
    step = step + 1
    assert len(step) >= 3
    names = [MODES[mode[m, s]].name for m, s in zip(machine, step, strict=True)]
    onset_wear = []
    for m, s, name in zip(machine, step, names, strict=True):
        if name == "random":
            continue
        level = hist.tool_wear[m, s] / 24_000 if name == "tool_wear" else hist.wear[m, s]
        assert level > 0.5, (name, level)
        onset_wear.append(hist.wear[m, s])
    # onset rate per eligible running step (no fault developing yet), low vs high wear
    eligible = (hist.state == RUNNING) & (mode < 0)
    onsets = np.zeros_like(eligible)
    onsets[machine, step] = True
    eligible |= onsets
    low, high = eligible & (hist.wear < 0.5), eligible & (hist.wear >= 0.8)
    assert onsets[low].mean() * 20 < onsets[high].mean()
    failures = {(m, f) for m, f, _, _ in hist.failures}
    for m, s, name in zip(machine, step, names, strict=True):
        ends = [f for mm, f in failures if mm == m and f >= s]
        if name != "random" and ends:  # the fault ends in a failure 6.6-7.4 days later
            assert 6.5 * 288 <= min(ends) - s <= 7.5 * 288 + 48 * 12
