"""A synthetic CSV in the AI4I 2020 layout, for tests and the report when no real file is at hand.

The failure rules follow the published description of AI4I 2020 (Matzka, 2020): tool-wear failure
between 200 and 240 minutes of wear, heat-dissipation failure when the air-process temperature
difference is below 8.6 K at under 1380 rpm, power failure outside 3500-9000 W, overstrain when wear x
torque exceeds 11000 / 12000 / 13000 minNm for L / M / H variants, and 0.1 % random failures. The rows
are synthetic; figures measured on them say the recipe works, not how it does on the real data.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = [
    "UDI",
    "Product ID",
    "Type",
    "Air temperature [K]",
    "Process temperature [K]",
    "Rotational speed [rpm]",
    "Torque [Nm]",
    "Tool wear [min]",
    "Machine failure",
    "TWF",
    "HDF",
    "PWF",
    "OSF",
    "RNF",
]


def make_ai4i_frame(rows: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """``rows`` synthetic observations with the AI4I columns and failure rules."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(["L", "M", "H"], size=rows, p=[0.5, 0.3, 0.2])
    air = 300.0 + np.cumsum(rng.normal(0, 0.05, rows)).clip(-2, 2) + rng.normal(0, 0.5, rows)
    process = air + 10.0 + rng.normal(0, 0.8, rows)
    speed = rng.normal(1540, 180, rows).clip(1160, 2890)
    torque = (40.0 - (speed - 1540) * 0.035 + rng.normal(0, 7, rows)).clip(3.8, 77)
    wear_step = {"L": 2, "M": 3, "H": 5}
    wear = np.zeros(rows)
    for i in range(1, rows):
        wear[i] = 0.0 if wear[i - 1] > 240 or rng.random() < 0.004 else wear[i - 1] + wear_step[kind[i]]
    power = torque * speed * 2 * math.pi / 60
    twf = (wear >= 200) & (wear <= 240) & (rng.random(rows) < 0.08)
    hdf = ((process - air) < 8.6) & (speed < 1380)
    pwf = (power < 3500) | (power > 9000)
    limit = np.select([kind == "L", kind == "M"], [11000.0, 12000.0], 13000.0)
    osf = wear * torque > limit
    rnf = rng.random(rows) < 0.001
    failure = twf | hdf | pwf | osf | rnf
    return pd.DataFrame(
        {
            "UDI": np.arange(1, rows + 1),
            "Product ID": [f"{k}{47000 + i}" for i, k in enumerate(kind)],
            "Type": kind,
            "Air temperature [K]": air.round(1),
            "Process temperature [K]": process.round(1),
            "Rotational speed [rpm]": speed.round(0).astype(int),
            "Torque [Nm]": torque.round(1),
            "Tool wear [min]": wear.astype(int),
            "Machine failure": failure.astype(int),
            "TWF": twf.astype(int),
            "HDF": hdf.astype(int),
            "PWF": pwf.astype(int),
            "OSF": osf.astype(int),
            "RNF": rnf.astype(int),
        },
        columns=COLUMNS,
    )


def write_ai4i_csv(folder: Path, rows: int = 10_000, seed: int = 0, name: str = "ai4i2020.csv") -> Path:
    """Write the synthetic frame as ``folder/name``; returns the path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    make_ai4i_frame(rows, seed).to_csv(path, index=False)
    return path
