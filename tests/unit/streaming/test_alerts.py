"""Alert rules: thresholds per equipment type, EWMA z-score anomalies, cooldown."""

from __future__ import annotations

from mfg.contracts.avro import encode, latest_schema, parse, physical
from mfg.streaming.alerts import THRESHOLDS, AlertEngine

from .helpers import batch


def test_threshold_rule_per_equipment_type() -> None:
    engine = AlertEngine(warmup=10_000)
    b = batch(n=5, etype="cnc_mill")
    _warn, crit = THRESHOLDS["cnc_mill"]["temperature"]
    b.values[2, 0] = crit + 1
    alerts = engine.process(b, detected_ms=1)
    assert [(a["rule"], a["sensor"], a["severity"], a["sequence"]) for a in alerts] == [
        ("threshold_high", "temperature", "critical", 2)
    ]
    unknown = batch(eq="X-1", n=5, etype="unknown")
    unknown.values[:, 0] = crit + 1
    assert engine.process(unknown, detected_ms=1) == []  # no thresholds for unknown types
    parse(physical(latest_schema("equipment_alerts")))
    encode(1, parse(physical(latest_schema("equipment_alerts"))), alerts[0])  # alerts fit the contract


def test_zscore_fires_on_a_spike_not_on_noise() -> None:
    engine = AlertEngine(zscore=6.0, alpha=0.05, warmup=30, cooldown_ms=0)
    quiet = []
    for k in range(20):
        quiet += engine.process(batch(n=25, start_seq=25 * k, t0=k * 25 * 60_000 + 10**12, seed=k), detected_ms=0)
    assert quiet == []
    spike = batch(n=25, start_seq=500, t0=10**12 + 500 * 60_000, seed=99)
    spike.values[7, 0] += 10  # +10 degC: far outside the noise, below the 85 degC threshold
    alerts = engine.process(spike, detected_ms=0)
    assert [(a["rule"], a["sensor"], a["sequence"]) for a in alerts] == [("anomaly_zscore", "temperature", 507)]
    assert alerts[0]["score"] > 6


def test_cooldown_suppresses_repeats_in_event_time() -> None:
    engine = AlertEngine(warmup=10_000, cooldown_ms=3_600_000)
    hot = batch(n=120, etype="pump")  # two hours at one reading per minute
    hot.values[:, 0] = 95.0
    alerts = engine.process(hot, detected_ms=0)
    assert len(alerts) == 1  # the first reading of the excursion
    later = batch(n=1, start_seq=200, t0=int(hot.event_time[0]) + 3_600_000, etype="pump")
    later.values[:, 0] = 95.0
    assert len(engine.process(later, detected_ms=0)) == 1
