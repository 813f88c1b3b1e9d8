"""``simulate(config)``: the whole plant simulation, returning in-memory arrow tables.

Randomness is split into independent streams (``SeedSequence.spawn``) for the fleet, the load
schedule, each machine's failure process, sensor noise, anomalies, quality and images, so the same
seed always gives identical output and changing one part does not reshuffle the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import DEFECT_CLASSES, GROUND_TRUTH, SENSOR_READINGS, TABLES
from mfg.simulator import anomalies, images
from mfg.simulator.config import SimConfig, SimulationError
from mfg.simulator.events import failures_table, maintenance_table, status_table
from mfg.simulator.fleet import build_fleet, equipment_table, plants_table
from mfg.simulator.labels import pdm_labels
from mfg.simulator.physics import load_schedule, simulate_history
from mfg.simulator.quality import build_batches
from mfg.simulator.sensors import BatchBuilder, FleetColumns, HourlyProcess, day_values

#: progress callback: (stage, done, total)
Progress = Callable[[str, int, int], None]


@dataclass
class SimulationResult:
    """The simulated lake tables (``tables``), the ground truth and the defect images."""

    config: SimConfig
    tables: dict[str, pa.Table]
    ground_truth: dict[str, pa.Table]
    images: list[images.DefectImage] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Headline figures: counts, failures by mode, quality class shares."""
        failures = self.ground_truth["failures"].column("failure_mode").to_pylist()
        classes = Counter(self.tables["quality_metrics"].column("defect_class").to_pylist())
        total = max(1, sum(classes.values()))
        return {
            "equipment": self.tables["equipment"].num_rows,
            "days": self.config.days,
            "readings": self.tables["sensor_readings"].num_rows,
            "status_events": self.tables["equipment_status"].num_rows,
            "quality_batches": self.tables["quality_metrics"].num_rows,
            "maintenance_events": self.tables["maintenance_events"].num_rows,
            "failures": len(failures),
            "failures_by_mode": dict(sorted(Counter(failures).items())),
            "anomaly_windows": self.ground_truth["anomaly_windows"].num_rows,
            "quality_shares": {c: round(classes.get(c, 0) / total, 3) for c in DEFECT_CLASSES},
            "images": len(self.images),
        }


def simulate(config: SimConfig, progress: Progress | None = None) -> SimulationResult:
    """Simulate ``config.equipment`` machines for ``config.days`` days."""
    report: Progress = progress or (lambda stage, done, total: None)
    streams = np.random.SeedSequence(config.seed).spawn(7)
    rng = [np.random.default_rng(s) for s in streams]
    fleet = build_fleet(config, rng[0])
    load = load_schedule(config, fleet, rng[1])
    hist = simulate_history(config, fleet, load, streams[2].spawn(fleet.n))
    windows = anomalies.plan(config, rng[4])

    n, dt, sph = config.steps, config.interval_s, config.steps_per_hour
    spd, hours = 86_400 // dt, config.days * 24
    start_s = int(config.start.timestamp())
    start_ms, interval_ms = start_s * 1000, dt * 1000
    t_s = start_s + np.arange(n, dtype=np.int64) * dt
    cols = FleetColumns(fleet)
    nominal = {
        "temperature": cols.ambient + cols.rise,
        "vibration_rms": cols.vibration,
        "pressure": cols.pressure,
        "rotational_speed": cols.speed,
        "torque": cols.torque,
        "power": cols.power,
    }
    hourly = HourlyProcess(*(np.empty((fleet.n, hours)) for _ in range(5)))
    builder = BatchBuilder(cols, spd)
    batches: list[pa.RecordBatch] = []
    for d in range(config.days):
        a, b = d * spd, (d + 1) * spd
        values, day_hourly = day_values(
            cols,
            load[:, a:b],
            hist.wear[:, a:b],
            hist.tool_wear[:, a:b],
            hist.state[:, a:b],
            hist.fault[:, a:b],
            hist.fault_mode[:, a:b],
            t_s[a:b],
            rng[3],
            sph,
        )
        anomalies.apply(windows, values, nominal, a)
        batches.append(builder.batch(values, t_s[a:b] * 1000, a))
        for name in ("running_fraction", "temperature", "speed", "pressure", "tool_wear"):
            getattr(hourly, name)[:, d * 24 : (d + 1) * 24] = getattr(day_hourly, name)
        report("sensors", d + 1, config.days)

    quality = build_batches(hourly, fleet, start_ms, rng[5])
    imgs, img_rows, quality_table = _images(config, quality, streams[6], report)
    tables = {
        "sensor_readings": pa.Table.from_batches(batches, schema=SENSOR_READINGS),
        "equipment_status": status_table(hist, fleet.ids, fleet.plant_ids, start_ms, interval_ms),
        "quality_metrics": quality_table,
        "maintenance_events": maintenance_table(hist, fleet.ids, fleet.plant_ids, start_ms, interval_ms),
        "equipment": equipment_table(fleet),
        "plants": plants_table(config),
    }
    ground_truth = {
        "failures": failures_table(hist, fleet.ids, fleet.plant_ids, start_ms, interval_ms),
        "pdm_labels": pdm_labels(hist, fleet.ids, start_ms, interval_ms, hours),
        "anomaly_windows": anomalies.windows_table(windows, fleet.ids, start_ms, interval_ms),
        "defect_images": images.images_table(img_rows),
    }
    for name, table in [*tables.items(), *ground_truth.items()]:
        schema = TABLES.get(name) or GROUND_TRUTH[name]
        if not table.schema.equals(schema):
            raise SimulationError(f"table {name!r} does not match its contract: {table.schema} != {schema}")
    return SimulationResult(config=config, tables=tables, ground_truth=ground_truth, images=imgs)


def _images(
    config: SimConfig, quality: Any, seeds: np.random.SeedSequence, report: Progress
) -> tuple[list[images.DefectImage], list[tuple[images.DefectImage, str, str, int]], pa.Table]:
    """Pick batches to image (half of them defective where possible), render, link by image_id."""
    table: pa.Table = quality.table
    k = min(config.images, table.num_rows)
    if k == 0:
        return [], [], table
    rng = np.random.default_rng(seeds.spawn(1)[0])
    defective = np.flatnonzero(quality.defect_class > 0)
    n_def = min(len(defective), k // 2)
    chosen = set(rng.choice(defective, n_def, replace=False).tolist()) if n_def else set()
    rest = np.setdiff1d(np.arange(table.num_rows), np.fromiter(chosen, dtype=np.int64, count=len(chosen)))
    chosen |= set(rng.choice(rest, k - len(chosen), replace=False).tolist())
    picked = sorted(chosen)
    eq = table.column("equipment_id").to_pylist()
    batch_ids = table.column("batch_id").to_pylist()
    event_ms = table.column("event_time").cast(pa.int64()).to_numpy()
    image_ids: list[str | None] = [None] * table.num_rows
    imgs, rows = [], []
    for j, row in enumerate(picked):
        kind = images.choose_kind(int(quality.defect_class[row]), float(quality.tool_term[row]), rng)
        seed = int(np.random.SeedSequence([config.seed, j]).generate_state(1)[0])
        img = images.DefectImage(f"IMG-{j + 1:06d}", kind, images.render(kind, config.image_size, seed))
        image_ids[row] = img.image_id
        imgs.append(img)
        rows.append((img, eq[row], batch_ids[row], int(event_ms[row])))
        report("images", j + 1, k)
    col = table.schema.get_field_index("image_id")
    table = table.set_column(col, table.schema.field(col), pa.array(image_ids, pa.string()))
    return imgs, rows, table
