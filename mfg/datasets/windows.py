"""Labels from external time windows: NAB's ``combined_windows.json`` (``{file key: [[start, end], ...]}``).

A row is labelled 1 when its event time lies inside any window of its file, bounds included (the NAB
convention). Window times are read in the mapping's time zone, like the data file's own times.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mfg.datasets.errors import DatasetImportError
from mfg.datasets.mapping import WindowsSpec
from mfg.datasets.parse import localize

#: parsed windows files, keyed by resolved path (one import reads each file once)
WindowsCache = dict[Path, dict[str, object]]


def find_windows_file(spec: WindowsSpec, data_file: Path, source_root: Path) -> Path:
    """The windows JSON, looked up beside the data file, then in the source folder."""
    candidates = [data_file.parent / spec.path, source_root / spec.path]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    looked = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise DatasetImportError(f"label windows file {spec.path!r} not found (looked at {looked})", file=data_file)


def _read(path: Path, cache: WindowsCache) -> dict[str, object]:
    if path not in cache:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DatasetImportError(f"cannot read label windows: {exc}", file=path) from None
        if not isinstance(data, dict):
            raise DatasetImportError("label windows must be a JSON object of key -> [[start, end], ...]", file=path)
        cache[path] = data
    return cache[path]


def window_labels(
    times: pd.Series,
    spec: WindowsSpec,
    key: str,
    *,
    windows_file: Path,
    zone: str,
    cache: WindowsCache,
) -> pd.Series:
    """int8 0/1 per row: 1 where ``times`` (UTC) falls inside a window listed under ``key``."""
    data = _read(windows_file, cache)
    if key not in data:
        tail = key.rsplit("/", 1)[-1]
        near = [k for k in data if k.endswith(tail)]
        raise DatasetImportError(
            f"no key {key!r} (mapping key windows.key); keys ending in {tail!r}: {near}", file=windows_file
        )
    entries = data[key]
    if not isinstance(entries, list) or not all(isinstance(w, list) and len(w) == 2 for w in entries):
        raise DatasetImportError(f"windows under {key!r} must be a list of [start, end] pairs", file=windows_file)
    try:
        bounds = pd.to_datetime(pd.Series([b for w in entries for b in w], dtype="string"), format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise DatasetImportError(f"bad window time under {key!r}: {exc}", file=windows_file) from None
    bounds = localize(bounds, zone).dt.floor("ms").astype("datetime64[ms, UTC]")
    t = times.to_numpy()
    inside = np.zeros(len(times), dtype=bool)
    for start, end in zip(bounds.iloc[0::2].to_numpy(), bounds.iloc[1::2].to_numpy(), strict=True):
        inside |= (t >= start) & (t <= end)
    return pd.Series(inside.astype("int8"), index=times.index)
