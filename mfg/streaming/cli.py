"""``mfg stream produce|consume|topics|check-schemas``."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import typer
from rich.console import Console

from mfg.cli import get_settings

app = typer.Typer(no_args_is_help=True)
console = Console(stderr=True)


def _fail(message: str) -> None:
    console.print(f"[red]error[/red]: {message}")
    raise typer.Exit(1)


@app.command("topics")
def topics_cmd(ctx: typer.Context) -> None:
    """Create the input, dead-letter and alert topics (idempotent)."""
    from mfg.streaming import topics as T
    from mfg.streaming.errors import StreamingError
    from mfg.streaming.kafka import ensure_topics

    settings = get_settings(ctx)
    try:
        created = ensure_topics(settings, T.all_topics(settings))
    except StreamingError as exc:
        _fail(str(exc))
    console.print(f"created {len(created)} topic(s): {', '.join(created) or '-'}")


@app.command("produce")
def produce_cmd(
    ctx: typer.Context,
    source: Path = typer.Option(None, help="Lake-layout folder to replay (default: settings.sim_dir)."),
    rate: float = typer.Option(0.0, min=0, help="Sensor readings per second (0 with --max: no limit)."),
    max_speed: bool = typer.Option(False, "--max", help="As fast as the client can."),
) -> None:
    """Replay simulator output (or an imported dataset) into the topics in event-time order."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from mfg.lake import LakeError, read_table
    from mfg.streaming import topics as T
    from mfg.streaming.errors import StreamingError
    from mfg.streaming.kafka import ensure_topics, make_producer
    from mfg.streaming.producer import replay

    settings = get_settings(ctx)
    src = source or settings.sim_dir
    if not rate and not max_speed:
        _fail("give --rate N (readings per second) or --max")
    try:
        total = read_table(src, "sensor_readings", columns=["sequence"]).num_rows
        ensure_topics(settings, T.all_topics(settings))
        producer = make_producer(settings)
        columns = [
            TextColumn("replay"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("readings"),
            TimeRemainingColumn(),
        ]
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("replay", total=total)
            result = replay(
                settings,
                src,
                producer=producer,
                rate=None if max_speed else rate,
                on_progress=lambda n: bar.advance(task, n),
            )
    except (StreamingError, LakeError) as exc:
        _fail(str(exc))
    per_s = result.readings / result.seconds if result.seconds else 0.0
    print(
        json.dumps(
            {
                "records": result.records,
                "readings": result.readings,
                "seconds": round(result.seconds, 2),
                "readings_per_s": round(per_s),
            }
        )
    )


@app.command("consume")
def consume_cmd(
    ctx: typer.Context,
    role: list[str] = typer.Option(["all"], help="validate, sink, alerts, analytics or all (repeatable)."),
    until_caught_up: bool = typer.Option(False, help="Exit once every assigned partition is read to its end."),
    max_seconds: float = typer.Option(0.0, min=0, help="Exit after this many seconds (0: run until Ctrl-C)."),
    stats_file: Path = typer.Option(None, help="Keep a JSON file of running counters here."),
) -> None:
    """Run a consumer-group member with the given roles."""
    from mfg.streaming import topics as T
    from mfg.streaming.consumer import StreamConsumer
    from mfg.streaming.errors import StreamingError
    from mfg.streaming.kafka import ensure_topics

    settings = get_settings(ctx)
    roles = frozenset(T.ROLES) if "all" in role else frozenset(role)
    if not roles <= set(T.ROLES):
        _fail(f"--role must be one of {', '.join(T.ROLES)} or all, got {', '.join(sorted(roles - set(T.ROLES)))}")
    settings.ensure_dirs()
    try:
        ensure_topics(settings, T.all_topics(settings))
        consumer = StreamConsumer(settings, roles, stats_path=stats_file)
        console.print(f"consuming as group {T.group_id(settings, roles)} (Ctrl-C to stop)")
        try:
            stats = consumer.run(until_caught_up=until_caught_up, max_seconds=max_seconds or None)
        except KeyboardInterrupt:
            stats = consumer.stats
    except StreamingError as exc:
        _fail(str(exc))
    from dataclasses import asdict

    print(json.dumps(asdict(stats)))


@app.command("check-schemas")
def check_schemas_cmd(
    directory: Path = typer.Option(None, "--dir", help="Folder of <name>.v<N>.avsc files (default: the shipped ones)."),
) -> None:
    """Check every schema version is backward compatible with the one before it (exit 1 if not)."""
    from mfg.contracts.avro import SCHEMA_DIR, ContractError, shipped_schemas
    from mfg.contracts.compat import backward_problems

    failures = 0
    try:
        found = shipped_schemas(directory or SCHEMA_DIR)
    except ContractError as exc:
        _fail(str(exc))
    for name, versions in found.items():
        for old, new in itertools.pairwise(versions):
            problems = backward_problems(new.load(), old.load())
            mark = "[green]ok[/green]" if not problems else f"[red]BREAKING[/red]: {'; '.join(problems)}"
            console.print(f"{name} v{old.version} -> v{new.version}: {mark}")
            failures += bool(problems)
        console.print(f"{name}: {len(versions)} version(s)")
    if failures:
        raise typer.Exit(1)
