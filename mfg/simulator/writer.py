"""``write_simulation``: a simulation result as a parquet lake beside its ground truth and images.

Layout under ``out``: time tables at ``<table>/date=YYYY-MM-DD/sim-<seed>.parquet`` (via
:func:`mfg.lake.write_partitioned`; the same seed overwrites the same files), dimension tables at
``<table>/data.parquet``, ground truth at ``ground_truth/<name>/data.parquet`` and images at
``defect_images/<image_id>.png``.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from mfg.lake import write_partitioned, write_table
from mfg.simulator.engine import SimulationResult

TIME_TABLES = ("sensor_readings", "equipment_status", "quality_metrics", "maintenance_events")
DIMENSIONS = ("equipment", "plants")


def write_simulation(result: SimulationResult, out: str | Path, progress: bool = False) -> dict[str, int]:
    """Write everything; returns the number of files written per table."""
    import cv2
    from rich.progress import Progress

    out = Path(out)
    stem = f"sim-{result.config.seed}"
    counts: dict[str, int] = {}
    sensors = result.tables["sensor_readings"]
    work = (
        len(sensors.to_batches()) + len(TIME_TABLES) + len(DIMENSIONS) + len(result.ground_truth) + len(result.images)
    )
    with Progress(disable=not progress, transient=False) as bar:
        task = bar.add_task(f"writing to {out}", total=work)
        files = 0
        for day in sensors.to_batches():
            files += len(write_partitioned(pa.Table.from_batches([day]), out, "sensor_readings", file_stem=stem))
            bar.advance(task)
        counts["sensor_readings"] = files
        for name in TIME_TABLES[1:]:
            counts[name] = len(write_partitioned(result.tables[name], out, name, file_stem=stem))
            bar.advance(task)
        for name in DIMENSIONS:
            write_table(result.tables[name], out, name)
            counts[name] = 1
            bar.advance(task)
        for name, table in result.ground_truth.items():
            write_table(table, out / "ground_truth", name)
            counts[f"ground_truth/{name}"] = 1
            bar.advance(task)
        img_dir = out / "defect_images"
        if result.images:
            img_dir.mkdir(parents=True, exist_ok=True)
        for img in result.images:
            if not cv2.imwrite(str(img_dir / img.path), img.pixels):
                raise OSError(f"could not write image {img_dir / img.path}")
            bar.advance(task)
        counts["defect_images"] = len(result.images)
    return counts
