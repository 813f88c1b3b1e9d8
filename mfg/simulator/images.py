"""Defect images for a sample of inspected batches, drawn with the ``defect-synthesis`` generators.

A brushed-metal surface is rendered with numpy; a defective batch gets one defect whose type follows
its cause (tool wear → scratch or burn, hard material → crack or pit, otherwise stain or warp); a
good batch gets a clean surface (``none``). The generators draw from Python's and numpy's global
random state, so each image seeds both from its own seed and restores them afterwards.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from mfg.contracts.tables import DEFECT_IMAGES
from mfg.simulator.columns import strings, timestamps

DEFECT_TYPES: tuple[str, ...] = ("none", "scratch", "crack", "stain", "pit", "burn", "warp")


@dataclass
class DefectImage:
    image_id: str
    defect_type: str
    pixels: np.ndarray  # (size, size, 3) uint8, BGR

    @property
    def path(self) -> str:
        return f"{self.image_id}.png"


def _generator(kind: str, size: int) -> Any:
    import defect_synthesis as ds

    s = size / 256.0  # the generators' defaults suit ~256 px images
    r = lambda a, b: (max(1, int(a * s)), max(2, int(b * s)))  # noqa: E731
    if kind == "scratch":
        return ds.ScratchGenerator(length_range=r(60, 200), width_range=(1, 2), wobble=2.0 * s)
    if kind == "crack":
        return ds.CrackGenerator(base_length_range=r(90, 220), base_width_range=(1, 2), roughness=4.0 * s)
    if kind == "stain":
        return ds.StainGenerator(radius_range=r(30, 70))
    if kind == "pit":
        return ds.PittingGenerator(
            cluster_size_range=(5, 14), pit_radius_range=(1, 2), spread_radius=max(4, int(40 * s))
        )
    if kind == "burn":
        return ds.BurnGenerator(radius_range=r(25, 60))
    return ds.TextureWarpGenerator(warp_radius_range=r(50, 90), distortion_strength=max(3.0, 14.0 * s))


def _surface(size: int, rng: np.random.Generator) -> np.ndarray:
    base = rng.uniform(120, 170)
    streaks = rng.normal(0.0, 6.0, (size, 1)) + rng.normal(0.0, 3.0, (size, size))
    shade = np.linspace(-10, 10, size)[None, :] * rng.uniform(-1, 1)
    gray = np.clip(base + streaks + shade, 0, 255)
    tint = np.array([1.0, 1.0, 1.04])
    return np.clip(gray[:, :, None] * tint, 0, 255).astype(np.uint8)


def render(kind: str, size: int, seed: int) -> np.ndarray:
    """One image of ``kind`` (``none`` = clean surface), deterministic for ``seed``."""
    rng = np.random.default_rng(seed)
    img = _surface(size, rng)
    if kind == "none":
        return img
    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        random.seed(seed)
        np.random.seed(seed % 2**32)
        out = img
        for _ in range(5):  # a defect may land outside the picture: retry a few times
            res = _generator(kind, size).apply(img)
            out = res.image
            if res.has_defect:
                break
        return np.ascontiguousarray(out, dtype=np.uint8)
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def choose_kind(defect_class: int, tool_term: float, rng: np.random.Generator) -> str:
    if defect_class == 0:
        return "none"
    if tool_term >= 0.6:
        pair = ("scratch", "burn")
    elif tool_term <= 0.3:
        pair = ("crack", "pit")
    else:
        pair = ("stain", "warp")
    return pair[int(rng.integers(2))]


def images_table(rows: list[tuple[DefectImage, str, str, int]]) -> pa.Table:
    """rows: (image, equipment_id, batch_id, event_ms)."""
    return pa.table(
        [
            strings([r[0].image_id for r in rows]),
            strings([r[1] for r in rows]),
            strings([r[2] for r in rows]),
            timestamps(np.array([r[3] for r in rows], dtype=np.int64)),
            strings([r[0].defect_type for r in rows]),
            strings([r[0].path for r in rows]),
        ],
        schema=DEFECT_IMAGES,
    )
