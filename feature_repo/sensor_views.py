"""Sensor feature views: rolling statistics of every sensor over 1 h, 6 h and 24 h windows.

Columns follow the feature table contract: ``<sensor>_<stat>_<window>``.
"""

from datetime import timedelta

from entities import equipment
from feast import FeatureView, Field
from feast.types import Float64
from sources import features_hourly

from mfg.contracts.tables import SENSOR_FIELDS

WINDOWS = ("1h", "6h", "24h")
STATS = ("mean", "std", "min", "max", "slope")

sensor_stats = FeatureView(
    name="sensor_stats",
    entities=[equipment],
    ttl=timedelta(hours=6),
    schema=[
        Field(name=f"{sensor}_{stat}_{window}", dtype=Float64)
        for sensor in SENSOR_FIELDS
        for window in WINDOWS
        for stat in STATS
    ],
    source=features_hourly,
    online=True,
    description="Mean, std, min, max and slope of each sensor over the trailing 1 h, 6 h and 24 h.",
    tags={"domain": "sensors"},
)
