"""Real-time alert rules over validated sensor batches.

Two kinds: fixed thresholds per equipment type (``threshold_high``) and a streaming anomaly score,
the per-equipment, per-sensor EWMA z-score (``anomaly_zscore``). A batch is scored against the EWMA
state at its start, then the state advances over the whole batch in closed form (one numpy pass per
batch, not one Python step per reading). A (machine, rule, sensor) pair is silent for a cooldown in
event time after it fires, so a long excursion gives one alert, not thousands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mfg.contracts.tables import SENSOR_FIELDS
from mfg.streaming.records import SensorBatch

#: equipment type -> sensor -> (warning, critical) upper limits
THRESHOLDS: dict[str, dict[str, tuple[float, float]]] = {
    "cnc_mill": {"temperature": (85.0, 95.0), "vibration_rms": (7.1, 11.2), "power": (40.0, 55.0)},
    "pump": {"temperature": (90.0, 100.0), "vibration_rms": (7.1, 11.2), "pressure": (12.0, 16.0)},
    "compressor": {"temperature": (110.0, 125.0), "vibration_rms": (11.2, 18.0), "pressure": (14.0, 18.0)},
    "press": {"temperature": (85.0, 95.0), "vibration_rms": (7.1, 11.2), "pressure": (300.0, 350.0)},
}
_INDEX = {name: i for i, name in enumerate(SENSOR_FIELDS)}


@dataclass
class _Ewma:
    mean: np.ndarray
    var: np.ndarray
    count: int = 0


@dataclass
class AlertEngine:
    """Per-equipment rule state; :meth:`process` returns alert records (equipment_alerts schema)."""

    zscore: float = 6.0
    alpha: float = 0.05
    warmup: int = 30
    cooldown_ms: int = 900_000
    rel_std_floor: float = 0.02  # a flat signal (stuck sensor, steady load) does not make tiny moves alarming
    thresholds: dict[str, dict[str, tuple[float, float]]] = field(default_factory=lambda: THRESHOLDS)
    _ewma: dict[str, _Ewma] = field(default_factory=dict)
    _last_fired: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def process(self, batch: SensorBatch, detected_ms: int) -> list[dict[str, Any]]:
        alerts: list[dict[str, Any]] = []
        for sensor, (warn, crit) in self.thresholds.get(batch.equipment_type, {}).items():
            col = batch.values[:, _INDEX[sensor]]
            hits = np.flatnonzero(col > warn)
            if hits.size:
                i = int(hits[0])
                severity = "critical" if col[i] > crit else "warning"
                limit = crit if severity == "critical" else warn
                self._emit(
                    alerts, batch, i, "threshold_high", sensor, float(col[i]), limit, severity, None, detected_ms
                )
        self._score(batch, alerts, detected_ms)
        return alerts

    def _score(self, batch: SensorBatch, alerts: list[dict[str, Any]], detected_ms: int) -> None:
        x = batch.values
        n = x.shape[0]
        st = self._ewma.get(batch.equipment_id)
        if st is None:
            first = np.nan_to_num(x[0], nan=0.0)
            st = self._ewma[batch.equipment_id] = _Ewma(first.copy(), np.zeros_like(first))
        if st.count >= self.warmup:
            with np.errstate(invalid="ignore", divide="ignore"):
                std = np.maximum(np.sqrt(st.var), self.rel_std_floor * np.abs(st.mean) + 1e-9)
                z = np.abs(x - st.mean) / std
            z = np.where(np.isnan(z), 0.0, z)
            over = z > self.zscore
            if over.any():
                for j in np.flatnonzero(over.any(axis=0)):
                    i = int(np.flatnonzero(over[:, j])[0])
                    sensor = SENSOR_FIELDS[j]
                    self._emit(
                        alerts,
                        batch,
                        i,
                        "anomaly_zscore",
                        sensor,
                        float(x[i, j]),
                        self.zscore,
                        "warning",
                        float(z[i, j]),
                        detected_ms,
                    )
        # advance the EWMA over the batch in closed form (missing values keep the old state)
        a = self.alpha
        w = a * (1 - a) ** np.arange(n - 1, -1, -1)[:, None]  # weight of reading i in the final mean
        filled = np.where(np.isnan(x), st.mean, x)
        decay = (1 - a) ** n
        dev = (filled - st.mean) ** 2
        st.mean = decay * st.mean + (w * filled).sum(axis=0)
        st.var = decay * st.var + (w * dev).sum(axis=0)
        st.count += n

    def _emit(
        self,
        out: list[dict[str, Any]],
        batch: SensorBatch,
        i: int,
        rule: str,
        sensor: str,
        value: float,
        threshold: float,
        severity: str,
        score: float | None,
        detected_ms: int,
    ) -> None:
        t = int(batch.event_time[i])
        key = (batch.equipment_id, rule, sensor)
        last = self._last_fired.get(key)
        if last is not None and t - last < self.cooldown_ms:
            return
        self._last_fired[key] = t
        seq = int(batch.sequence[i])
        out.append(
            {
                "alert_id": f"{batch.equipment_id}:{rule}:{sensor}:{seq}",
                "event_time": t,
                "detected_time": detected_ms,
                "equipment_id": batch.equipment_id,
                "plant_id": batch.plant_id,
                "equipment_type": batch.equipment_type,
                "sequence": seq,
                "rule": rule,
                "sensor": sensor,
                "value": value,
                "threshold": threshold,
                "severity": severity,
                "score": score,
            }
        )
