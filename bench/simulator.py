"""Simulator throughput: sensor readings generated per second (images off, nothing written).

Prints one JSON line: readings_per_s, readings, seconds, equipment, days.
Usage: ``python bench/simulator.py [--equipment 200] [--days 30]``.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def main() -> None:
    from mfg.simulator import SimConfig, simulate

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--equipment", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    config = SimConfig(equipment=args.equipment, days=args.days, seed=args.seed, images=0)
    simulate(SimConfig(equipment=4, days=1, seed=args.seed, images=0))  # warm imports
    t0 = time.perf_counter()
    result = simulate(config)
    seconds = time.perf_counter() - t0
    readings = result.tables["sensor_readings"].num_rows
    print(
        json.dumps(
            {
                "readings_per_s": round(readings / seconds),
                "readings": readings,
                "seconds": round(seconds, 3),
                "equipment": args.equipment,
                "days": args.days,
            }
        )
    )


if __name__ == "__main__":
    main()
