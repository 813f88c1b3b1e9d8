"""Rolling sensor statistics at hour ends, computed from hourly partial sums.

The plain formulation (a range window over the raw readings) sorts and re-scans every reading for
every window. Here each (equipment, hour) is first reduced to partial statistics per sensor — count,
mean, sum of squared deviations (numerically stable), min, max, and the time sums of a least-squares
slope — and the 1 h / 6 h / 24 h statistics come from sums over at most 24 hourly rows, ordered by an
integer hour index (a range frame on the index: a missing hour stays missing). The readings are
scanned once; the window stage only sees one row per machine and hour.

Window for the row with ``event_timestamp = T`` (an hour end) over ``w`` hours: readings with
``T - w <= event_time < T``. ``std`` is the sample standard deviation (n - 1); ``slope`` is the
least-squares slope of the value against time, in units per hour; both are null below two readings.

Numerics: values are shifted by a per-machine constant (the mean of its hourly means) and times by
the machine's first hour before they are summed, so the float64 sums stay small; the 1 h statistics
use the stable per-hour moments directly; a window whose min equals its max has std and slope 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mfg.contracts.tables import SENSOR_FIELDS

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

WINDOWS: dict[str, int] = {"1h": 1, "6h": 6, "24h": 24}
STATS: tuple[str, ...] = ("mean", "std", "min", "max", "slope")
#: window sums per sensor: count, shifted sum and sum of squares, min, max, time sums for the slope
_SUMS: tuple[str, ...] = ("n", "sx", "sxx", "mn", "mx", "st", "stt", "stx")


def feature_columns(sensors: tuple[str, ...] = SENSOR_FIELDS) -> list[str]:
    """``<sensor>_<stat>_<window>`` in contract order (sensor, window, stat)."""
    return [f"{s}_{stat}_{w}" for s in sensors for w in WINDOWS for stat in STATS]


def hourly_partials(readings: DataFrame, sensors: tuple[str, ...] = SENSOR_FIELDS) -> DataFrame:
    """One row per (equipment_id, hour_idx) with the partial statistics of every sensor.

    ``hour_idx`` is whole hours since the epoch; ``t`` inside an hour is the fraction of the hour
    elapsed (0 <= t < 1). Columns per sensor: ``n``, ``mean``, ``m2`` (sum of squared deviations
    from the hour's mean), ``mn``, ``mx``, ``st``, ``stt`` and ``stx`` (sums of t, t^2 and t*x).
    """
    from pyspark.sql import functions as F

    secs = F.col("event_time").cast("double")
    df = readings.select(
        "equipment_id",
        F.floor(secs / 3600).cast("long").alias("hour_idx"),
        ((secs - F.floor(secs / 3600) * 3600) / 3600).alias("_t"),
        *[F.col(s).cast("double").alias(s) for s in sensors],
    )
    aggs = []
    for s in sensors:
        x = F.col(s)
        t = F.when(x.isNotNull(), F.col("_t"))
        aggs += [
            F.count(x).alias(f"{s}__n"),
            F.avg(x).alias(f"{s}__mean"),
            (F.var_pop(x) * F.count(x)).alias(f"{s}__m2"),
            F.min(x).alias(f"{s}__mn"),
            F.max(x).alias(f"{s}__mx"),
            F.sum(t).alias(f"{s}__st"),
            F.sum(t * t).alias(f"{s}__stt"),
            F.sum(t * x).alias(f"{s}__stx"),
        ]
    return df.groupBy("equipment_id", "hour_idx").agg(*aggs)


def _shifted_sums(s: str) -> dict[str, Column]:
    """Per-hour sums of one sensor with x shifted by ``_c_<s>`` and t by ``_h`` hours."""
    from pyspark.sql import functions as F

    n, h = F.col(f"{s}__n"), F.col("_h")
    d = F.coalesce(F.col(f"{s}__mean") - F.col(f"_c_{s}"), F.lit(0.0))
    st, stt, stx = (F.coalesce(F.col(f"{s}__{p}"), F.lit(0.0)) for p in ("st", "stt", "stx"))
    sx = n * d
    return {
        "n": n,
        "sx": sx,
        "sxx": F.coalesce(F.col(f"{s}__m2"), F.lit(0.0)) + n * d * d,
        "mn": F.col(f"{s}__mn"),
        "mx": F.col(f"{s}__mx"),
        "st": st + n * h,
        "stt": stt + 2 * h * st + n * h * h,
        # sum of (t' + h) * (x - c) = stx - c * st + h * sx
        "stx": stx - F.col(f"_c_{s}") * st + h * sx,
    }


def rolling_stats(partials: DataFrame, sensors: tuple[str, ...] = SENSOR_FIELDS) -> DataFrame:
    """``equipment_id``, ``hour_idx``, ``event_timestamp`` and every ``<sensor>_<stat>_<window>``."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    by_eq = Window.partitionBy("equipment_id")
    ordered = by_eq.orderBy("hour_idx")
    df = partials.select(
        "*",
        (F.col("hour_idx") - F.min("hour_idx").over(by_eq)).cast("double").alias("_h"),
        *[F.coalesce(F.avg(f"{s}__mean").over(by_eq), F.lit(0.0)).alias(f"_c_{s}") for s in sensors],
    )
    # window sums as named columns (the 1 h window is the hour's own row: no window function)
    cols = [F.col("equipment_id"), F.col("hour_idx")]
    for s in sensors:
        base = _shifted_sums(s)
        cols += [F.col(f"_c_{s}"), F.col(f"{s}__mean").alias(f"{s}__mean__1h"), F.col(f"{s}__m2").alias(f"{s}__m2__1h")]
        for wname, w in WINDOWS.items():
            frame = ordered.rangeBetween(-(w - 1), 0)
            for p in _SUMS:
                col = base[p]
                if w > 1:
                    col = (F.min if p == "mn" else F.max if p == "mx" else F.sum)(col).over(frame)
                cols.append(col.alias(f"{s}__{p}__{wname}"))
    df = df.select(*cols)
    out = [
        F.col("equipment_id"),
        F.col("hour_idx"),
        F.timestamp_seconds((F.col("hour_idx") + 1) * 3600).alias("event_timestamp"),
    ]
    for s in sensors:
        c = F.col(f"_c_{s}")
        for wname in WINDOWS:
            n, sx, sxx, mn, mx, st, stt, stx = (F.col(f"{s}__{p}__{wname}") for p in _SUMS)
            if wname == "1h":
                mean, m2 = F.col(f"{s}__mean__1h"), F.col(f"{s}__m2__1h")
            else:
                mean, m2 = c + sx / n, sxx - sx * sx / n
            den = n * stt - st * st
            constant = mn == mx
            out += [
                F.when(n > 0, mean).alias(f"{s}_mean_{wname}"),
                F.when(
                    n > 1, F.when(constant, F.lit(0.0)).otherwise(F.sqrt(F.greatest(m2, F.lit(0.0)) / (n - 1)))
                ).alias(f"{s}_std_{wname}"),
                F.when(n > 0, mn).alias(f"{s}_min_{wname}"),
                F.when(n > 0, mx).alias(f"{s}_max_{wname}"),
                F.when(
                    (n > 1) & (den > 1e-12 * n * n),
                    F.when(constant, F.lit(0.0)).otherwise((n * stx - st * sx) / den),
                ).alias(f"{s}_slope_{wname}"),
            ]
    return df.select(*out)
