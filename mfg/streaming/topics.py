"""Topic names, their Avro schemas and lake tables, and consumer group ids."""

from __future__ import annotations

from mfg.settings import Settings

SENSORS = "equipment-sensors"
STATUS = "equipment-status"
QUALITY = "quality-metrics"
ALERTS = "equipment-alerts"

#: base topic -> Avro schema name (mfg/contracts/<name>.vN.avsc)
SCHEMAS: dict[str, str] = {
    SENSORS: "equipment_sensors",
    STATUS: "equipment_status",
    QUALITY: "quality_metrics",
    ALERTS: "equipment_alerts",
}
#: base topic -> lake table (see mfg.contracts.tables.TOPIC_TABLES)
TABLES: dict[str, str] = {SENSORS: "sensor_readings", STATUS: "equipment_status", QUALITY: "quality_metrics"}
INPUTS: tuple[str, ...] = (SENSORS, STATUS, QUALITY)
ROLES: tuple[str, ...] = ("validate", "sink", "alerts", "analytics")


def topic(settings: Settings, base: str) -> str:
    """The topic name on the broker (``stream_topic_prefix`` + base)."""
    return f"{settings.stream_topic_prefix}{base}"


def base_of(settings: Settings, name: str) -> str:
    prefix = settings.stream_topic_prefix
    return name[len(prefix) :] if prefix and name.startswith(prefix) else name


def dlq(name: str) -> str:
    """Dead-letter topic of ``name``."""
    return f"{name}.dlq"


def all_topics(settings: Settings) -> list[str]:
    names = [topic(settings, t) for t in INPUTS]
    return names + [dlq(n) for n in names] + [topic(settings, ALERTS)]


def group_id(settings: Settings, roles: frozenset[str]) -> str:
    """One consumer group per role set: ``mfg-sink``, ``mfg-all`` ..."""
    name = "all" if roles == frozenset(ROLES) else "+".join(r for r in ROLES if r in roles)
    return f"{settings.stream_topic_prefix}mfg-{name}"
