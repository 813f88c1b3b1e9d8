"""Documented cleansing rules per sensor: physically possible ranges and robust outlier limits.

A value outside its physical range is impossible (a broken sensor or a unit error). A value outside
the fences ``[p01 - k * (p99 - p01), p99 + k * (p99 - p01)]`` of its machine and sensor (percentiles
over the whole input, ``k = outlier_k``) is an outlier (a gross spike). The fences sit on the 1st and
99th percentiles rather than the median because machines have several regimes (an idle machine reads
0 rpm, far from its running median, and that is not an error). Both kinds are set to null (the
reading's other sensors are kept); a reading left with no value is rejected. ``outlier_k=None``
switches the outlier rule off (tool wear ramps by design).
"""

from __future__ import annotations

from dataclasses import dataclass

from mfg.contracts.tables import DEFECT_CLASSES, SENSOR_FIELDS, STATUSES


@dataclass(frozen=True)
class SensorRule:
    sensor: str
    low: float
    high: float
    unit: str
    outlier_k: float | None = 1.0


SENSOR_RULES: dict[str, SensorRule] = {
    r.sensor: r
    for r in (
        SensorRule("temperature", -50.0, 400.0, "degC"),
        SensorRule("vibration_rms", 0.0, 200.0, "mm/s"),
        SensorRule("pressure", 0.0, 1000.0, "bar"),
        SensorRule("rotational_speed", 0.0, 50_000.0, "rpm"),
        SensorRule("torque", -10_000.0, 10_000.0, "Nm"),
        SensorRule("power", 0.0, 10_000.0, "kW"),
        SensorRule("tool_wear", 0.0, 100_000.0, "min", outlier_k=None),
    )
}
assert set(SENSOR_RULES) == set(SENSOR_FIELDS)

#: percentiles the outlier fences stand on
FENCE_QUANTILES: tuple[float, float] = (0.01, 0.99)

VALID_STATUSES: tuple[str, ...] = STATUSES
VALID_DEFECT_CLASSES: tuple[str, ...] = DEFECT_CLASSES

#: reasons a whole record is rejected
REJECT_NULL_KEY = "null_key"
REJECT_DUPLICATE = "duplicate"
REJECT_NO_VALUES = "no_values"
REJECT_INVALID_STATUS = "invalid_status"
REJECT_INVALID_DEFECT_CLASS = "invalid_defect_class"
REJECT_IMPOSSIBLE_UNITS = "impossible_units"
