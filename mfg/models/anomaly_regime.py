"""Regime model of a machine's sensors: the expected value of each sensor given the others.

A machine's readings move together with its operating regime (load by shift, idle vs running, wear):
speed, torque and power follow the load, temperature and vibration follow power and wear, pressure the
load. A raw-value detector mistakes a shift change for an anomaly. This module fits, per machine and
per state (running / stopped, told apart by the shaft speed), a least-squares model of each sensor on
a degree-2 polynomial of the *other* sensors plus the hour of day (ambient temperature swings daily),
and returns residuals in units of their own spread. An injected fault touches one sensor, so its
residual leaves the band while a regime change moves all sensors consistently and does not.

The fit is robust to the rare anomalies in the training rows: after a first fit, rows whose residual
is beyond ``CLIP`` standard deviations are dropped and the model is refitted (no labels are used).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations_with_replacement

import numpy as np
import pandas as pd

#: residuals beyond this many standard deviations are left out of the refit
CLIP = 4.0
#: a machine runs when its shaft turns faster than this share of its typical running speed
RUN_SHARE = 0.3
SPEED = "rotational_speed"
MIN_ROWS = 50
#: floor of a residual's spread (in machine standard deviations): a stopped shaft reads exactly zero
MIN_SPREAD = 0.01


def _design(z: np.ndarray, hours: np.ndarray, target: int) -> np.ndarray:
    """Bias, the other columns of ``z``, their pairwise products and squares, sin/cos of the hour."""
    others = [z[:, j] for j in range(z.shape[1]) if j != target]
    cols = [np.ones(len(z)), *others]
    cols += [a * b for a, b in combinations_with_replacement(others, 2)]
    angle = 2 * np.pi * hours / 24.0
    cols += [np.sin(angle), np.cos(angle)]
    return np.column_stack(cols)


def _solve(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares by the normal equations with a tiny ridge (far faster than an SVD here)."""
    gram = x.T @ x
    gram[np.diag_indices_from(gram)] += 1e-6 * (np.trace(gram) / len(gram) + 1.0)
    return np.asarray(np.linalg.solve(gram, x.T @ y))


def _fit_one(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    coef = _solve(x, y)
    res = y - x @ coef
    sd = max(float(res.std()), MIN_SPREAD)
    keep = np.abs(res) <= CLIP * sd
    if MIN_ROWS <= keep.sum() < len(y):
        coef = _solve(x[keep], y[keep])
        sd = max(float((y[keep] - x[keep] @ coef).std()), MIN_SPREAD)
    return coef, sd


@dataclass
class RegimeModel:
    """Per machine and state (``run`` / ``stop``): coefficients and residual spread of each sensor."""

    sensors: tuple[str, ...] = ()
    run_speed: dict[str, float] = field(default_factory=dict)
    coef: dict[str, dict[str, list[np.ndarray]]] = field(default_factory=dict)
    spread: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    @staticmethod
    def _state(speed: np.ndarray, run_speed: float) -> dict[str, np.ndarray]:
        running = np.nan_to_num(speed, nan=0.0) > run_speed
        return {"run": running, "stop": ~running}

    def fit_machine(self, equipment_id: str, raw: pd.DataFrame, z: np.ndarray, hours: np.ndarray) -> None:
        """Fit one machine from its raw readings (for the state), standardised values ``z`` and hours."""
        speed = raw[SPEED].to_numpy(dtype=float) if SPEED in raw else np.zeros(len(raw))
        typical = float(np.nanquantile(speed, 0.95)) if np.isfinite(speed).any() else 0.0
        self.run_speed[equipment_id] = RUN_SHARE * typical if typical > 0 else np.inf
        self.coef[equipment_id], self.spread[equipment_id] = {}, {}
        complete = np.isfinite(z).all(axis=1)
        for state, mask in self._state(speed, self.run_speed[equipment_id]).items():
            rows = mask & complete
            if rows.sum() < MIN_ROWS:
                continue
            fits = [_fit_one(_design(z[rows], hours[rows], j), z[rows, j]) for j in range(z.shape[1])]
            self.coef[equipment_id][state] = [c for c, _ in fits]
            self.spread[equipment_id][state] = [s for _, s in fits]

    def running(self, equipment_id: str, raw: pd.DataFrame) -> np.ndarray:
        """True where the machine runs (all rows for a machine the model has not seen)."""
        if equipment_id not in self.run_speed or SPEED not in raw:
            return np.ones(len(raw), dtype=bool)
        return self._state(raw[SPEED].to_numpy(dtype=float), self.run_speed[equipment_id])["run"]

    def residuals(self, equipment_id: str, raw: pd.DataFrame, z: np.ndarray, hours: np.ndarray) -> np.ndarray:
        """Residuals / spread per sensor (NaN where the sensor is missing); ``z`` itself for unknown machines."""
        out = np.array(z, dtype=float, copy=True)
        coefs = self.coef.get(equipment_id, {})
        if not coefs:
            return out
        speed = raw[SPEED].to_numpy(dtype=float) if SPEED in raw else np.zeros(len(raw))
        filled = pd.DataFrame(z).ffill().fillna(0.0).to_numpy()
        for state, mask in self._state(speed, self.run_speed[equipment_id]).items():
            if state not in coefs or not mask.any():
                if mask.any():
                    out[mask] = z[mask]
                continue
            for j in range(z.shape[1]):
                pred = _design(filled[mask], hours[mask], j) @ coefs[state][j]
                out[mask, j] = (z[mask, j] - pred) / self.spread[equipment_id][state][j]
        return out
