"""Reading the data files of a mapped dataset into frames with the contract's column names.

:func:`discover_files` lists the files a mapping selects under a source (a folder, or one file);
:func:`read_file` turns one file into a frame (see :func:`mfg.datasets.load_frame` for its columns);
:func:`assign_sequence` numbers rows per equipment across files.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from mfg.contracts.tables import SENSOR_FIELDS
from mfg.datasets.errors import DatasetImportError
from mfg.datasets.mapping import FRAME_EXTRA_COLUMNS, Mapping
from mfg.datasets.parse import parse_binary, parse_numbers, parse_strings, parse_times, row_order_times
from mfg.datasets.windows import WindowsCache, find_windows_file, window_labels

KEY_COLUMNS = ("event_time", "equipment_id", "plant_id", "sequence")
_TOKENIZE_LINE = re.compile(r"line (\d+)")


def _natural_key(path: Path) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.as_posix())]


def source_root(source: Path) -> Path:
    return source if source.is_dir() else source.parent


def discover_files(mapping: Mapping, source: str | Path) -> list[Path]:
    """Data files of ``source``: the file itself, or the files matching ``mapping.files`` in natural order."""
    src = Path(source)
    if src.is_file():
        return [src]
    if not src.is_dir():
        raise DatasetImportError("no such file or folder", file=src)
    files = [p for p in src.glob(mapping.files) if p.is_file()]
    if not files:
        raise DatasetImportError(f"no file matches {mapping.files!r} (mapping key files)", file=src)
    return sorted(files, key=lambda p: _natural_key(p.relative_to(src)))


def template_values(path: Path, root: Path) -> dict[str, str]:
    """Placeholders of ``equipment.id`` and ``windows.key`` templates for one data file."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    return {"name": path.name, "stem": path.stem, "parent": path.parent.name, "relpath": rel}


def _read_csv(mapping: Mapping, path: Path) -> pd.DataFrame:
    fmt = mapping.format
    try:
        return pd.read_csv(
            path,
            sep=fmt.separator,
            dtype=str,
            encoding=fmt.encoding,
            skip_blank_lines=False,
            engine="c" if len(fmt.separator) == 1 else "python",
        )
    except pd.errors.EmptyDataError:
        raise DatasetImportError("file is empty (no header line)", file=path) from None
    except pd.errors.ParserError as exc:
        m = _TOKENIZE_LINE.search(str(exc))
        line = int(m.group(1)) if m else None
        raise DatasetImportError(f"malformed row: {exc}", file=path, line=line) from None
    except UnicodeDecodeError as exc:
        raise DatasetImportError(f"not {fmt.encoding} text (mapping key format.encoding): {exc}", file=path) from None


def read_file(mapping: Mapping, path: Path, root: Path, windows_cache: WindowsCache | None = None) -> pd.DataFrame:
    """One data file as a frame of contract fields, labels and extras (``sequence`` not yet set)."""
    raw = _read_csv(mapping, path)
    raw.columns = [str(c).strip() for c in raw.columns]
    lines = np.arange(len(raw)) + 2  # the header is line 1
    keep = ~raw.isna().all(axis=1).to_numpy()
    raw, lines = raw[keep].reset_index(drop=True), lines[keep]
    for column, key in mapping.required_columns().items():
        if column not in raw.columns:
            hint = f"; is the separator {mapping.format.separator!r} right?" if raw.shape[1] == 1 else ""
            raise DatasetImportError(
                f"missing column (needed by mapping key {key}); the header has {list(raw.columns)}{hint}",
                file=path,
                line=1,
                column=column,
            )
    dec = mapping.format.decimal
    out = pd.DataFrame(index=raw.index)
    if mapping.time.column is not None:
        out["event_time"] = parse_times(raw[mapping.time.column], mapping.time, file=path, lines=lines, decimal=dec)
    else:
        out["event_time"] = row_order_times(len(raw), mapping.time)
    values = template_values(path, root)
    if mapping.equipment.column is not None:
        ids = parse_strings(raw[mapping.equipment.column])
        if ids.isna().any():
            i = int(np.argmax(ids.isna().to_numpy()))
            raise DatasetImportError(
                "empty equipment id", file=path, line=int(lines[i]), column=mapping.equipment.column
            )
        out["equipment_id"] = mapping.equipment.prefix + ids.astype(str)
    else:
        out["equipment_id"] = str(mapping.equipment.id).format(**values)
    out["plant_id"] = mapping.plant_id
    for field in SENSOR_FIELDS:
        sensor = mapping.sensors.get(field)
        if sensor is None:
            out[field] = np.nan
            continue
        nums = parse_numbers(raw[sensor.column], file=path, column=sensor.column, lines=lines, decimal=dec)
        out[field] = nums * sensor.scale + sensor.offset
    for name, label in mapping.labels.items():
        if label.windows is not None:
            wfile = find_windows_file(label.windows, path, root)
            key = label.windows.key.format(**values)
            zone = mapping.time.timezone
            cache = {} if windows_cache is None else windows_cache
            out[name] = window_labels(out["event_time"], label.windows, key, windows_file=wfile, zone=zone, cache=cache)
        elif label.column not in raw.columns:
            out[name] = pd.Series(label.if_missing, index=raw.index, dtype="int8")
        elif label.type == "binary":
            out[name] = parse_binary(raw[label.column], file=path, column=str(label.column), lines=lines, decimal=dec)
        else:
            out[name] = parse_strings(raw[label.column])
    for extra in mapping.extras:
        if extra.dtype == "string":
            out[extra.out_name] = parse_strings(raw[extra.column])
        else:
            nums = parse_numbers(raw[extra.column], file=path, column=extra.column, lines=lines, decimal=dec)
            out[extra.out_name] = nums * extra.scale + extra.offset
    out[FRAME_EXTRA_COLUMNS[0]] = values["relpath"]
    return out


def assign_sequence(frame: pd.DataFrame, counters: dict[str, int]) -> pd.DataFrame:
    """Set ``sequence`` per equipment by row order, continuing from ``counters`` (updated in place)."""
    seq = frame.groupby("equipment_id", sort=False).cumcount().to_numpy().astype("int64")
    ids = frame["equipment_id"].to_numpy()
    for eq in pd.unique(ids):
        mask = ids == eq
        start = counters.get(str(eq), 0)
        seq[mask] += start
        counters[str(eq)] = start + int(mask.sum())
    frame.insert(3, "sequence", seq)
    return frame
