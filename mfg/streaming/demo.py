"""Demo step ``stream``: replay the simulated fleet through the broker into the lake and alerts."""

from __future__ import annotations

from typing import Any

from mfg.settings import Settings


def demo_step(settings: Settings, ctx: Any) -> dict[str, Any]:
    """Start the embedded broker (unless ``kafka_bootstrap``), produce, consume, stop; return counts."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from mfg.lake import LakeError, read_table
    from mfg.streaming import topics as T
    from mfg.streaming.analytics import TABLE as AGG_TABLE
    from mfg.streaming.broker import embedded_broker
    from mfg.streaming.consumer import StreamConsumer
    from mfg.streaming.kafka import ensure_topics, make_producer
    from mfg.streaming.producer import replay

    console = getattr(ctx, "console", None)
    settings.ensure_dirs()
    total = read_table(settings.sim_dir, "sensor_readings", columns=["sequence"]).num_rows
    with embedded_broker(settings) as s:
        ensure_topics(s, T.all_topics(s))
        with Progress(TextColumn("stream"), BarColumn(), MofNCompleteColumn(), console=console, transient=True) as bar:
            task = bar.add_task("produce", total=total)
            sent = replay(s, s.sim_dir, producer=make_producer(s), on_progress=lambda n: bar.advance(task, n))
        stats = StreamConsumer(s, frozenset(T.ROLES)).run(until_caught_up=True, max_seconds=600)
    summary: dict[str, Any] = {
        "produced_readings": sent.readings,
        "produced_records": sum(sent.records.values()),
        "produce_readings_per_s": round(sent.readings / sent.seconds) if sent.seconds else 0,
        "dlq_records": stats.dlq,
        "dlq_readings": stats.dlq_readings,
        "duplicates_dropped": stats.duplicates_dropped,
    }
    for table in (*T.TABLES.values(), AGG_TABLE):
        try:
            summary[f"lake_rows_{table}"] = read_table(settings.lake_uri, table, columns=["equipment_id"]).num_rows
        except LakeError:
            summary[f"lake_rows_{table}"] = 0
    for rule, n in sorted(stats.alerts.items()):
        summary[f"alerts_{rule}"] = n
    summary["alerts_total"] = sum(stats.alerts.values())
    return summary
