"""Operating point of a machine as ratios to its nominal point, given load and wear."""

from __future__ import annotations

import numpy as np


def operating_ratios(load: np.ndarray, wear: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Speed, torque, power and temperature-rise ratios to nominal while running (broadcasting)."""
    speed = (0.6 + 0.4 * load) * (1.0 - 0.05 * wear)
    torque = (0.5 + 0.5 * load) * (1.0 + 0.5 * wear)
    power = speed * torque
    rise = (0.3 + 0.7 * power) * (1.0 + 0.9 * wear * wear) / (0.45 + 0.55 * speed)
    return speed, torque, power, rise
