"""The fleet: plants → lines → machines of four types, each with its nominal operating point.

Per-type figures (:data:`TYPE_SPECS`) are the nominal point at full load; each machine draws its own
variation around them (a few per cent), its own wear rate and its own failure limits, so machines of
one type age and fail differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import EQUIPMENT, EQUIPMENT_TYPES, PLANTS
from mfg.simulator.config import SimConfig


@dataclass(frozen=True)
class TypeSpec:
    """Nominal operating point of one equipment type at full load (load = 1)."""

    prefix: str
    speed_rpm: float
    torque_nm: float
    temp_rise_c: float  # housing temperature above ambient
    vibration_mm_s: float
    pressure_bar: float
    ideal_cycle_time_s: float
    rated_power_kw: float
    maintenance_every_days: float
    maintenance_hours: float
    # failure limits (stress = 1 at the limit); the type's dominant mode has the lowest limit
    tool_wear_limit: float  # effective cutting minutes
    heat_limit: float  # temperature rise / nominal rise
    power_limit: float  # power / nominal power
    strain_limit: float  # torque ratio × wear


TYPE_SPECS: dict[str, TypeSpec] = {
    "cnc_mill": TypeSpec("CNC", 1500, 40, 35, 2.5, 6, 90, 9, 21, 4, 22_000, 2.7, 1.6, 1.7),
    "pump": TypeSpec("PMP", 2950, 48, 25, 3.5, 8, 60, 18.5, 21, 6, 30_000, 2.7, 1.38, 1.7),
    "compressor": TypeSpec("CMP", 1480, 240, 45, 4.5, 10, 120, 45, 28, 8, 30_000, 2.3, 1.6, 1.7),
    "press": TypeSpec("PRS", 300, 1200, 30, 6, 200, 20, 45, 25, 6, 30_000, 2.7, 1.6, 1.4),
}
PLANT_SITES: tuple[tuple[str, str], ...] = (
    ("Stuttgart", "Europe/Berlin"),
    ("Detroit", "America/Detroit"),
    ("Suzhou", "Asia/Shanghai"),
    ("Pune", "Asia/Kolkata"),
    ("Monterrey", "America/Monterrey"),
)
MACHINES_PER_LINE = 6
#: wear added per hour at full load (load = 1) before the machine's own factor
BASE_WEAR_PER_HOUR = 0.0034


@dataclass
class Fleet:
    """Per-machine parameters as arrays of length ``n`` (index = machine)."""

    ids: list[str]
    plant_ids: list[str]
    line_ids: list[str]
    types: list[str]
    type_index: np.ndarray  # int, into EQUIPMENT_TYPES
    speed: np.ndarray
    torque: np.ndarray
    temp_rise: np.ndarray
    vibration: np.ndarray
    pressure: np.ndarray
    ambient: np.ndarray
    wear_rate: np.ndarray  # wear per hour at full load
    limits: np.ndarray  # (n, 4): tool_wear, heat, power, strain
    maint_every_h: np.ndarray
    maint_hours: np.ndarray
    ideal_cycle: np.ndarray
    rated_power: np.ndarray
    install: list[date]

    @property
    def n(self) -> int:
        return len(self.ids)


def _plant_letter(i: int) -> str:
    return chr(ord("A") + i)


def build_fleet(config: SimConfig, rng: np.random.Generator) -> Fleet:
    """Assign machines to plants (round robin) and types (cycling), then draw their parameters."""
    n, n_plants = config.equipment, config.n_plants
    plant_idx = np.arange(n) % n_plants
    type_idx = (np.arange(n) // n_plants) % len(EQUIPMENT_TYPES)
    counters: dict[tuple[int, int], int] = {}
    per_plant: dict[int, int] = {}
    ids, plant_ids, line_ids, types = [], [], [], []
    for p, t in zip(plant_idx.tolist(), type_idx.tolist(), strict=True):
        k = counters.get((p, t), 100) + 1
        counters[(p, t)] = k
        m = per_plant.get(p, 0)
        per_plant[p] = m + 1
        etype = EQUIPMENT_TYPES[t]
        ids.append(f"{TYPE_SPECS[etype].prefix}-{_plant_letter(p)}-{k:03d}")
        plant_ids.append(f"PLANT-{_plant_letter(p)}")
        line_ids.append(f"{_plant_letter(p)}-L{m // MACHINES_PER_LINE + 1:02d}")
        types.append(etype)
    specs = [TYPE_SPECS[t] for t in types]

    def spec(attr: str) -> np.ndarray:
        return np.array([getattr(s, attr) for s in specs], dtype=np.float64)

    def vary(values: np.ndarray, sigma: float) -> np.ndarray:
        return values * np.exp(rng.normal(0.0, sigma, n))

    limits = np.stack([spec("tool_wear_limit"), spec("heat_limit"), spec("power_limit"), spec("strain_limit")], axis=1)
    limits = limits * np.exp(rng.normal(0.0, [0.03, 0.03, 0.03, 0.03], limits.shape))
    install_days = rng.integers(0, 6 * 365, n)
    return Fleet(
        ids=ids,
        plant_ids=plant_ids,
        line_ids=line_ids,
        types=types,
        type_index=type_idx,
        speed=vary(spec("speed_rpm"), 0.03),
        torque=vary(spec("torque_nm"), 0.04),
        temp_rise=vary(spec("temp_rise_c"), 0.05),
        vibration=vary(spec("vibration_mm_s"), 0.06),
        pressure=vary(spec("pressure_bar"), 0.04),
        ambient=rng.normal(21.0, 1.5, n),
        wear_rate=vary(np.full(n, BASE_WEAR_PER_HOUR), 0.12),
        limits=limits,
        maint_every_h=spec("maintenance_every_days") * 24.0,
        maint_hours=spec("maintenance_hours"),
        ideal_cycle=spec("ideal_cycle_time_s"),
        rated_power=spec("rated_power_kw"),
        install=[date(2019, 1, 1) + timedelta(days=int(d)) for d in install_days],
    )


def equipment_table(fleet: Fleet) -> pa.Table:
    return pa.table(
        {
            "equipment_id": pa.array(fleet.ids, pa.string()),
            "plant_id": pa.array(fleet.plant_ids, pa.string()),
            "line_id": pa.array(fleet.line_ids, pa.string()),
            "equipment_type": pa.array(fleet.types, pa.string()),
            "install_date": pa.array(fleet.install, pa.date32()),
            "rated_power_kw": pa.array(fleet.rated_power, pa.float64()),
            "ideal_cycle_time_s": pa.array(fleet.ideal_cycle, pa.float64()),
        },
        schema=EQUIPMENT,
    )


def plants_table(config: SimConfig) -> pa.Table:
    rows = []
    for i in range(config.n_plants):
        site, tz = PLANT_SITES[i % len(PLANT_SITES)]
        rows.append((f"PLANT-{_plant_letter(i)}", f"Plant {_plant_letter(i)} ({site})", tz))
    return pa.table(
        {
            "plant_id": pa.array([r[0] for r in rows], pa.string()),
            "name": pa.array([r[1] for r in rows], pa.string()),
            "timezone": pa.array([r[2] for r in rows], pa.string()),
        },
        schema=PLANTS,
    )
