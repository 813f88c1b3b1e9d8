"""Vectorised parsing of source columns, pointing at the first bad cell when a value will not parse.

Every reader here takes the raw column as read (strings, missing cells as NaN) plus the 1-based file
line of each row, parses the whole column at once, and on failure raises
:class:`~mfg.datasets.errors.DatasetImportError` naming the file, the line and the column of the
first value that was present but could not be parsed. Empty cells are missing values (NaN), not
errors, except in the time column.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from mfg.datasets.errors import DatasetImportError
from mfg.datasets.mapping import TimeSpec


def _first(mask: pd.Series | np.ndarray) -> int:
    return int(np.argmax(np.asarray(mask)))


def parse_numbers(raw: pd.Series, *, file: Path, column: str, lines: np.ndarray, decimal: str = ".") -> pd.Series:
    """Float64 values of a column; blank cells become NaN; text that is not a number is an error.

    The happy path is one exact (round-trip) C-level conversion; only when it fails is the column
    cleaned and re-parsed with ``pd.to_numeric(errors="coerce")`` to find the first present cell
    that is not a number (all-blank cells are missing values, not errors).
    """
    cells = raw.to_numpy(dtype=object, na_value=np.nan)
    if decimal != ".":
        cells = raw.astype("string").str.replace(decimal, ".", regex=False).to_numpy(dtype=object, na_value=np.nan)
    try:
        return pd.Series(cells.astype("float64"), index=raw.index)
    except (ValueError, TypeError):
        pass
    text = pd.Series(cells, index=raw.index).astype("string").str.strip()
    text = text.mask(text.eq("").fillna(False))
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna().to_numpy() & text.notna().to_numpy()
    if not bad.any():  # only blanks made the exact parser stop
        exact = text.to_numpy(dtype=object, na_value=np.nan).astype("float64")
        return pd.Series(exact, index=raw.index)
    i = _first(bad)
    raise DatasetImportError(f"cannot read {raw.iloc[i]!r} as a number", file=file, line=int(lines[i]), column=column)


def parse_binary(raw: pd.Series, *, file: Path, column: str, lines: np.ndarray, decimal: str = ".") -> pd.Series:
    """A 0/1 label column as int8 (``1.0``/``0.0`` accepted); blanks and other values are errors."""
    values = parse_numbers(raw, file=file, column=column, lines=lines, decimal=decimal)
    bad = ~values.isin([0.0, 1.0]).to_numpy()
    if bad.any():
        i = _first(bad)
        got = "an empty cell" if pd.isna(values.iloc[i]) else repr(raw.iloc[i])
        raise DatasetImportError(f"label must be 0 or 1, got {got}", file=file, line=int(lines[i]), column=column)
    return values.astype("int8")


def parse_strings(raw: pd.Series) -> pd.Series:
    """Stripped text; blanks become missing."""
    text = raw.astype("string").str.strip()
    blank = (text.isna() | text.eq("").fillna(True)).to_numpy()
    out = text.astype(object)
    out[blank] = None
    return out


def localize(times: pd.Series, zone: str) -> pd.Series:
    """Naive times read in ``zone`` -> UTC; aware times converted; NaT where the local time is ambiguous."""
    if times.dt.tz is None:
        times = times.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    return times.dt.tz_convert("UTC")


def parse_times(raw: pd.Series, spec: TimeSpec, *, file: Path, lines: np.ndarray, decimal: str = ".") -> pd.Series:
    """UTC event times (millisecond precision) of the time column; blank or unparseable cells are errors."""
    column = str(spec.column)
    text = raw.astype("string").str.strip()
    present = text.ne("").fillna(False).to_numpy()
    if not present.all():
        i = _first(~present)
        raise DatasetImportError("empty timestamp", file=file, line=int(lines[i]), column=column)
    if spec.format in ("unix_s", "unix_ms"):
        numbers = parse_numbers(raw, file=file, column=column, lines=lines, decimal=decimal)
        times = pd.to_datetime(numbers, unit=spec.format.removeprefix("unix_"), utc=True)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # mixed offsets: handled just below
            times = pd.to_datetime(text, format=spec.format, errors="coerce")
        if not pd.api.types.is_datetime64_any_dtype(times):  # mixed UTC offsets within the column
            times = pd.to_datetime(text, format=spec.format, errors="coerce", utc=True)
        bad = times.isna().to_numpy()
        if bad.any():
            i = _first(bad)
            raise DatasetImportError(
                f"cannot read {raw.iloc[i]!r} as a time in format {spec.format!r} (mapping key time.format)",
                file=file,
                line=int(lines[i]),
                column=column,
            )
        times = localize(times, spec.timezone)
        bad = times.isna().to_numpy()
        if bad.any():
            i = _first(bad)
            raise DatasetImportError(
                f"local time {raw.iloc[i]!r} does not exist or is ambiguous in {spec.timezone}",
                file=file,
                line=int(lines[i]),
                column=column,
            )
    return times.dt.floor("ms").astype("datetime64[ms, UTC]")


def row_order_times(n: int, spec: TimeSpec) -> pd.Series:
    """Times ``start + i * interval`` for rows ``i = 0..n-1`` (row-order mapping)."""
    assert spec.start is not None and spec.interval is not None  # guaranteed by TimeSpec
    start = pd.Timestamp(spec.start)
    start = start.tz_localize(spec.timezone) if start.tzinfo is None else start
    times = pd.Series(start.tz_convert("UTC") + pd.to_timedelta(np.arange(n) * pd.Timedelta(spec.interval)))
    return times.dt.floor("ms").astype("datetime64[ms, UTC]")
