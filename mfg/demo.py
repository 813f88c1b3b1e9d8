"""``make demo``: the whole loop on the embedded defaults, one step after another.

Each step is a function ``(settings, ctx) -> dict`` in its area's ``demo`` module; the dict is its
summary, printed as it finishes and kept in ``var/demo-summary.json``.
"""

from __future__ import annotations

import importlib
import json
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from mfg.settings import Settings


@dataclass
class DemoContext:
    """What the steps share: the fleet size asked for and the summaries so far."""

    equipment: int
    days: int
    console: Console
    results: dict[str, dict[str, Any]] = field(default_factory=dict)


#: (title, "module:function"), in loop order.
STEPS: list[tuple[str, str]] = [
    ("simulate", "mfg.simulator.demo:demo_step"),
    ("stream", "mfg.streaming.demo:demo_step"),
    ("batch", "mfg.batch.demo:demo_step"),
    ("warehouse", "mfg.warehouse.demo:demo_step"),
    ("features+train", "mfg.models.demo:demo_step"),
]


def _print_summary(console: Console, title: str, summary: dict[str, Any], seconds: float) -> None:
    table = Table(title=f"{title} ({seconds:.1f} s)", show_header=False, title_justify="left")
    for key, value in summary.items():
        if isinstance(value, float):
            value = f"{value:,.4g}"
        elif isinstance(value, int):
            value = f"{value:,}"
        table.add_row(str(key), str(value))
    console.print(table)


def run_demo(settings: Settings, *, equipment: int, days: int, console: Console) -> dict[str, Any]:
    if settings.lake_is_local and settings.lake_path.exists():
        # The demo replays one simulated fleet: a lake left by an earlier run (other fleet, other
        # sequence numbers) would mix with it, so the loop starts from an empty lake.
        console.print(f"demo: clearing the local lake {settings.lake_path}")
        shutil.rmtree(settings.lake_path)
    settings.ensure_dirs()
    ctx = DemoContext(equipment=equipment, days=days, console=console)
    started = time.perf_counter()
    for title, target in STEPS:
        module, func = target.split(":")
        step = getattr(importlib.import_module(module), func)
        console.rule(f"[bold]{title}")
        t0 = time.perf_counter()
        summary: dict[str, Any] = step(settings, ctx)
        ctx.results[title] = summary
        _print_summary(console, title, summary, time.perf_counter() - t0)
    total = time.perf_counter() - started
    out = settings.data_dir / "demo-summary.json"
    out.write_text(json.dumps({"seconds": total, "steps": ctx.results}, indent=2, default=str))
    console.rule(f"[bold green]demo finished in {total:.0f} s — summary in {out}")
    return ctx.results
