"""The consuming side: one consumer-group member running a set of roles over the input topics.

Every record is decoded and validated once; then, by role: ``validate`` dead-letters invalid
records to ``<topic>.dlq`` (reasons in headers), ``sink`` writes valid rows to the lake exactly once
(:mod:`mfg.streaming.sink`), ``alerts`` produces to ``equipment-alerts``, ``analytics`` writes
one-minute aggregates. Each role set is its own consumer group (``mfg-all``, ``mfg-sink`` ...).
Offsets are committed only after the lake files and the produced records are durable.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mfg.contracts.avro import WireFormatError
from mfg.contracts.registry import registry_from_settings
from mfg.contracts.serde import AvroSerde
from mfg.lake import write_partitioned
from mfg.settings import Settings
from mfg.streaming import topics as T
from mfg.streaming.alerts import AlertEngine
from mfg.streaming.analytics import TABLE as AGG_TABLE
from mfg.streaming.analytics import MinuteAggregator
from mfg.streaming.codec import SensorCodec, encode_batch
from mfg.streaming.kafka import make_consumer, make_producer, topic_id
from mfg.streaming.polldecode import DECODE_ERRORS, Decoded, decode_and_validate
from mfg.streaming.records import SensorBatch
from mfg.streaming.sink import LakeSink
from mfg.streaming.validation import (
    Rejection,
    SensorVerdict,
    validate_quality,
    validate_sensor_batch,
    validate_status,
)


@dataclass
class ConsumerStats:
    """Counters of one consumer run (also written to ``stats_path`` as JSON while it runs)."""

    assigned: bool = False
    messages: int = 0
    readings_valid: int = 0
    rows_valid: int = 0
    dlq: int = 0
    dlq_readings: int = 0
    invalid_reasons: dict[str, int] = field(default_factory=dict)
    duplicates_dropped: int = 0
    lake_rows: dict[str, int] = field(default_factory=dict)
    alerts: dict[str, int] = field(default_factory=dict)
    aggregate_rows: int = 0
    commits: int = 0
    commit_failures: int = 0


class StreamConsumer:
    """Runs ``roles`` (subset of topics.ROLES) in consumer group ``topics.group_id``."""

    def __init__(self, settings: Settings, roles: frozenset[str], *, stats_path: Path | None = None) -> None:
        unknown = roles - set(T.ROLES)
        if unknown or not roles:
            raise ValueError(f"roles must be a non-empty subset of {T.ROLES}, got {sorted(roles)}")
        self.settings = settings
        self.roles = roles
        self.stats = ConsumerStats()
        self.stats_path = stats_path
        self.serde = AvroSerde(registry_from_settings(settings))
        self.codec = SensorCodec(self.serde)
        self.sink = (
            LakeSink(
                settings.lake_path, flush_rows=settings.stream_sink_flush_rows, flush_s=settings.stream_sink_flush_s
            )
            if "sink" in roles
            else None
        )
        self.engine = (
            AlertEngine(
                settings.alert_zscore,
                settings.alert_ewma_alpha,
                settings.alert_warmup_readings,
                int(settings.alert_cooldown_s * 1000),
            )
            if "alerts" in roles
            else None
        )
        self.agg = MinuteAggregator() if "analytics" in roles else None
        inputs = T.INPUTS if roles & {"validate", "sink"} else (T.SENSORS,)
        self.inputs = [T.topic(settings, t) for t in inputs]
        self.alerts_topic = T.topic(settings, T.ALERTS)
        self._processed: dict[tuple[str, int], int] = {}
        self._last_commit = time.monotonic()
        self._last_stats = 0.0
        self._topic_ids: dict[str, str | None] = {}
        self.consumer: Any = None
        self.producer: Any = None
        self._writer: ThreadPoolExecutor | None = None  # lake writes (pyarrow releases the GIL)
        self._inflight: tuple[Future[Any], dict[tuple[str, int], int]] | None = None

    # --- group membership ---------------------------------------------------------------------
    def _topic_id(self, name: str) -> str | None:
        if name not in self._topic_ids:
            self._topic_ids[name] = topic_id(self.settings, name)
        return self._topic_ids[name]

    def _on_assign(self, consumer: Any, partitions: list[Any]) -> None:
        if self.sink is not None:
            for tp in partitions:
                table = T.TABLES[T.base_of(self.settings, tp.topic)]
                resume = self.sink.load(table, tp.partition, self._topic_id(tp.topic))
                if resume is not None:
                    tp.offset = resume
        consumer.assign(partitions)
        self.stats.assigned = True

    def _on_revoke(self, consumer: Any, partitions: list[Any]) -> None:
        self.commit(force=True)

    # --- processing ---------------------------------------------------------------------------
    def _dlq(self, msg: Any, rejection: Rejection, value: bytes | None) -> None:
        self.stats.dlq += 1
        for r in rejection.reasons:
            self.stats.invalid_reasons[r] = self.stats.invalid_reasons.get(r, 0) + 1
        if "validate" not in self.roles:
            return
        headers = [
            ("reason", ",".join(rejection.reasons).encode()),
            ("detail", rejection.detail[:500].encode()),
            ("source-topic", msg.topic().encode()),
            ("source-partition", str(msg.partition()).encode()),
            ("source-offset", str(msg.offset()).encode()),
        ]
        self._produce(T.dlq(msg.topic()), value, msg.key(), headers)

    def _produce(self, name: str, value: bytes | None, key: bytes | None, headers: list[Any] | None = None) -> None:
        while True:
            try:
                self.producer.produce(name, value, key=key, headers=headers)
                return
            except BufferError:
                self.producer.poll(0.05)

    def _prepare(self, msgs: list[Any], now_ms: int) -> dict[int, tuple[Decoded, SensorVerdict | None]]:
        """Decode and validate the poll's sensor messages together: {index in msgs: (batch or error, verdict)}."""
        idx = [k for k, m in enumerate(msgs) if not m.error() and T.base_of(self.settings, m.topic()) == T.SENSORS]
        skew = int(self.settings.stream_max_future_s * 1000)
        done = decode_and_validate(self.codec, [msgs[k].value() for k in idx], now_ms, skew)
        return dict(zip(idx, done, strict=True))

    def _handle(self, msg: Any, now_ms: int, pre: tuple[Decoded, SensorVerdict | None] | None = None) -> None:
        base = T.base_of(self.settings, msg.topic())
        table = T.TABLES[base]
        part, off = msg.partition(), msg.offset()
        skew = int(self.settings.stream_max_future_s * 1000)
        verdict: SensorVerdict | None = None
        rec: dict[str, Any] = {}
        try:
            if pre is not None:
                if not isinstance(pre[0], SensorBatch):
                    raise pre[0]
                batch, verdict = pre[0], pre[1]
            elif base == T.SENSORS:
                batch = self.codec.decode(msg.value())
            else:
                batch, rec = None, self.serde.decode(T.SCHEMAS[base], msg.value())
        except DECODE_ERRORS as exc:
            reason = "decode_error" if isinstance(exc, WireFormatError) else "malformed_record"
            self._dlq(msg, Rejection([reason], str(exc)), msg.value())
            if self.sink is not None:
                self.sink.skip(table, part, off)
            return
        if batch is not None:
            if verdict is None:
                verdict = validate_sensor_batch(batch, now_ms, skew)
            if verdict.rejection is not None:
                rejected = verdict.rejected
                self.stats.dlq_readings += len(rejected) if rejected is not None else 0
                value = encode_batch(self.serde, msg.topic(), rejected) if rejected is not None else msg.value()
                self._dlq(msg, verdict.rejection, value)
            valid = verdict.valid
            if self.sink is not None:
                self.sink.add_sensor(part, off, valid)
            if valid is not None:
                self.stats.readings_valid += len(valid)
                if self.engine is not None:
                    for alert in self.engine.process(valid, int(time.time() * 1000)):
                        self._produce(
                            self.alerts_topic,
                            self.serde.encode(self.alerts_topic, "equipment_alerts", alert),
                            valid.equipment_id.encode(),
                        )
                        self.stats.alerts[alert["rule"]] = self.stats.alerts.get(alert["rule"], 0) + 1
                if self.agg is not None:
                    self.agg.add(valid)
            return
        check: Callable[[dict[str, Any], int, int], Rejection | None] = (
            validate_status if base == T.STATUS else validate_quality
        )
        rejection = check(rec, now_ms, skew)
        if rejection is not None:
            self._dlq(msg, rejection, msg.value())
        else:
            self.stats.rows_valid += 1
        if self.sink is not None:
            self.sink.add_row(table, part, off, None if rejection else rec)

    # --- durability ---------------------------------------------------------------------------
    def commit(self, *, force: bool = False, final: bool = False) -> None:
        """Flush lake files and produced records, then commit offsets (when due or forced).

        A flush that is due under load writes in the background thread while consuming goes on; its
        offsets are committed once its files and state are durable (:meth:`_settle`). A forced flush
        (topics drained, revocation, the end) waits.
        """
        self._settle(wait=False)
        due = (
            self.sink.due()
            if self.sink is not None
            else time.monotonic() - self._last_commit >= self.settings.stream_sink_flush_s
        )
        if not (force or due):
            return
        self.producer.flush()
        self._settle(wait=True)  # one lake write at a time, committed in order
        offsets: dict[tuple[str, int], int] = dict(self._processed)
        self._processed.clear()
        if self.sink is not None:
            self._inflight = (self.sink.start_flush(None if force else self._writer), offsets)
        if self.agg is not None:
            aggregates = self.agg.flush(final=final)
            if aggregates.num_rows:
                write_partitioned(aggregates, self.settings.lake_path, AGG_TABLE, by_hour=True)
                self.stats.aggregate_rows += aggregates.num_rows
        self._last_commit = time.monotonic()
        if self.sink is None:
            self._commit_offsets(offsets)
        elif force:
            self._settle(wait=True)

    def _settle(self, *, wait: bool) -> None:
        """Commit the offsets of the lake write in flight once it is durable (or wait for it)."""
        if self._inflight is None or self.sink is None or not (wait or self._inflight[0].done()):
            return
        job, offsets = self._inflight
        self._inflight = None
        for (table, part), nxt in self.sink.finish(job).items():
            base = next(b for b, t in T.TABLES.items() if t == table)
            offsets[(T.topic(self.settings, base), part)] = nxt
        self.stats.lake_rows = dict(self.sink.rows_written)
        self.stats.duplicates_dropped = self.sink.duplicates
        self._commit_offsets(offsets)

    def _commit_offsets(self, offsets: dict[tuple[str, int], int]) -> None:
        from confluent_kafka import KafkaException, TopicPartition

        if offsets:
            tps = [TopicPartition(t, p, o) for (t, p), o in offsets.items()]
            try:
                self.consumer.commit(offsets=tps, asynchronous=False)
            except KafkaException:  # a rebalance took the partition: its next owner re-reads, the sink dedups
                self.stats.commit_failures += 1
            self.stats.commits += 1
        self._write_stats(force=True)

    def _has_pending(self) -> bool:
        sink_pending = self.sink is not None and bool(self.sink.pending)
        return bool(self._processed) or self._inflight is not None or sink_pending

    def _write_stats(self, *, force: bool = False) -> None:
        if self.stats_path is None or (not force and time.monotonic() - self._last_stats < 0.5):
            return
        tmp = self.stats_path.with_name(f".{self.stats_path.name}.tmp")
        tmp.write_text(json.dumps(asdict(self.stats)))
        tmp.replace(self.stats_path)
        self._last_stats = time.monotonic()

    def _caught_up(self) -> bool:
        assignment = self.consumer.assignment()
        if not assignment:
            return False
        # watermarks cached from fetch responses: Tansu 0.6 answers ListOffsets(latest) wrongly
        for tp in self.consumer.position(assignment):
            low, high = self.consumer.get_watermark_offsets(tp, cached=True)
            pos = tp.offset if tp.offset >= 0 else low
            if high < 0 or pos < high:
                return False
        return True

    # --- loop ---------------------------------------------------------------------------------
    def run(
        self,
        *,
        until_caught_up: bool = False,
        max_seconds: float | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> ConsumerStats:
        """Consume until stopped (or caught up / timed out); always flushes and commits at the end."""
        self.consumer = make_consumer(self.settings, T.group_id(self.settings, self.roles))
        self.producer = make_producer(self.settings, **{"linger.ms": 5})
        self.consumer.subscribe(self.inputs, on_assign=self._on_assign, on_revoke=self._on_revoke)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="lake-writer")
        started = time.monotonic()
        try:
            while not (should_stop and should_stop()):
                if max_seconds is not None and time.monotonic() - started > max_seconds:
                    break
                msgs = self.consumer.consume(num_messages=2000, timeout=0.1)
                now_ms = int(time.time() * 1000)
                prepared = self._prepare(msgs, now_ms)
                for k, msg in enumerate(msgs):
                    if msg.error():
                        continue
                    self.stats.messages += 1
                    self._handle(msg, now_ms, prepared.get(k))
                    self._processed[(msg.topic(), msg.partition())] = msg.offset() + 1
                self.producer.poll(0)
                # under load, flush by size/age; once the topics are drained, flush at once (low latency)
                self.commit(force=not msgs and self._has_pending())
                self._write_stats()
                if until_caught_up and not msgs and self.stats.assigned and self._caught_up():
                    break
            self.commit(force=True, final=True)
        finally:
            self._writer.shutdown(wait=True)
            self.consumer.close()
        return self.stats
