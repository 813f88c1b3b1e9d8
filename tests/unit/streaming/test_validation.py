"""Validation splits records into valid parts and dead letters with reasons."""

from __future__ import annotations

import numpy as np

from mfg.streaming.validation import validate_quality, validate_sensor_batch, validate_status

from .helpers import T0, batch

NOW = T0 + 86_400_000
SKEW = 300_000


def test_clean_batch_is_fully_valid() -> None:
    v = validate_sensor_batch(batch(n=20), NOW, SKEW)
    assert v.rejection is None and v.valid is not None and len(v.valid) == 20


def test_out_of_range_and_future_readings_are_split_off() -> None:
    b = batch(n=10)
    b.values[3, 0] = 9999.0  # temperature
    b.values[5, 1] = -1.0  # vibration
    b.event_time[7] = NOW + SKEW + 1
    v = validate_sensor_batch(b, NOW, SKEW)
    assert v.valid is not None and len(v.valid) == 7
    assert v.rejected is not None and v.rejected.sequence.tolist() == [3, 5, 7]
    assert v.rejection is not None
    assert v.rejection.reasons == ["future_timestamp", "out_of_range:temperature", "out_of_range:vibration_rms"]
    assert "temperature=9999.0" in v.rejection.detail
    assert v.bad is not None and np.flatnonzero(v.bad).tolist() == [3, 5, 7]
    assert v.rejection.record is not None and len(v.rejection.record["sequence"]) == 3


def test_missing_values_are_allowed_but_infinities_are_not() -> None:
    b = batch(n=3)
    b.values[0, 2] = np.nan
    b.values[1, 2] = np.inf
    v = validate_sensor_batch(b, NOW, SKEW)
    assert v.valid is not None and v.valid.sequence.tolist() == [0, 2]


def test_missing_identity_rejects_the_whole_batch() -> None:
    b = batch(n=4)
    b.plant_id = ""
    v = validate_sensor_batch(b, NOW, SKEW)
    assert v.valid is None and v.rejection is not None and v.rejection.reasons == ["missing_field:plant_id"]


def test_status_and_quality_rules() -> None:
    good = {
        "event_time": T0,
        "equipment_id": "E",
        "plant_id": "P",
        "sequence": 1,
        "status": "running",
        "error_code": None,
    }
    assert validate_status(good, NOW, SKEW) is None
    bad = validate_status(good | {"status": "exploded"}, NOW, SKEW)
    assert bad is not None and bad.reasons == ["invalid_value:status"] and "exploded" in bad.detail
    q = {
        "event_time": T0,
        "equipment_id": "E",
        "plant_id": "P",
        "sequence": 1,
        "batch_id": "B1",
        "units_produced": 10,
        "units_defective": 1,
        "defect_class": "minor",
    }
    assert validate_quality(q, NOW, SKEW) is None
    r = validate_quality(q | {"units_defective": 11, "event_time": NOW + SKEW + 1}, NOW, SKEW)
    assert r is not None and r.reasons == ["out_of_range:units", "future_timestamp"]
