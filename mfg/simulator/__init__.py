"""Plant simulator: a fleet of machines with wear, failures, maintenance, quality and anomalies.

``simulate(SimConfig(...))`` returns arrow tables that follow :mod:`mfg.contracts.tables`;
``write_simulation(result, out)`` writes them as a partitioned parquet lake with ground truth and
defect images. Heavy modules load on first use, so importing the CLI stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mfg.simulator.config import SimConfig, SimulationError
    from mfg.simulator.engine import SimulationResult, simulate
    from mfg.simulator.writer import write_simulation

__all__ = ["SimConfig", "SimulationError", "SimulationResult", "simulate", "write_simulation"]
_WHERE = {
    "SimConfig": "mfg.simulator.config",
    "SimulationError": "mfg.simulator.config",
    "SimulationResult": "mfg.simulator.engine",
    "simulate": "mfg.simulator.engine",
    "write_simulation": "mfg.simulator.writer",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'mfg.simulator' has no attribute {name!r}")
