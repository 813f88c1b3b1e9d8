"""Demo step: simulate the fleet into ``settings.sim_dir`` and copy reference tables into the lake."""

from __future__ import annotations

import shutil
from typing import Any

from mfg.settings import Settings


def demo_step(settings: Settings, ctx: Any) -> dict[str, Any]:
    """Simulate ``ctx.equipment`` machines for ``ctx.days`` days with ``settings.seed``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from mfg.lake import write_partitioned, write_table
    from mfg.simulator.config import make_config
    from mfg.simulator.engine import simulate
    from mfg.simulator.writer import write_simulation

    config = make_config(equipment=ctx.equipment, days=ctx.days, seed=settings.seed)
    out = settings.sim_dir
    if out.exists():
        shutil.rmtree(out)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=ctx.console) as bar:
        task = bar.add_task("simulating", total=config.days)
        result = simulate(config, progress=lambda stage, done, total: bar.update(task, completed=done, total=total))
    write_simulation(result, out, progress=True)
    lake = settings.lake_path
    for name in ("equipment", "plants"):
        write_table(result.tables[name], lake, name)
    write_partitioned(result.tables["maintenance_events"], lake, "maintenance_events", file_stem=f"sim-{config.seed}")
    s = result.summary()
    return {
        "readings": s["readings"],
        "status_events": s["status_events"],
        "quality_batches": s["quality_batches"],
        "failures": s["failures"],
        "failures_by_mode": ", ".join(f"{k} {v}" for k, v in s["failures_by_mode"].items()) or "none",
        "anomaly_windows": s["anomaly_windows"],
        "images": s["images"],
        "out": str(out),
    }
