"""Cleansing rules on a hand-made frame: duplicates, impossible values, spikes, empty readings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mfg.batch import rules
from mfg.batch.cleansing import flag_equipment_status, flag_quality_metrics, flag_sensor_readings

pytestmark = pytest.mark.integration

T0 = datetime(2026, 1, 5, tzinfo=UTC)
SCHEMA = (
    "event_time timestamp, equipment_id string, plant_id string, sequence long, temperature double, "
    "vibration_rms double, pressure double, rotational_speed double, torque double, power double, tool_wear double"
)


def _row(i: int, temperature: float | None = None, **kw: float | None) -> tuple[Any, ...]:
    base = {"vibration_rms": 3.0 + 0.01 * (i % 7), "pressure": 6.0, "rotational_speed": 1500.0 + i % 11,
            "torque": 40.0, "power": 15.0, "tool_wear": float(i)}  # fmt: skip
    base.update(kw)
    temp = 60.0 + 0.1 * (i % 13) if temperature is None else temperature
    return (T0 + timedelta(minutes=i), "E1", "P1", i, temp, *base.values())


def test_sensor_rules(spark: Any) -> None:
    rows = [_row(i) for i in range(200)]
    rows[10] = _row(10, temperature=-300.0)  # impossible
    rows[20] = _row(20, temperature=95.0)  # spike: far outside the 1st..99th percentile fences
    rows[30] = _row(30, rotational_speed=0.0)  # the machine stopped: idle regime, kept
    rows.append(_row(5))  # duplicate of sequence 5
    nothing = {s: None for s in ("vibration_rms", "pressure", "rotational_speed", "torque", "power", "tool_wear")}
    rows[40] = (*_row(40)[:4], None, *nothing.values())  # no values at all
    rows[41] = _row(41, rotational_speed=0.0)
    rows[42] = _row(42, rotational_speed=0.0)
    flagged = flag_sensor_readings(spark.createDataFrame(rows, SCHEMA)).toPandas().set_index("sequence")
    reasons = flagged["reject_reason"].dropna()
    assert reasons.value_counts().to_dict() == {rules.REJECT_DUPLICATE: 1, rules.REJECT_NO_VALUES: 1}
    assert reasons.loc[40] == rules.REJECT_NO_VALUES
    kept = flagged[flagged["reject_reason"].isna()]
    assert len(kept) == 199
    assert kept.loc[10, "_imp_temperature"] == 1 and kept.loc[10, "temperature"] != kept.loc[10, "temperature"]
    assert kept.loc[20, "_out_temperature"] == 1 and kept["temperature"].isna().sum() == 2
    assert kept.loc[30, "rotational_speed"] == 0.0 and kept["_out_rotational_speed"].sum() == 0
    assert kept.loc[10, "vibration_rms"] == pytest.approx(3.0 + 0.01 * 3)  # other sensors of the row kept
    assert kept["_out_tool_wear"].sum() == 0  # the ramp is exempt


def test_status_and_quality_rules(spark: Any) -> None:
    status = spark.createDataFrame(
        [
            (T0, "E1", "P1", 1, "running", None),
            (T0, "E1", "P1", 1, "running", None),
            (T0, "E1", "P1", 2, "broken", None),
        ],
        "event_time timestamp, equipment_id string, plant_id string, sequence long, status string, error_code string",
    )
    reasons = sorted(str(r["reject_reason"]) for r in flag_equipment_status(status).collect())
    assert reasons == ["None", rules.REJECT_DUPLICATE, rules.REJECT_INVALID_STATUS]
    qschema = (
        "event_time timestamp, equipment_id string, plant_id string, sequence long, batch_id string, "
        "units_produced long, units_defective long, defect_class string"
    )
    quality = spark.createDataFrame(
        [
            (T0, "E1", "P1", 1, "B1", 10, 1, "minor"),
            (T0, "E1", "P1", 2, "B2", 10, 11, "major"),
            (T0, "E1", "P1", 3, "B3", 10, 0, "excellent"),
            (T0, None, "P1", 4, "B4", 10, 0, "good"),
        ],
        qschema,
    )
    got = {r["batch_id"]: r["reject_reason"] for r in flag_quality_metrics(quality).collect()}
    assert got == {
        "B1": None,
        "B2": rules.REJECT_IMPOSSIBLE_UNITS,
        "B3": rules.REJECT_INVALID_DEFECT_CLASS,
        "B4": rules.REJECT_NULL_KEY,
    }
