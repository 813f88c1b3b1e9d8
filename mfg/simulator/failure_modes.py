"""The five failure modes and their physical rules (hazard rate as a function of machine state).

Each wear-driven mode has a *stress*: a dimensionless quantity computed from the noise-free state
that equals 1 at the machine's limit. The hazard of a fault starting (per running hour) is
``exp(STEEPNESS · (stress − 1))``: negligible below ~0.85, ~0.06 per day at 0.9, ~1 per day at 0.95
and 1 per hour at the limit. A started fault develops over a P-F interval of 6.6–7.4 days (see
:mod:`mfg.simulator.physics`), visible in vibration, temperature, torque and power, and then the
machine fails. The ``random`` mode is a small constant hazard with no precursor (a minority).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mfg.contracts.tables import FAILURE_MODES
from mfg.simulator.operating import operating_ratios

STEEPNESS = 60.0
RANDOM_HAZARD_PER_HOUR = 0.00005
_MAX_STRESS = 1.5  # clip before exp to avoid overflow; hazard is then e^15 per hour (immediate)


@dataclass(frozen=True)
class FailureMode:
    """One failure mode: its error code, mean repair time and the physical rule, in words."""

    name: str
    error_code: str
    repair_hours: float
    rule: str


MODES: tuple[FailureMode, ...] = (
    FailureMode(
        "tool_wear",
        "E-TOOL-WEAR",
        3.0,
        "stress = tool_wear / tool-wear limit; tool_wear counts effective cutting minutes since the last "
        "tool change (one minute of running at load L adds 0.5 + 0.5·L).",
    ),
    FailureMode(
        "heat_dissipation",
        "E-HEAT-DISS",
        10.0,
        "stress = (rise ratio − 1) / (heat limit − 1), rise ratio = (temperature − ambient) / nominal rise; "
        "the rise grows with power and "
        "with friction (1 + 0.9·wear²) and falls with shaft speed (fan cooling 0.45 + 0.55·speed ratio), "
        "so heat builds up when a worn machine runs hot at low speed.",
    ),
    FailureMode(
        "power",
        "E-POWER",
        8.0,
        "stress = (power ratio − 1) / (power limit − 1), power ratio = power / nominal power: "
        "power = torque × speed drifts above its band "
        "as friction torque rises with wear (torque × (1 + 0.5·wear)), mostly in the high-load shift.",
    ),
    FailureMode(
        "overstrain",
        "E-OVERSTRAIN",
        20.0,
        "stress = (torque / nominal torque) × wear / strain limit: a worn drive train under high torque.",
    ),
    FailureMode(
        "random",
        "E-RANDOM",
        6.0,
        f"constant hazard of {RANDOM_HAZARD_PER_HOUR} per running hour, independent of state.",
    ),
)
assert tuple(m.name for m in MODES) == FAILURE_MODES
ERROR_CODES: dict[str, str] = {m.name: m.error_code for m in MODES}


def stresses(
    load: np.ndarray,
    wear: np.ndarray,
    tool_wear: np.ndarray,
    limits: np.ndarray,
) -> np.ndarray:
    """Stress of the four wear-driven modes, shape ``(4, len(load))`` for one machine.

    ``limits`` holds the machine's (tool-wear, heat, power, strain) limits.
    """
    _, torque_r, power_r, rise_r = operating_ratios(load, wear)
    out = np.empty((4, load.shape[0]))
    out[0] = tool_wear / limits[0]
    out[1] = (rise_r - 1.0) / (limits[1] - 1.0)
    out[2] = (power_r - 1.0) / (limits[2] - 1.0)
    out[3] = torque_r * wear / limits[3]
    return out


def hazards(load: np.ndarray, wear: np.ndarray, tool_wear: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """Hazard per running hour of each mode, shape ``(5, n)``; zero where the machine does not run."""
    s = stresses(load, wear, tool_wear, limits)
    running = load > 0
    h = np.empty((len(MODES), load.shape[0]))
    h[:4] = np.exp(STEEPNESS * (np.minimum(s, _MAX_STRESS) - 1.0)) * running
    h[4] = RANDOM_HAZARD_PER_HOUR * running
    return h
