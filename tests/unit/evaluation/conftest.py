"""xgboost's OpenMP threads must not busy-wait on a shared 2-core machine (set before xgboost loads)."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
