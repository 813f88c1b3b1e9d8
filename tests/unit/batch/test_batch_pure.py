"""Batch pieces that need no JVM: job order, Spark configuration, failure merging, the feature contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from mfg.batch.events import merge_failure_times
from mfg.batch.features import FEATURE_TABLE_COLUMNS
from mfg.batch.jobs import UnknownJobError, resolve
from mfg.batch.rules import SENSOR_RULES
from mfg.batch.session import spark_conf
from mfg.contracts.tables import SENSOR_FIELDS
from mfg.settings import Settings


def test_jobs_resolve_in_dependency_order() -> None:
    assert resolve(None) == ["cleansing", "features", "labels", "aggregates"]
    assert resolve(["labels", "cleansing"]) == ["cleansing", "labels"]
    with pytest.raises(UnknownJobError, match="'nope'"):
        resolve(["nope"])


def test_spark_conf_local_and_kubernetes(settings: Settings) -> None:
    local = spark_conf(settings)
    assert local["spark.master"] == "local[*]"
    assert local["spark.sql.session.timeZone"] == "UTC"
    assert "spark.kubernetes.container.image" not in local
    k8s = settings.model_copy(
        update={"spark_master": "k8s://https://10.0.0.1:443", "spark_k8s_image": "img:1", "spark_k8s_namespace": "ns"}
    )
    conf = spark_conf(k8s)
    assert conf["spark.master"] == "k8s://https://10.0.0.1:443"
    assert conf["spark.kubernetes.container.image"] == "img:1"
    assert conf["spark.kubernetes.namespace"] == "ns"
    assert conf["spark.executor.instances"] == str(settings.spark_executor_instances)


def test_merge_failure_times_collapses_one_breakdown() -> None:
    t0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
    candidates = pd.DataFrame(
        {
            "equipment_id": ["A", "A", "A", "B"],
            "failure_time": [t0, t0 + timedelta(minutes=30), t0 + timedelta(days=2), t0 + timedelta(minutes=30)],
        }
    )
    merged = merge_failure_times(candidates)
    assert list(merged["equipment_id"]) == ["A", "A", "B"]
    assert list(merged["failure_time"]) == [t0, t0 + timedelta(days=2), t0 + timedelta(minutes=30)]
    assert merge_failure_times(candidates.iloc[0:0]).empty


def test_feature_table_contract_columns() -> None:
    assert FEATURE_TABLE_COLUMNS[:3] == ["equipment_id", "event_timestamp", "equipment_type"]
    assert FEATURE_TABLE_COLUMNS[-6:] == [
        "hours_since_maintenance",
        "failures_last_30d",
        "equipment_age_days",
        "hour_of_day",
        "day_of_week",
        "shift",
    ]
    rolled = FEATURE_TABLE_COLUMNS[3:-6]
    assert len(rolled) == len(SENSOR_FIELDS) * 3 * 5 == len(set(rolled))
    assert "vibration_rms_slope_24h" in rolled and "tool_wear_std_6h" in rolled


def test_every_sensor_has_a_rule() -> None:
    assert set(SENSOR_RULES) == set(SENSOR_FIELDS)
    assert all(r.low < r.high for r in SENSOR_RULES.values())
