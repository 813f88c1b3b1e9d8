"""Streaming: the embedded Kafka-protocol broker, producers, validating consumers, alerts, lake sink."""
