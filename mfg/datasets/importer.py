"""Importing a mapped dataset: :func:`load_frame` (in memory) and :func:`import_dataset` (into a lake folder).

Output layout of :func:`import_dataset` under ``out``::

    sensor_readings/date=YYYY-MM-DD/part-NNNNN.parquet        contract schema SENSOR_READINGS exactly
    sensor_readings_extra/date=YYYY-MM-DD/part-NNNNN.parquet  event_time, equipment_id, plant_id, sequence,
                                                              + each passthrough column (only if any)
    labels/data.parquet                                       equipment_id, event_time, sequence, + each label
    dataset.json                                              manifest: mapping, label kinds, files, counts

Rows of the three tables join on ``(equipment_id, sequence)``. Nothing appears in ``out`` until every
file has parsed: the tables are written to a staging folder and moved into place at the end.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from mfg.contracts.tables import SENSOR_READINGS, TS
from mfg.datasets.errors import DatasetImportError
from mfg.datasets.mapping import Mapping, load_mapping
from mfg.datasets.reader import KEY_COLUMNS, assign_sequence, discover_files, read_file, source_root
from mfg.datasets.windows import WindowsCache
from mfg.lake import write_partitioned, write_table

OUTPUT_TABLES = ("sensor_readings", "sensor_readings_extra", "labels", "dataset.json")
FileCallback = Callable[[Path, int], None]


@dataclass
class ImportResult:
    """What :func:`import_dataset` wrote."""

    mapping: str
    source: Path
    out: Path
    files: int
    rows: int
    equipment: list[str]
    label_counts: dict[str, int]
    extras: list[str]
    time_start: datetime | None
    time_end: datetime | None
    written: list[Path] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """JSON-friendly figures (no file list)."""
        data = asdict(self)
        data.pop("written")
        data["equipment"] = len(self.equipment)
        return json.loads(json.dumps(data, default=str))


def _as_mapping(mapping: Mapping | str | Path) -> Mapping:
    return mapping if isinstance(mapping, Mapping) else load_mapping(mapping)


def iter_frames(
    mapping: Mapping, source: str | Path, *, on_file: FileCallback | None = None
) -> Iterator[tuple[Path, pd.DataFrame]]:
    """Parse the files one at a time, in order, numbering rows per equipment; ``on_file(path, rows)`` after each."""
    src = Path(source)
    root = source_root(src)
    counters: dict[str, int] = {}
    cache: WindowsCache = {}
    for path in discover_files(mapping, src):
        frame = assign_sequence(read_file(mapping, path, root, cache), counters)
        if on_file is not None:
            on_file(path, len(frame))
        yield path, frame


def load_frame(
    mapping: Mapping | str | Path, source: str | Path, *, on_file: FileCallback | None = None
) -> pd.DataFrame:
    """The whole dataset in memory, one row per source row, files in natural order.

    ``mapping`` is a :class:`Mapping`, a YAML path or a shipped mapping name. Columns, in order:

    - ``event_time`` (datetime64[ms, UTC]), ``equipment_id``, ``plant_id`` (str), ``sequence`` (int64,
      per equipment by row order across files);
    - the contract sensor fields ``SENSOR_FIELDS`` (float64, unit-converted; NaN where unmapped/blank);
    - each label of ``mapping.label_names`` (int8 0/1 for binary labels, str/None for category labels);
    - each extra of ``mapping.extra_names`` (float64, or str for ``dtype: string``);
    - ``source_file``: the file's path relative to the source folder (one run per file, e.g. SKAB).

    Learn only from ``mapping.feature_columns``: label columns are never in it.
    Raises :class:`DatasetImportError` naming file, line and column on bad data.
    """
    m = _as_mapping(mapping)
    frames = [f for _, f in iter_frames(m, source, on_file=on_file)]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False).replace_schema_metadata()


def _schemas(mapping: Mapping) -> tuple[pa.Schema, pa.Schema]:
    def kind(is_text: bool) -> pa.DataType:
        return pa.string() if is_text else pa.float64()

    extra = pa.schema(
        list(SENSOR_READINGS)[: len(KEY_COLUMNS)]
        + [pa.field(e.out_name, kind(e.dtype == "string")) for e in mapping.extras]
    )
    labels = pa.schema(
        [
            pa.field("equipment_id", pa.string(), nullable=False),
            pa.field("event_time", TS, nullable=False),
            pa.field("sequence", pa.int64(), nullable=False),
        ]
        + [pa.field(n, pa.int8() if lab.type == "binary" else pa.string()) for n, lab in mapping.labels.items()]
    )
    return extra, labels


def _label_count(series: pd.Series) -> int:
    return int(series.sum()) if series.dtype.kind in "iub" else int(series.notna().sum())


def import_dataset(
    mapping: Mapping | str | Path,
    source: str | Path,
    out: str | Path,
    *,
    overwrite: bool = False,
    on_file: FileCallback | None = None,
) -> ImportResult:
    """Import ``source`` through ``mapping`` into the lake folder ``out`` (layout in the module docstring)."""
    m = _as_mapping(mapping)
    out_dir = Path(out)
    existing = [out_dir / name for name in OUTPUT_TABLES if (out_dir / name).exists()]
    if existing and not overwrite:
        raise DatasetImportError("already holds an import; pass overwrite (--overwrite) to replace it", file=out_dir)
    extra_schema, label_schema = _schemas(m)
    stage = out_dir / f".staging-{uuid.uuid4().hex}"
    equipment: dict[str, None] = {}
    label_parts: list[pa.Table] = []
    files: list[dict[str, Any]] = []
    rows = 0
    t_min: pd.Timestamp | None = None
    t_max: pd.Timestamp | None = None
    try:
        for i, (path, frame) in enumerate(iter_frames(m, source, on_file=on_file)):
            stem = f"part-{i:05d}"
            write_partitioned(_arrow(frame, SENSOR_READINGS), stage, "sensor_readings", file_stem=stem)
            if m.extras:
                write_partitioned(_arrow(frame, extra_schema), stage, "sensor_readings_extra", file_stem=stem)
            label_parts.append(_arrow(frame, label_schema))
            equipment.update(dict.fromkeys(frame["equipment_id"].unique().tolist()))
            rows += len(frame)
            if len(frame):
                lo, hi = frame["event_time"].min(), frame["event_time"].max()
                t_min = lo if t_min is None else min(t_min, lo)
                t_max = hi if t_max is None else max(t_max, hi)
            files.append({"file": frame["source_file"].iat[0] if len(frame) else path.name, "rows": len(frame)})
        labels = pa.concat_tables(label_parts) if label_parts else label_schema.empty_table()
        write_table(labels, stage, "labels")
        counts = {n: _label_count(labels.column(n).to_pandas()) for n in m.label_names}
        result = ImportResult(
            mapping=m.name,
            source=Path(source),
            out=out_dir,
            files=len(files),
            rows=rows,
            equipment=list(equipment),
            label_counts=counts,
            extras=m.extra_names,
            time_start=None if t_min is None else t_min.to_pydatetime(),
            time_end=None if t_max is None else t_max.to_pydatetime(),
        )
        manifest = {
            **result.summary(),
            "imported_at": datetime.now(UTC).isoformat(),
            "label_kinds": {n: lab.kind for n, lab in m.labels.items()},
            "label_modes": {n: lab.mode for n, lab in m.labels.items() if lab.mode},
            "feature_columns": m.feature_columns,
            "per_file": files,
            "mapping_spec": m.model_dump(mode="json"),
        }
        (stage / "dataset.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        for target in existing:
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
        for entry in sorted(stage.iterdir()):
            entry.replace(out_dir / entry.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    result.written = sorted(
        p for name in OUTPUT_TABLES for p in [out_dir / name, *(out_dir / name).rglob("*")] if p.is_file()
    )
    return result
