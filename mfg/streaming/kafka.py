"""Kafka client construction (confluent-kafka / librdkafka) from the settings, and topic creation.

The same code talks to the embedded broker and to Strimzi: security settings map onto librdkafka's
``security.protocol``, ``sasl.*`` and ``ssl.*`` keys.
"""

from __future__ import annotations

import logging
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from mfg.settings import Settings
from mfg.streaming.errors import StreamingError


def bootstrap(settings: Settings) -> str:
    """``MFG_KAFKA_BOOTSTRAP`` or the embedded broker's address."""
    return settings.kafka_bootstrap or f"{settings.broker_host}:{settings.broker_port}"


def client_config(settings: Settings) -> dict[str, Any]:
    conf: dict[str, Any] = {
        "bootstrap.servers": bootstrap(settings),
        "security.protocol": settings.kafka_security_protocol.lower(),
        "log.connection.close": False,
        "logger": logging.getLogger("mfg.streaming.kafka"),  # librdkafka logs through logging, not stderr
    }
    if settings.kafka_sasl_mechanism:
        conf["sasl.mechanism"] = settings.kafka_sasl_mechanism
        conf["sasl.username"] = settings.kafka_sasl_username
        pw = settings.kafka_sasl_password
        conf["sasl.password"] = pw.get_secret_value() if pw else None
    for key, value in (
        ("ssl.ca.location", settings.kafka_ssl_cafile),
        ("ssl.certificate.location", settings.kafka_ssl_certfile),
        ("ssl.key.location", settings.kafka_ssl_keyfile),
    ):
        if value is not None:
            conf[key] = str(value)
    return conf


def make_producer(settings: Settings, **overrides: Any) -> Any:
    from confluent_kafka import Producer

    conf = client_config(settings) | {
        "linger.ms": settings.stream_producer_linger_ms,
        "batch.size": 1_000_000,
        "queue.buffering.max.kbytes": 262_144,
        "message.max.bytes": 4_000_000,
        "acks": "all",
    }
    return Producer(conf | overrides)


def make_consumer(settings: Settings, group: str, **overrides: Any) -> Any:
    from confluent_kafka import Consumer

    conf = client_config(settings) | {
        "group.id": group,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 1000,
        "max.poll.interval.ms": 60000,
        "fetch.max.bytes": 52_428_800,
        "max.partition.fetch.bytes": 10_485_760,
        "fetch.wait.max.ms": 50,
    }
    return Consumer(conf | overrides)


def ensure_topics(settings: Settings, names: list[str], *, timeout_s: float = 15.0) -> list[str]:
    """Create the topics that do not exist yet; returns the ones created."""
    from confluent_kafka import KafkaError, KafkaException
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient(client_config(settings))
    try:
        existing = set(admin.list_topics(timeout=timeout_s).topics)
    except KafkaException as exc:
        raise StreamingError(f"broker at {bootstrap(settings)} unreachable: {exc}") from None
    missing = [n for n in names if n not in existing]
    if not missing:
        return []
    futures = admin.create_topics([NewTopic(n, settings.kafka_partitions, 1) for n in missing])
    for name, fut in futures.items():
        try:
            fut.result(timeout_s)
        except FutureTimeout:
            if name not in admin.list_topics(timeout=timeout_s).topics:
                raise StreamingError(f"creating topic {name}: no answer within {timeout_s} s") from None
        except KafkaException as exc:
            if exc.args and exc.args[0].code() == KafkaError.TOPIC_ALREADY_EXISTS:
                continue
            raise StreamingError(f"creating topic {name}: {exc}") from None
    return missing


def topic_id(settings: Settings, name: str, *, tries: int = 3) -> str | None:
    """The topic's id (changes when a topic is recreated); None if the broker does not answer."""
    from confluent_kafka import KafkaException, TopicCollection
    from confluent_kafka.admin import AdminClient

    admin = AdminClient(client_config(settings))
    for _ in range(tries):  # a busy broker may answer late; without an id the sink still dedups
        try:
            fut = admin.describe_topics(TopicCollection([name]))[name]
            return str(fut.result(10).topic_id)
        except (KafkaException, FutureTimeout):
            continue
    return None
