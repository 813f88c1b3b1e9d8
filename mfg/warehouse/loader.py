"""One loader, two engines: prepared parquet files into DuckDB (default) or BigQuery.

:func:`load_warehouse` prepares the tables (:mod:`mfg.warehouse.prepare`) and hands each file to
the engine's ``load``; only the engine differs between the embedded setup and the cloud.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from rich.progress import Progress

from mfg.settings import Settings, WarehouseEngine
from mfg.warehouse.prepare import prepare_tables
from mfg.warehouse.tables import TABLE_SPECS, TableSpec


class WarehouseLoadError(RuntimeError):
    """A table could not be loaded into the warehouse."""


class Engine(Protocol):
    """What the loader needs from a warehouse engine."""

    name: str

    def load(self, spec: TableSpec, parquet: Path) -> int:
        """Replace table ``spec.name`` with the rows of ``parquet``; returns the row count."""
        ...

    def close(self) -> None: ...


class DuckDBEngine:
    """The embedded warehouse: one DuckDB file, tables replaced on every load."""

    name = "duckdb"

    def __init__(self, path: Path) -> None:
        import duckdb

        path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(path))
        self._con.execute("SET TimeZone = 'UTC'")

    def load(self, spec: TableSpec, parquet: Path) -> int:
        self._con.execute(f'CREATE OR REPLACE TABLE "{spec.name}" AS SELECT * FROM read_parquet(?)', [str(parquet)])
        row = self._con.execute(f'SELECT count(*) FROM "{spec.name}"').fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self._con.close()


def staging_dir(settings: Settings) -> Path:
    return settings.data_dir / "warehouse" / "staging"


def make_engine(settings: Settings, **clients: Any) -> Engine:
    """The engine ``settings.warehouse_engine`` names (``clients`` reach the BigQuery engine, for tests)."""
    if settings.warehouse_engine is WarehouseEngine.bigquery:
        from mfg.warehouse.bigquery import BigQueryEngine

        return BigQueryEngine.from_settings(settings, **clients)
    return DuckDBEngine(settings.duckdb_path)


def load_warehouse(settings: Settings, engine: Engine | None = None, *, progress: bool = False) -> dict[str, int]:
    """Prepare every warehouse table and load it; returns rows per table."""
    files = prepare_tables(settings, staging_dir(settings))
    eng = engine or make_engine(settings)
    counts: dict[str, int] = {}
    try:
        with Progress(disable=not progress, transient=True) as bar:
            task = bar.add_task(f"loading warehouse ({eng.name})", total=len(files))
            for name, path in files.items():
                counts[name] = eng.load(TABLE_SPECS[name], path)
                bar.advance(task)
    finally:
        eng.close()
    return counts
