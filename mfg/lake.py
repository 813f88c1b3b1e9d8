"""Reading and writing lake tables: parquet under ``<root>/<table>/date=YYYY-MM-DD/[hour=HH/]``.

All columns live inside the files (see :mod:`mfg.contracts.tables`); partition folders only prune.
Writes are atomic per file (write to a temporary name, then rename), so a reader or a crashed
writer never sees half a file.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq


class LakeError(RuntimeError):
    """A lake table is missing or does not match its contract."""


def table_dir(root: str | Path, table: str) -> Path:
    return Path(root) / table


def write_file_atomic(
    table: pa.Table,
    path: Path,
    *,
    use_dictionary: bool | Sequence[str] = True,
    compression: str = "zstd",
    compression_level: int | None = None,
) -> Path:
    """Write one parquet file durably: temp file, fsync, rename.

    ``use_dictionary`` and ``compression``/``compression_level`` go to :func:`pyarrow.parquet.write_table`;
    a list of column names dictionary-encodes only those (noisy float columns gain nothing from a
    dictionary and cost most of the write time).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    dictionary = use_dictionary if isinstance(use_dictionary, bool) else list(use_dictionary)
    pq.write_table(table, tmp, compression=compression, compression_level=compression_level, use_dictionary=dictionary)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def write_partitioned(
    table: pa.Table,
    root: str | Path,
    name: str,
    *,
    time_column: str = "event_time",
    by_hour: bool = False,
    file_stem: str | None = None,
) -> list[Path]:
    """Write ``table`` into date (and optionally hour) partitions; returns the files written.

    ``file_stem`` makes the write idempotent: the same stem overwrites the same files.
    """
    if table.num_rows == 0:
        return []
    stem = file_stem or uuid.uuid4().hex
    ts = table.column(time_column)
    dates = pc.strftime(ts, format="%Y-%m-%d")
    keys = pc.binary_join_element_wise(dates, pc.strftime(ts, format="%H"), "/") if by_hour else dates
    written: list[Path] = []
    for key in pc.unique(keys).to_pylist():
        part = table.filter(pc.equal(keys, key))
        if by_hour:
            d, h = key.split("/")
            sub = Path(f"date={d}") / f"hour={h}"
        else:
            sub = Path(f"date={key}")
        written.append(write_file_atomic(part, table_dir(root, name) / sub / f"{stem}.parquet"))
    return written


def write_table(table: pa.Table, root: str | Path, name: str) -> Path:
    """Write an unpartitioned table (dimensions, ground truth) as a single file."""
    return write_file_atomic(table, table_dir(root, name) / "data.parquet")


def list_files(root: str | Path, name: str) -> list[Path]:
    d = table_dir(root, name)
    return sorted(p for p in d.rglob("*.parquet") if not p.name.startswith("."))


def read_table(
    root: str | Path,
    name: str,
    *,
    columns: Sequence[str] | None = None,
    schema: pa.Schema | None = None,
) -> pa.Table:
    """Read every file of a lake table (ignoring partition folder names)."""
    files = list_files(root, name)
    if not files:
        raise LakeError(f"lake table {name!r} has no parquet files under {table_dir(root, name)}")
    dataset = ds.dataset([str(f) for f in files], format="parquet", schema=schema)
    return dataset.to_table(columns=list(columns) if columns else None)


def read_pandas(root: str | Path, name: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
    return read_table(root, name, columns=list(columns) if columns else None).to_pandas()
