"""Helpers for the importer tests: counting CSVs independently, corrupting copies, a synthetic AI4I file."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from mfg.evaluation.ai4i_synth import COLUMNS

AI4I_HEADER = list(COLUMNS)


def read_rows(path: Path, sep: str = ",") -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a CSV, read with the csv module (independent of the importer)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=sep))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]], sep: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=sep, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def make_ai4i(path: Path, n: int = 300, seed: int = 7) -> Path:
    """A small CSV in the AI4I 2020 layout; failures follow simple rules so modes and labels agree."""
    rng = np.random.default_rng(seed)
    air = 298.0 + rng.normal(0, 2, n)
    process = air + 10.0 + rng.normal(0, 1, n)
    speed = rng.normal(1500, 150, n)
    torque = rng.normal(40, 10, n)
    wear = np.arange(n) % 240
    twf = (wear > 200) & (rng.random(n) < 0.3)
    hdf = (process - air < 8.6) & (speed < 1380)
    pwf = (torque * speed * 2 * np.pi / 60 > 9000) | (torque * speed * 2 * np.pi / 60 < 3500)
    osf = wear * torque > 11000
    rnf = rng.random(n) < 0.01
    failure = twf | hdf | pwf | osf | rnf
    types = rng.choice(["L", "M", "H"], n)
    rows = [
        [
            str(i + 1),
            f"{types[i]}{10000 + i}",
            str(types[i]),
            f"{air[i]:.1f}",
            f"{process[i]:.1f}",
            f"{speed[i]:.0f}",
            f"{torque[i]:.1f}",
            str(wear[i]),
            str(int(failure[i])),
            *(str(int(flag[i])) for flag in (twf, hdf, pwf, osf, rnf)),
        ]
        for i in range(n)
    ]
    return write_rows(path, AI4I_HEADER, rows)


RowsReader = Callable[..., tuple[list[str], list[list[str]]]]


@pytest.fixture
def rows_of() -> RowsReader:
    """``rows_of(path, sep=",")`` -> (header, data rows), read with the csv module."""
    return read_rows


@pytest.fixture
def write_csv() -> Callable[..., Path]:
    """``write_csv(path, header, rows, sep=",")`` writes a CSV and returns its path."""
    return write_rows


@pytest.fixture
def valve1_copy(datasets_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of SKAB valve1 (16 runs) to corrupt."""
    return Path(shutil.copytree(datasets_dir / "skab" / "valve1", tmp_path / "valve1"))


@pytest.fixture
def ai4i_csv(tmp_path: Path) -> Path:
    return make_ai4i(tmp_path / "ai4i" / "mill-7.csv")
