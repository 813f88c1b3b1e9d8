"""``mfg simulate``: run the plant simulator and write a partitioned parquet lake.

Heavy modules (numpy, pyarrow, the engine) load inside the command, so ``mfg --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def simulate(
    ctx: typer.Context,
    equipment: int = typer.Option(50, "--equipment", "-e", help="Machines in the fleet."),
    days: int = typer.Option(30, "--days", "-d", help="Simulated days."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (default: settings.seed)."),
    interval_s: int = typer.Option(60, "--interval-s", help="Seconds between sensor readings (divides 3600)."),
    out: Path = typer.Option(Path("var/lake"), "--out", "-o", help="Output folder (the lake root)."),
    images: int = typer.Option(200, "--images", help="Defect images to generate (0 = none)."),
    plants: int = typer.Option(3, "--plants", help="Plants in the fleet."),
    anomaly_rate: float = typer.Option(0.2, "--anomaly-rate", help="Injected anomalies per machine per day."),
) -> None:
    """Simulate a plant fleet (sensors, status, quality, maintenance, ground truth, images)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from mfg.cli import get_settings
    from mfg.simulator.config import SimulationError, make_config
    from mfg.simulator.engine import simulate as run
    from mfg.simulator.writer import write_simulation

    console = Console(stderr=True)
    settings = get_settings(ctx)
    try:
        config = make_config(
            equipment=equipment,
            days=days,
            seed=settings.seed if seed is None else seed,
            interval_s=interval_s,
            images=images,
            plants=plants,
            anomaly_rate=anomaly_rate,
        )
    except SimulationError as exc:
        console.print(f"[red]invalid arguments[/red]: {exc}")
        raise typer.Exit(2) from None
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"simulating {stage}", total=total)
            bar.update(tasks[stage], completed=done)

        result = run(config, progress=report)
    write_simulation(result, out, progress=True)
    print_summary(Console(), result.summary(), out)


def print_summary(console: Any, summary: dict[str, Any], out: Path) -> None:
    """The run's headline figures as a table."""
    from rich.table import Table

    table = Table(title="simulation", show_header=False, title_justify="left")
    for key, value in summary.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
        elif isinstance(value, int):
            value = f"{value:,}"
        table.add_row(key, str(value))
    console.print(table)
    console.print(f"written to {out}", soft_wrap=True)
