"""Maintenance and context feature views: service history, age, calendar and machine type."""

from datetime import timedelta

from entities import equipment
from feast import FeatureView, Field
from feast.types import Float64, Int32, String
from sources import features_hourly

maintenance_history = FeatureView(
    name="maintenance_history",
    entities=[equipment],
    ttl=timedelta(hours=6),
    schema=[
        Field(name="hours_since_maintenance", dtype=Float64),
        Field(name="failures_last_30d", dtype=Int32),
        Field(name="equipment_age_days", dtype=Float64),
        Field(name="equipment_type", dtype=String),
    ],
    source=features_hourly,
    online=True,
    description="Hours since the last maintenance ended, failures in the last 30 days, age and type.",
    tags={"domain": "maintenance"},
)

operating_context = FeatureView(
    name="operating_context",
    entities=[equipment],
    ttl=timedelta(hours=6),
    schema=[
        Field(name="hour_of_day", dtype=Int32),
        Field(name="day_of_week", dtype=Int32),
        Field(name="shift", dtype=Int32),
    ],
    source=features_hourly,
    online=True,
    description="Plant-local hour, weekday (0 = Monday) and shift (0: 06-14, 1: 14-22, 2: 22-06).",
    tags={"domain": "context"},
)
