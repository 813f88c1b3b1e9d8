"""Produce -> consume -> lake against the real broker: exact row counts, replays add nothing."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from mfg.contracts.registry import registry_from_settings
from mfg.contracts.serde import AvroSerde
from mfg.lake import read_table
from mfg.settings import Settings
from mfg.streaming import topics as T
from mfg.streaming.analytics import TABLE as AGG_TABLE
from mfg.streaming.consumer import StreamConsumer
from mfg.streaming.kafka import ensure_topics, make_producer
from mfg.streaming.producer import replay

from .conftest import drain, simulate_fleet

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _keys(table: str, settings: Settings) -> set[tuple[str, int]]:
    t = read_table(settings.lake_uri, table, columns=["equipment_id", "sequence"])
    return set(zip(t.column("equipment_id").to_pylist(), t.column("sequence").to_pylist(), strict=True))


def test_lake_rows_match_the_simulation_exactly_and_replays_add_nothing(stream_settings: Settings) -> None:
    s = stream_settings
    tables = simulate_fleet(s, equipment=4, days=2)
    ensure_topics(s, T.all_topics(s))
    sent = replay(s, s.sim_dir, producer=make_producer(s))
    assert sent.readings == tables["sensor_readings"].num_rows
    stats = StreamConsumer(s, frozenset(T.ROLES)).run(until_caught_up=True, max_seconds=120)
    assert stats.dlq == 0
    for table in T.TABLES.values():
        expected = tables[table]
        got = read_table(s.lake_uri, table)
        assert got.num_rows == expected.num_rows, table
        assert len(_keys(table, s)) == expected.num_rows, f"{table}: duplicate keys"
    lake = read_table(s.lake_uri, "sensor_readings").sort_by([("equipment_id", "ascending"), ("sequence", "ascending")])
    sim = tables["sensor_readings"].sort_by([("equipment_id", "ascending"), ("sequence", "ascending")])
    assert lake.equals(sim.select(lake.column_names).cast(lake.schema))
    aggregates = read_table(s.lake_uri, AGG_TABLE)
    assert pc.sum(aggregates.column("readings")).as_py() == sim.num_rows  # every reading in one minute window

    alerts = drain(s, T.topic(s, T.ALERTS), sum(stats.alerts.values()), timeout_s=20)
    assert len(alerts) == sum(stats.alerts.values())
    serde = AvroSerde(registry_from_settings(s))
    decoded = [serde.decode("equipment_alerts", m.value()) for m in alerts]  # type: ignore[attr-defined]
    assert {a["rule"] for a in decoded} <= {"threshold_high", "anomaly_zscore"}

    replay(s, s.sim_dir, producer=make_producer(s))  # the same data again
    again = StreamConsumer(s, frozenset(T.ROLES)).run(until_caught_up=True, max_seconds=120)
    assert (
        again.duplicates_dropped
        == sent.readings + tables["equipment_status"].num_rows + tables["quality_metrics"].num_rows
    )
    for table in T.TABLES.values():
        assert read_table(s.lake_uri, table).num_rows == tables[table].num_rows, table
