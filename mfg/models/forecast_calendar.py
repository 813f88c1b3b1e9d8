"""A production-calendar forecast: the typical value per (day type, shift) plus the recent level offset.

Plants run on a known calendar: three 8-hour shifts (06-14, 14-22, 22-06 UTC, the ``shift`` feature of
the feature table) and a different plan on Saturdays and Sundays. The forecast for a future hour is
the median of the history's hours in the same cell (weekday / Saturday / Sunday x shift, 9 cells),
shifted by the mean residual of the last ``offset_hours`` hours (the current level: wear, drift). Only
calendar facts and history before the origin are used; a cell with no history falls back to the median
of the whole window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHIFT_START_HOUR = 6  # shifts start at 06, 14 and 22 UTC
CELLS = 9  # 3 day types x 3 shifts


def calendar_cell(index: pd.DatetimeIndex) -> np.ndarray:
    """Cell number 0..8 of each timestamp: ``3 * day_type + shift`` (day type 0 weekday, 1 Sat, 2 Sun)."""
    weekday = index.dayofweek.to_numpy()
    shift = ((index.hour.to_numpy() - SHIFT_START_HOUR) % 24) // 8
    day_type = np.where(weekday < 5, 0, np.where(weekday == 5, 1, 2))
    return np.asarray(day_type * 3 + shift, dtype=np.int64)


def calendar_forecast(history: pd.Series, future: pd.DatetimeIndex, offset_hours: int = 24) -> np.ndarray:
    """Median per calendar cell over ``history``, evaluated at ``future``, plus the recent mean residual."""
    if not isinstance(history.index, pd.DatetimeIndex) or len(history) == 0:
        raise ValueError("calendar_forecast: history needs a non-empty DatetimeIndex")
    values = history.to_numpy(dtype=np.float64)
    cells = calendar_cell(history.index)
    fallback = float(np.median(values))
    profile = np.full(CELLS, fallback)
    for cell in range(CELLS):
        hit = values[cells == cell]
        if len(hit):
            profile[cell] = float(np.median(hit))
    recent = slice(-min(offset_hours, len(values)), None)
    offset = float(np.mean(values[recent] - profile[cells[recent]]))
    return np.asarray(profile[calendar_cell(future)] + offset, dtype=np.float64)
