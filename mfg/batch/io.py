"""Reading lake tables into Spark and writing job outputs (idempotent overwrite)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mfg.contracts.tables import TABLES
from mfg.settings import Settings

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


class BatchInputError(RuntimeError):
    """A lake table a job needs is missing or unreadable."""


def lake_path(settings: Settings, *parts: str) -> str:
    """``<lake>/<part>/...`` for a local lake or a ``gs://`` one."""
    return "/".join([settings.lake_uri.rstrip("/"), *parts])


def cleansed_path(settings: Settings, table: str) -> str:
    return lake_path(settings, "cleansed", table)


def features_path(settings: Settings, name: str) -> str:
    return lake_path(settings, "features", name)


def aggregates_path(settings: Settings, name: str) -> str:
    return lake_path(settings, "aggregates", name)


def _exists(spark: SparkSession, path: str) -> bool:
    sc: Any = spark.sparkContext
    hadoop_path = sc._jvm.org.apache.hadoop.fs.Path(path)
    return bool(hadoop_path.getFileSystem(sc._jsc.hadoopConfiguration()).exists(hadoop_path))


def read_parquet_dir(spark: SparkSession, path: str, *, what: str) -> DataFrame:
    """Every parquet file below ``path`` (partition folders ignored: all columns are in-file)."""
    if not _exists(spark, path):
        raise BatchInputError(f"{what}: no data at {path!r}")
    return (
        spark.read.option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.parquet")
        .option("mergeSchema", "false")
        .parquet(path)
    )


def read_lake_table(spark: SparkSession, settings: Settings, table: str) -> DataFrame:
    """A raw lake table (as written by the stream sink or the simulator), columns in contract order."""
    if table not in TABLES:
        raise BatchInputError(f"table={table!r} is not a lake table; known: {sorted(TABLES)}")
    df = read_parquet_dir(spark, lake_path(settings, table), what=f"lake table {table!r}")
    missing = [f.name for f in TABLES[table] if f.name not in df.columns]
    if missing:
        raise BatchInputError(f"lake table {table!r} lacks contract columns {missing}")
    return df.select(*[f.name for f in TABLES[table]])


def read_cleansed(spark: SparkSession, settings: Settings, table: str) -> DataFrame:
    """The cleansed copy of a table written by the cleansing job."""
    return read_parquet_dir(spark, cleansed_path(settings, table), what=f"cleansed table {table!r}")


def write_overwrite(df: DataFrame, path: str, *, files: int | None = None) -> None:
    """Replace the table at ``path`` (running a job twice gives the same table)."""
    out = df.coalesce(files) if files else df
    out.write.mode("overwrite").option("compression", "zstd").parquet(path)
