"""Contributing factors of one PdM prediction, from the booster's own SHAP values (``pred_contribs``).

Each input column's contribution (log-odds) says how much it pushed this machine's risk up. The
largest positive ones become sentences that compare the value with the machine's normal, e.g.
"vibration_rms 24h mean 12 % above this machine's normal (4.10 vs 3.66)". Ratio columns
(``rel_<col>``) and one-hot type columns are reported through the column they describe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import xgboost as xgb

_STAT = re.compile(r"^(?P<sensor>.+)_(?P<stat>mean|std|min|max|slope)_(?P<window>\d+h)$")
_WORDS = {
    "hours_since_maintenance": "hours since maintenance",
    "failures_last_30d": "failures in the last 30 days",
    "equipment_age_days": "machine age (days)",
    "hour_of_day": "hour of day",
    "day_of_week": "day of week",
    "shift": "shift",
}


@dataclass(frozen=True)
class Factor:
    """One contributing factor: the feature, its share of the push and a readable sentence."""

    feature: str
    contribution: float  # log-odds added to this prediction
    value: float
    normal: float | None
    sentence: str


def describe(column: str) -> str:
    """``vibration_rms_mean_24h`` -> ``vibration_rms 24h mean``."""
    m = _STAT.match(column)
    if m:
        return f"{m['sensor']} {m['window']} {m['stat']}"
    return _WORDS.get(column, column.replace("_", " "))


def sentence(column: str, value: float, normal: float | None) -> str:
    """A comparison of ``value`` with the machine's normal, in words."""
    name = describe(column)
    if normal is None or normal != normal:  # NaN
        return f"{name} is {value:.3g}"
    if abs(normal) < 1e-9:
        return f"{name} is {value:.3g} (this machine's normal is 0)"
    pct = (value / normal - 1.0) * 100.0
    if abs(pct) < 0.5:
        return f"{name} is at this machine's normal ({value:.3g})"
    side = "above" if pct > 0 else "below"
    return f"{name} {abs(pct):.0f} % {side} this machine's normal ({value:.3g} vs {normal:.3g})"


def contributions(booster: xgb.Booster, x: pd.DataFrame) -> pd.DataFrame:
    """SHAP values per row and input column (bias column dropped)."""
    import pandas as pd
    import xgboost as xgb

    raw = booster.predict(xgb.DMatrix(x), pred_contribs=True)
    return pd.DataFrame(raw[:, :-1], columns=list(x.columns), index=x.index)


def _source_column(column: str) -> str:
    return column[len("rel_") :] if column.startswith("rel_") else column


def factors(
    booster: xgb.Booster, x: pd.DataFrame, raw: pd.DataFrame, normal: pd.DataFrame, top: int = 3
) -> list[list[Factor]]:
    """Top ``top`` risk-raising factors per row.

    ``x`` is the model matrix, ``raw`` the feature rows it came from (same index), ``normal`` the
    machine's normal per raw column (same index). Contributions of a ratio column are added to the
    column it describes; type indicators are skipped (they are not actionable).
    """
    contrib = contributions(booster, x)
    merged = contrib.T.groupby([_source_column(c) for c in contrib.columns]).sum().T
    merged = merged[[c for c in merged.columns if not c.startswith("type_")]]
    out: list[list[Factor]] = []
    for idx in merged.index:
        row = merged.loc[idx].sort_values(ascending=False)
        chosen: list[Factor] = []
        for column, value in row.items():
            if value <= 0 or len(chosen) == top:
                break
            col = str(column)
            v = float(raw.at[idx, col])
            n = float(normal.at[idx, col]) if col in normal.columns else None
            chosen.append(Factor(col, float(value), v, n, sentence(col, v, n)))
        out.append(chosen)
    return out
